"""Mix and master benchmark (issue 8 item 8). Prints a markdown table; run: .venv/bin/python tests/bench/bench_mix.py

Renders a 3-minute stereo beat with the local engine, then in the same run:
- baseline: the spec's single ffmpeg chain (section 2.4) with its filters corrected as NOTES.md says (real
  shelves, aecho delays in ms, loudnorm I=-13 TP=-1 LRA=7 then alimiter 0.98), writing 24-bit 44.1 kHz;
- ours: liab.audio.dsp.process with the same control values and the same targets (-13 LUFS, -1 dBTP): 'warm'
  counts the call alone, in a process that ran dsp.warm_up() first (a worker process at work);
  'cold' counts a whole new process that makes just this call (interpreter, imports and the call);
- ours, step 1 too: mix_vocal of the beat and a 3-minute synthetic vocal, then process on the result;
- ours at the 'loud' target (-9 LUFS, so -2 dBTP), where the true-peak limiter does most of the work.

CPU time is user + system from resource.getrusage (self and children); both outputs are measured by ffmpeg's
ebur128 filter (integrated loudness, true peak, sample peak, loudness range), not by our own meter.
`--keep` leaves the files in the temporary folder and prints its path.
"""

from __future__ import annotations

import json
import math
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from liab.audio import io, synth  # noqa: E402
from liab.audio.dsp import Chain  # noqa: E402

SECONDS = 180
CHAIN = Chain(eq_low=1.0, eq_mid=-1.0, eq_high=1.5, compression=0.4, reverb=0.2, limiter=0.3)
TARGET_LUFS, CEILING_DBTP = -13.0, -1.0  # the spec chain's loudnorm targets

OURS = """
import json, resource, sys, time
from pathlib import Path
from liab.audio import dsp
work = Path(sys.argv[1])
chain = dsp.Chain(**json.loads(sys.argv[2]))
master = dsp.Master(target_lufs=float(sys.argv[3]), ceiling_dbtp=float(sys.argv[4]))
def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
results = {}
if sys.argv[5] == 'cold':
    dsp.process(work / 'beat.wav', work / 'ours-cold.wav', chain, master)
    raise SystemExit
dsp.warm_up()
for label, vocal in (('process', False), ('mix+process', True)):
    started_cpu, started = cpu(), time.perf_counter()
    source = work / 'beat.wav'
    if vocal:
        source = dsp.mix_vocal(source, work / 'vocal.wav', work / 'vocal-mix.wav', dsp.VocalMix())
    dsp.process(source, work / f'ours-{label}.wav', chain, master)
    results[label] = {'cpu': cpu() - started_cpu, 'wall': time.perf_counter() - started}
started_cpu, started = cpu(), time.perf_counter()
dsp.process(work / 'beat.wav', work / 'ours-loud.wav', chain, dsp.Master(target_lufs=-9.0))
results['loud'] = {'cpu': cpu() - started_cpu, 'wall': time.perf_counter() - started}
print('RESULT', json.dumps(results))
"""


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix='liab-bench-mix-'))
    beat = work / 'beat.wav'
    synth.render_beat(synth.BeatSpec('hip hop', 'energetic', 92, 'A minor', SECONDS, 5), beat)
    _vocal(work / 'vocal.wav', SECONDS)

    spec_cpu, spec_wall = _timed([io.ffmpeg_exe(), '-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i',
                                  str(beat), '-af', spec_chain(CHAIN), '-ar', '44100', '-c:a', 'pcm_s24le',
                                  str(work / 'spec.wav')])
    ours_command = [sys.executable, '-c', OURS, str(work), json.dumps(CHAIN.__dict__), str(TARGET_LUFS),
                    str(CEILING_DBTP)]
    cold_cpu, cold_wall = _timed([*ours_command, 'cold'])
    done = subprocess.run([*ours_command, 'warm'], capture_output=True, text=True, cwd=ROOT, check=True)
    ours = json.loads(done.stdout.split('RESULT', 1)[1])

    spec = ebur128(work / 'spec.wav')
    rows = [('spec ffmpeg chain (baseline)', spec_cpu, spec_wall, spec),
            ('ours: process, warm', ours['process']['cpu'], ours['process']['wall'],
             ebur128(work / 'ours-process.wav')),
            ('ours: process, cold (new process)', cold_cpu, cold_wall, ebur128(work / 'ours-cold.wav')),
            ('ours: mix_vocal + process, warm', ours['mix+process']['cpu'], ours['mix+process']['wall'],
             ebur128(work / 'ours-mix+process.wav')),
            ('ours: process to -9 LUFS (-2 dBTP), warm', ours['loud']['cpu'], ours['loud']['wall'],
             ebur128(work / 'ours-loud.wav'))]
    print(f'\nMix and master of a {SECONDS} s stereo 44.1 kHz beat; targets {TARGET_LUFS:g} LUFS, '
          f'{CEILING_DBTP:g} dBTP; {platform.processor() or platform.machine()}, ffmpeg {io.ffmpeg_version()}\n')
    print('| run | CPU s | wall s | CPU vs spec | wall vs spec | LUFS | true peak dBTP | sample peak dBFS | LRA |')
    print('|---|---|---|---|---|---|---|---|---|')
    for label, cpu, wall, measured in rows:
        levels = '{I:.2f} | {TP:.2f} | {SP:.2f} | {LRA:.1f}'.format(**measured)
        print(f'| {label} | {cpu:.2f} | {wall:.2f} | {cpu / spec_cpu:.2f} | {wall / spec_wall:.2f} | {levels} |')
    hit = all(abs(m['I'] - TARGET_LUFS) <= 0.5 and m['TP'] <= CEILING_DBTP and m['SP'] <= -0.3
              for _, _, _, m in rows[1:-1])
    print(f'\nOurs within 0.5 LU of {TARGET_LUFS:g} LUFS, at or under {CEILING_DBTP:g} dBTP and -0.3 dBFS: {hit}; '
          f'the spec chain: {abs(spec["I"] - TARGET_LUFS) <= 0.5 and spec["TP"] <= CEILING_DBTP}.')
    if '--keep' in sys.argv:
        print(f'Files kept in {work}')
    else:
        for path in work.iterdir():
            path.unlink()
        work.rmdir()


def spec_chain(chain: Chain) -> str:
    """The spec's filter chain for these control values, corrected per NOTES.md."""
    threshold = 10 + 10 * chain.compression  # the spec: slider 0..1 -> 10..20 dB
    delay_ms = round(20 + 40 * chain.reverb)  # 20..60 ms, integer, in ms (not divided by 1000)
    decay = 0.2 + 0.6 * chain.reverb
    return ','.join([f'lowshelf=f=100:g={chain.eq_low:g}',
                     f'equalizer=f=1500:width_type=o:width=2:g={chain.eq_mid:g}',
                     f'highshelf=f=10000:g={chain.eq_high:g}',
                     f'compand=attacks=0.01:decays=0.2:points=-90/-90|-20/-20|-10/-{threshold:g}|0/0',
                     f'aecho=0.8:0.88:{delay_ms}:{decay:.2f}',
                     'alimiter=limit=0.95:level=1',
                     f'loudnorm=I={TARGET_LUFS:g}:TP={CEILING_DBTP:g}:LRA=7',
                     'alimiter=limit=0.98'])


def ebur128(path: Path) -> dict[str, float]:
    """ffmpeg's own BS.1770 meter: integrated loudness, true peak, sample peak (dB) and loudness range of a file,
    from the metadata of its last frame (three decimals, where the printed summary has one)."""
    done = subprocess.run([io.ffmpeg_exe(), '-hide_banner', '-nostdin', '-i', str(path), '-af',
                           'ebur128=peak=true+sample:metadata=1:framelog=quiet,ametadata=print:file=-',
                           '-f', 'null', '-'], capture_output=True, text=True, check=True)
    last = {key: float(value) for key, value in re.findall(r'lavfi\.r128\.(I|LRA|true_peak|sample_peak)=(\S+)',
                                                            done.stdout)}
    return {'I': last['I'], 'LRA': last['LRA'], 'TP': 20 * math.log10(last['true_peak']),
            'SP': 20 * math.log10(last['sample_peak'])}


def _vocal(path: Path, seconds: float, rate: int = 44100) -> None:
    """A voice-like test signal: a sung vowel (harmonics with formants, vibrato) in phrases, plus 's' noise."""
    import numpy as np
    from scipy import signal

    t = np.arange(int(seconds * rate)) / rate
    pitch = 220 * 2 ** (np.floor(t / 2) % 5 / 12) * (1 + 0.01 * np.sin(2 * np.pi * 5.5 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    tone = sum(np.sin(k * phase) / k for k in range(1, 16))
    tone = signal.sosfilt(signal.butter(2, (400, 3500), btype='bandpass', fs=rate, output='sos'), tone)
    phrases = (np.sin(np.pi * (t % 2) / 2) ** 2) * ((t // 8) % 4 != 3)
    hiss = signal.sosfilt(signal.butter(4, 5000, btype='highpass', fs=rate, output='sos'),
                          np.random.default_rng(3).standard_normal(t.size)) * ((t % 2) > 1.85)
    io.write_wav((0.3 * tone * phrases + 0.05 * hiss).astype(np.float32)[:, None], rate, path, bits=16)


def _timed(command: list[str]) -> tuple[float, float]:
    started_kids = _children_cpu()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, cwd=ROOT)
    return _children_cpu() - started_kids, time.perf_counter() - started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == '__main__':
    main()
