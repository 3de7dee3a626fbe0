"""Release pack benchmark (issue 9 item 11). Prints a markdown table; run: .venv/bin/python tests/bench/bench_release.py

Renders a 3-minute stereo beat with the local engine and masters it with liab.audio.dsp.process to -14 LUFS
(-1 dBTP) twice: at 44.1 kHz (the render's rate) and at 48 kHz (the render resampled first, so the release
masters must resample back). Placeholder cover JPEGs (3000x3000 noise, as heavy as a real cover), PDFs and texts
stand in for the other stages' files. Then, in the same process:
- baseline: io.encode_mp3 of the master alone (320 kbps CBR, the bundled ffmpeg);
- masters: liab.release.masters.make_masters (24-bit and dithered 16-bit WAVs, the MP3 with its true-peak check
  and tags, loudness of each);
- preflight: liab.release.preflight.audio_checks of the 24-bit master;
- pack: liab.release.pack.build_pack (hashes, metadata.json, the ZIP);
- whole: masters + preflight + pack, the pack build as the release stage runs it.

Each step runs `--repeat` times (2 by default) and the fastest wall time counts; CPU time is user + system from
resource.getrusage (self and children, so ffmpeg is included). `--keep` leaves the files and prints the folder.
"""

from __future__ import annotations

import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from liab.audio import dsp, io, synth  # noqa: E402
from liab.audio.dsp import files  # noqa: E402
from liab.release import masters, pack, preflight  # noqa: E402

SECONDS = 180
TAGS = masters.Tags('Bench Song', 'Bench Artist', 'Bench Song', 'Hip-Hop', 2026, 'QZ-ABC-26-00001')


def main() -> None:
    repeat = int(sys.argv[sys.argv.index('--repeat') + 1]) if '--repeat' in sys.argv else 2
    work = Path(tempfile.mkdtemp(prefix='liab-bench-release-'))
    render = work / 'render.wav'
    synth.render_beat(synth.BeatSpec('hip hop', 'energetic', 92, 'A minor', SECONDS, 5), render)
    x, rate = files.read(render)
    raw48 = files.write(files.resample(x, rate, 48000), 48000, work / 'render-48k.wav')
    sources = {44100: work / 'master-44k.wav', 48000: work / 'master-48k.wav'}
    dsp.process(render, sources[44100], None, dsp.Master(target_lufs=-14.0))
    dsp.process(raw48, sources[48000], None, dsp.Master(target_lufs=-14.0))
    extras = _placeholders(work)

    rows = []
    for source_rate, source in sources.items():
        out = work / f'out-{source_rate}'
        encode = _best(repeat, lambda s=source: io.encode_mp3(s, work / 'baseline.mp3'))
        made = {}

        def make(s: Path = source, o: Path = out, keep: dict = made) -> None:
            keep.update(masters.make_masters(s, o, tags=TAGS, cover_jpeg=extras['cover/cover_1500.jpg']))

        def check(o: Path = out) -> None:
            preflight.audio_checks(o / 'mixed_mastered.wav', target_lufs=-14.0, ceiling_dbtp=-1.0)

        def build(o: Path = out, keep: dict = made) -> None:
            entries = {'audio/mixed_mastered.wav': keep['wav'], 'audio/mixed_mastered_16bit.wav': keep['wav16'],
                       'audio/mixed_mastered.mp3': keep['mp3'], **extras}
            keep['pack'] = pack.build_pack(entries, {'title': TAGS.title, 'loudness': keep['report']['wav']},
                                           o / 'release_pack.zip')

        steps = {'masters': _best(repeat, make), 'preflight': _best(repeat, check), 'pack': _best(repeat, build)}
        whole = tuple(sum(step[i] for step in steps.values()) for i in (0, 1))
        rows.append((source_rate, encode, steps, whole, made))

    machine = platform.processor() or platform.machine()
    print(f'\nRelease pack of a {SECONDS} s stereo master (-14 LUFS, -1 dBTP); {machine}, ffmpeg '
          f'{io.ffmpeg_version()}; fastest of {repeat}\n')
    print('| master | step | wall s | CPU s | wall vs MP3 encode | CPU vs MP3 encode |')
    print('|---|---|---|---|---|---|')
    for source_rate, encode, steps, whole, _ in rows:
        label = f'{source_rate / 1000:g} kHz'
        print(f'| {label} | MP3 encode alone (baseline) | {encode[0]:.2f} | {encode[1]:.2f} | 1.00 | 1.00 |')
        for name, (wall, cpu) in [*steps.items(), ('whole pack build', whole)]:
            print(f'| {label} | {name} | {wall:.2f} | {cpu:.2f} | {wall / encode[0]:.2f} | {cpu / encode[1]:.2f} |')
    print('\n| master | file | LUFS | true peak dBTP | sample peak dBFS | notes |')
    print('|---|---|---|---|---|---|')
    for source_rate, _, _, _, made in rows:
        report = made['report']
        for key in ('source', 'wav', 'wav16', 'mp3'):
            item = report[key]
            notes = '; '.join(report['notes']) if key == 'mp3' else ''
            levels = f'{item["integrated_lufs"]:.2f} | {item["true_peak_dbtp"]:.2f} | {item["sample_peak_dbfs"]:.2f}'
            print(f'| {source_rate / 1000:g} kHz | {key} | {levels} | {notes} |')
        print(f'| {source_rate / 1000:g} kHz | release_pack.zip | {made["pack"]["bytes"] / 1e6:.1f} MB | | | |')
    if '--keep' in sys.argv:
        print(f'Files kept in {work}')
    else:
        for path in sorted(work.rglob('*'), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        work.rmdir()


def _placeholders(work: Path) -> dict[str, Path]:
    """Covers of noise (JPEG's worst case, so realistic sizes), short PDFs and texts."""
    from PIL import Image

    rng = np.random.default_rng(1)
    made = {}
    for name, size in (('cover_3000', (3000, 3000)), ('cover_1500', (1500, 1500)), ('cover_vertical', (1080, 1920))):
        base = np.linspace(0, 255, size[0], dtype=np.float32)[None, :, None] * np.ones((size[1], 1, 3), np.float32)
        pixels = np.clip(base + rng.normal(0, 24, (size[1], size[0], 3)), 0, 255).astype(np.uint8)
        made[f'cover/{name}.jpg'] = work / f'{name}.jpg'
        Image.fromarray(pixels, 'RGB').save(made[f'cover/{name}.jpg'], 'JPEG', quality=92)
    for name in ('lyrics/lyrics.pdf', 'metadata/split_sheet.pdf'):
        made[name] = work / Path(name).name
        made[name].write_bytes(b'%PDF-1.4\n' + b'% placeholder\n' * 2000 + b'%%EOF\n')
    for name in ('copy/release_description.txt', 'copy/press_pitch.txt', 'copy/tagline.txt'):
        made[name] = work / Path(name).name
        made[name].write_text('A placeholder paragraph of release copy. ' * 40, encoding='utf-8')
    return made


def _best(repeat: int, fn) -> tuple[float, float]:
    """(wall s, CPU s) of the fastest of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        started_cpu, started = _cpu(), time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started, _cpu() - started_cpu))
    return min(runs)


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


if __name__ == '__main__':
    main()
