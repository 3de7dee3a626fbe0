"""Mix and master (spec 2.4): beat + lead vocal -> `mix/vocal_mix.wav` (step 1); any project audio -> the mix chain
(step 2) -> the master (step 3) -> `mix/mixed_mastered.wav`, with its loudness report beside it as JSON.

The *_job functions run in a worker process (paths in, paths out) and write hidden `.part` files; the store_*
functions move them into place and record them in one transaction, so a failed job leaves the previous mix as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from liab import media
from liab.audio import dsp, ingest
from liab.errors import BadInput
from liab.models import ProjectPublic, utcnow
from liab.services import projects, recordings
from liab.services.projects import AssetSource

FOLDER = 'mix'
VOCAL_MIX = 'mix/vocal_mix.wav'
MASTER = 'mix/mixed_mastered.wav'
REPORT = 'mix/mixed_mastered.json'
INPUTS = 'mix/inputs'
ENGINE = AssetSource('local', 'mix engine')
INPUT_FORMATS = ('wav', 'mp3', 'aiff', 'flac', 'm4a')


@dataclass(frozen=True)
class Source:
    """A project file that can enter the mix chain (step 2)."""

    key: str  # 'vocal_mix', 'beat', 'take:<id>', 'input:<id>'
    label: str
    path: str  # relative to the project's folder


def sources(data: dict[str, Any]) -> list[Source]:
    """Everything in the project the chain can take, best first: the vocal mix, uploaded songs, the beat, takes."""
    assets = data.get('assets') or {}
    found: list[Source] = []
    vocal_mix = (data.get('mix') or {}).get('vocal_mix')
    if vocal_mix:
        found.append(Source('vocal_mix', 'Beat + vocal mix', vocal_mix['path']))
    for entry in reversed((data.get('mix') or {}).get('inputs') or []):
        if entry.get('kind', 'song') == 'song':
            found.append(Source(f'input:{entry["id"]}', f'Uploaded: {entry["name"]}', entry['path']))
    beat = assets.get('beat') or {}
    if beat.get('path'):
        found.append(Source('beat', 'The beat', beat.get('wav') or beat['path']))
    for take in recordings.takes(data):
        found.append(Source(f'take:{take["id"]}', f'Take: {take.get("name") or "untitled"}', take['path']))
    return found


def references(data: dict[str, Any]) -> list[Source]:
    """Reference tracks uploaded for the master, newest first."""
    return [Source(f'input:{entry["id"]}', entry['name'], entry['path'])
            for entry in reversed((data.get('mix') or {}).get('inputs') or []) if entry.get('kind') == 'reference']


def find_reference(data: dict[str, Any], key: str) -> Source:
    for source in references(data):
        if source.key == key:
            return source
    raise BadInput('That reference track is no longer in the project. Pick another.')


def find_source(data: dict[str, Any], key: str) -> Source:
    for source in sources(data):
        if source.key == key:
            return source
    raise BadInput('That audio is no longer in the project. Pick another.')


def step_one_inputs(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(beat path, lead take) for the beat + vocal mix; BadInput naming what is missing."""
    beat = (data.get('assets') or {}).get('beat') or {}
    lead = recordings.lead_id(data)
    take = next((t for t in recordings.takes(data) if t['id'] == lead), None)
    if not beat.get('path') and take is None:
        raise BadInput('Make or upload a beat (Beat stage) and a vocal take (Upload stage) first.')
    if not beat.get('path'):
        raise BadInput('This project has no beat yet. Make or upload one in the Beat stage.')
    if take is None:
        raise BadInput('This project has no vocal take yet. Add one in the Upload stage.')
    return beat.get('wav') or beat['path'], take


def vocal_settings(values: dict[str, Any]) -> dsp.VocalMix:
    return _checked(dsp.VocalMix, values)


def chain_settings(values: dict[str, Any] | None) -> dsp.Chain | None:
    return None if values is None else _checked(dsp.Chain, values)


def master_settings(values: dict[str, Any]) -> dsp.Master:
    return _checked(dsp.Master, values)


def _checked(kind: type, values: dict[str, Any]) -> Any:
    """Settings from a form or a request; BadInput naming the field when one is missing its range or unknown."""
    try:
        settings = kind(**values)
        dsp.check(settings)
    except TypeError:
        raise BadInput(f'Unknown setting among: {", ".join(sorted(values))}.') from None
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    return settings


def default_offset_ms(take: dict[str, Any]) -> float:
    """A take recorded in the browser arrives late by its latency: pull it forward by that much."""
    latency = take.get('latency_ms')
    return -float(latency) if take.get('origin') == 'recorded' and latency else 0.0


# jobs (worker processes) -----------------------------------------------------------------------------------------


def vocal_mix_job(beat: str, vocal: str, folder: str, settings: dict[str, Any], *, progress: Any) -> dict[str, Any]:
    mix = dsp.VocalMix(**settings)
    dsp.check(mix)
    part = _part(folder, 'vocal_mix')
    try:
        dsp.mix_vocal(Path(beat), Path(vocal), part, mix, progress=progress)
        report = dsp.loudness_report(part)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return {'part': str(part), 'settings': asdict(mix), 'report': report}


def suggest_job(source: str, strength: float, *, progress: Any) -> dict[str, Any]:
    progress(0.1, 'Listening to the mix')
    chain, why = dsp.suggest_chain(Path(source), strength)
    return {'chain': asdict(chain), 'explanation': why}


def master_job(source: str, folder: str, chain: dict[str, Any] | None, master: dict[str, Any], *,
               progress: Any) -> dict[str, Any]:
    chain_settings = dsp.Chain(**chain) if chain is not None else None
    master_settings = dsp.Master(**master)
    for settings in (chain_settings, master_settings):
        if settings is not None:
            dsp.check(settings)
    part = _part(folder, 'mixed_mastered')
    try:
        report = dsp.process(Path(source), part, chain_settings, master_settings, progress=progress)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return {'part': str(part), 'report': report}


def _part(folder: str, name: str) -> Path:
    """A hidden file for a job's output; it keeps the .wav suffix, which the DSP reads the format from."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder) / f'{media.temp_prefix(name)}{uuid.uuid4().hex[:8]}{media.TEMP_SUFFIX}.wav'


# storing (web process, one transaction each) ---------------------------------------------------------------------


def store_vocal_mix(*, session: Session, project_id: str, made: dict[str, Any], beat: str,
                    take_id: str) -> ProjectPublic:
    target = media.project_dir(project_id, create=True) / VOCAL_MIX
    entry = {'path': VOCAL_MIX, 'url': media.url(project_id, VOCAL_MIX), 'settings': made['settings'],
             'report': made['report'], 'beat': beat, 'take_id': take_id, 'created_at': utcnow().isoformat(),
             'version': uuid.uuid4().hex[:8]}

    def change(data: dict[str, Any]) -> None:
        data.setdefault('mix', {})['vocal_mix'] = entry

    project = projects.change_project(session=session, project_id=project_id, change=change)
    os.replace(made['part'], target)  # NOTE: last, inside the transaction: a failed commit raises before this line
    return project


def store_master(*, session: Session, project_id: str, made: dict[str, Any], source: Source,
                 meta: dict[str, Any]) -> ProjectPublic:
    """The master and its report into place; assets.mix in the spec's shape; ticks the Mix stage."""
    folder = media.project_dir(project_id, create=True)
    report = {**made['report'], 'source': source.label, 'made_at': utcnow().isoformat()}
    entry = {'path': MASTER, 'url': media.url(project_id, MASTER), 'source': ENGINE.to_json(),
             'created_at': report['made_at'], 'report': REPORT, 'input': source.path, 'input_label': source.label,
             'version': uuid.uuid4().hex[:8], 'metadata': meta}

    def change(data: dict[str, Any]) -> None:
        data.setdefault('assets', {})['mix'] = entry
        data.setdefault('mix', {}).update(master=entry, report=report, settings=meta)

    projects.change_project(session=session, project_id=project_id, change=change)
    media.write_text(folder / REPORT, json.dumps(report, indent=2) + '\n')
    os.replace(made['part'], folder / MASTER)
    return projects.complete_stage(session=session, project_id=project_id, stage_id='mix').project


def take_input(*, project_id: str, source: Any, original_name: str, max_bytes: int) -> ingest.IngestedAudio:
    """A finished song (or any audio) uploaded to enter the chain at step 2: through the safe intake, into a hidden
    folder that store_input moves it out of, so an upload the project never records leaves no file of its own."""
    return recordings.staged_ingest(project_id, INPUTS, source, original_name=original_name, max_bytes=max_bytes,
                                    allowed=INPUT_FORMATS, stem='input')


def store_input(*, session: Session, project_id: str, taken: ingest.IngestedAudio,
                kind: str = 'song') -> ProjectPublic:
    """An uploaded song for the chain (kind 'song') or a reference track for the master (kind 'reference')."""
    staged = taken.path
    target = staged.parent.parent / staged.name if staged.parent.name.endswith(media.TEMP_SUFFIX) else staged
    try:
        entry = {'id': uuid.uuid4().hex[:12], 'name': taken.display_name, 'kind': kind,
                 'path': media.relative(project_id, target), 'duration_s': round(taken.duration_s, 2),
                 'source': AssetSource('uploaded').to_json(), 'added_at': utcnow().isoformat()}
        project = projects.change_project(
            session=session, project_id=project_id,
            change=lambda data: data.setdefault('mix', {}).setdefault('inputs', []).append(entry))
        os.replace(staged, target)  # NOTE: last: the caller's transaction commits right after
    finally:
        if staged != target:
            shutil.rmtree(staged.parent, ignore_errors=True)
    return project


def spec_metadata(*, chain: dict[str, Any] | None, preset: str | None, ai_mix: bool, ai_master: bool,
                  master: dict[str, Any]) -> dict[str, Any]:
    """assets.mix.metadata in the spec's shape, plus the master's settings."""
    values = chain or asdict(dsp.Chain())
    return {'ai_mix': ai_mix, 'ai_master': ai_master, 'preset': preset,
            **{key: values[key] for key in ('eq_low', 'eq_mid', 'eq_high', 'compression', 'reverb', 'limiter')},
            'chain': chain is not None, 'target_lufs': master.get('target_lufs'),
            'ceiling_dbtp': master.get('ceiling_dbtp'), 'amount': master.get('amount'),
            'reference': bool(master.get('reference'))}


def loudness_match(report: dict[str, Any]) -> tuple[float, float]:
    """Volumes (0..1) for the before and after players so both play at the quieter one's loudness."""
    before = (report.get('before') or {}).get('integrated_lufs')
    after = (report.get('after') or {}).get('integrated_lufs')
    if before is None or after is None:
        return 1.0, 1.0
    difference = after - before
    if difference >= 0:
        return 1.0, round(10 ** (-difference / 20), 4)
    return round(10 ** (difference / 20), 4), 1.0
