import math
from pathlib import Path

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.mp3 import MP3, BitrateMode
from PIL import Image
from scipy import signal

from liab.audio import dsp, io
from liab.audio.dsp import meter
from liab.release import preflight
from liab.release.masters import Tags, clean_text, make_masters
from liab.release.preflight import audio_checks, summary, wav_chunks
from tests.services.test_dsp import at_loudness, music, write

TAGS = Tags('Night Drive', 'Mira Vale', 'Night Drive', 'Synthpop', 2026, 'us-s1z-26-00042')


def _master(folder: Path, rate: int, seconds: float = 20.0, name: str = 'master.wav') -> Path:
    """A master as the mix stage makes one: the beat-like signal rolled off above 16 kHz, through dsp.process."""
    x = signal.sosfilt(signal.butter(8, 16000, fs=rate, output='sos'), music(rate, seconds)).astype(np.float32)
    source = write(folder, f'raw-{rate}.wav', at_loudness(x, rate, -20.0), rate)
    dsp.process(source, folder / name, None, dsp.Master())
    return folder / name


def _quiet(_fraction: float, _message: str) -> None:
    pass


@pytest.fixture(scope='module')
def made(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp('masters')
    master = _master(folder, 44100, 30.0)
    cover = folder / 'cover.jpg'
    Image.new('RGB', (64, 64), (200, 40, 90)).save(cover, 'JPEG')
    out = make_masters(master, folder / 'out', tags=TAGS, cover_jpeg=cover, progress=_quiet)
    return {**out, 'source': master, 'cover': cover}


def test_masters_are_44k_stereo_pcm24_pcm16_and_mp3(made: dict) -> None:
    assert made['wav'].name == 'mixed_mastered.wav' and made['wav16'].name == 'mixed_mastered_16bit.wav'
    for key, subtype in (('wav', 'PCM_24'), ('wav16', 'PCM_16')):
        info = soundfile.info(str(made[key]))
        assert (info.samplerate, info.channels, info.subtype, info.format) == (44100, 2, subtype, 'WAV')
        assert info.frames == 30 * 44100
    assert made['report']['resampled_from'] is None and made['report']['sample_rate'] == 44100
    assert sorted(p.name for p in made['wav'].parent.iterdir()) == [
        'mixed_mastered.mp3', 'mixed_mastered.wav', 'mixed_mastered_16bit.wav']  # no temporary files left


def test_wav_masters_hold_no_tag_chunks(made: dict) -> None:
    for key in ('wav', 'wav16'):
        assert wav_chunks(made[key]) == [b'fmt ', b'data']
        assert not made[key].read_bytes().startswith(b'ID3')


def test_a_44k_24bit_master_passes_through_bit_for_bit(made: dict) -> None:
    source, _ = soundfile.read(str(made['source']), dtype='int32')
    ours, _ = soundfile.read(str(made['wav']), dtype='int32')
    assert np.array_equal(source, ours)


def test_16bit_copy_differs_by_tpdf_dither_not_truncation(made: dict) -> None:
    wide, _ = soundfile.read(str(made['wav']), dtype='float64')
    narrow, _ = soundfile.read(str(made['wav16']), dtype='float64')
    error = (narrow - wide) * 32768  # in 16-bit steps
    assert abs(error.mean()) < 0.01  # truncation would sit half a step low
    assert 0.45 < error.std() < 0.55  # TPDF (variance 1/6) plus rounding (1/12): 0.5 step RMS
    assert np.abs(error).max() <= 1.5 + 1e-6
    assert abs(np.corrcoef(error[:, 0], wide[:, 0])[0, 1]) < 0.01  # noise, not a function of the signal


def test_quiet_passage_survives_dither_instead_of_rounding_to_zeros(tmp_path: Path) -> None:
    rate = 44100
    t = np.arange(10 * rate) / rate
    amplitude = 10 ** (-100 / 20)  # a third of a 16-bit step: plain rounding gives all zeros
    tone = amplitude * np.sin(2 * np.pi * 1000 * t)
    source = io.write_wav(np.stack([tone, tone], axis=1), rate, tmp_path / 'quiet.wav', bits=24)
    out = make_masters(source, tmp_path / 'out', tags=TAGS, cover_jpeg=None, progress=_quiet)
    narrow, _ = soundfile.read(str(out['wav16']), dtype='float64')
    assert np.count_nonzero(narrow) > narrow.size / 5  # TPDF gives +-1 a quarter of the time here
    recovered = 2 * np.mean(narrow[:, 0] * np.sin(2 * np.pi * 1000 * t))  # the tone's amplitude in the noise
    assert recovered == pytest.approx(amplitude, rel=0.15)


@pytest.mark.parametrize('rate', [48000, 96000])
def test_higher_rates_are_resampled_keeping_loudness_and_the_true_peak(tmp_path: Path, rate: int) -> None:
    master = _master(tmp_path, rate, 12.0)
    out = make_masters(master, tmp_path / 'out', tags=TAGS, cover_jpeg=None, progress=_quiet)
    info = soundfile.info(str(out['wav']))
    assert (info.samplerate, info.subtype) == (44100, 'PCM_24')
    assert abs(info.duration - 12.0) < 1e-3
    before, after = dsp.loudness_report(master), dsp.loudness_report(out['wav'])
    assert after['integrated_lufs'] == pytest.approx(before['integrated_lufs'], abs=0.1)
    assert after['true_peak_dbtp'] <= before['true_peak_dbtp'] + 0.005
    assert after['true_peak_dbtp'] <= -1.0  # dsp.process's ceiling
    assert out['report']['resampled_from'] == rate
    assert dsp.loudness_report(out['mp3'])['true_peak_dbtp'] <= -1.0


def test_resampling_filter_keeps_the_audio_band_and_removes_what_would_alias(tmp_path: Path) -> None:
    rate = 48000
    t = np.arange(5 * rate) / rate
    x = 0.25 * (np.sin(2 * np.pi * 1000 * t) + np.sin(2 * np.pi * 19000 * t) + np.sin(2 * np.pi * 23000 * t))
    from liab.release.masters import resample

    y = resample(np.stack([x, x]).astype(np.float32), rate, 44100)[0, 44100:-44100]
    spectrum = np.abs(np.fft.rfft(y * np.hanning(y.size)))
    freqs = np.fft.rfftfreq(y.size, 1 / 44100)

    def level(f: float) -> float:
        return 20 * math.log10(spectrum[np.abs(freqs - f) < 5].max())

    assert abs(level(19000) - level(1000)) < 0.01  # flat to 20 kHz
    assert level(44100 - 23000) - level(1000) < -100  # 23 kHz would fold to 21.1 kHz


def test_mp3_is_320_cbr_with_tags_and_cover(made: dict) -> None:
    mp3 = MP3(str(made['mp3']))
    assert mp3.info.bitrate == 320000 and mp3.info.bitrate_mode == BitrateMode.CBR
    assert mp3.info.sample_rate == 44100 and mp3.info.channels == 2
    assert abs(mp3.info.length - 30.0) < 0.1
    tags = ID3(str(made['mp3']))
    assert tags.version[:2] == (2, 4)
    assert {key: str(tags[key]) for key in ('TIT2', 'TPE1', 'TALB', 'TCON', 'TDRC', 'TSRC')} == {
        'TIT2': 'Night Drive', 'TPE1': 'Mira Vale', 'TALB': 'Night Drive', 'TCON': 'Synthpop', 'TDRC': '2026',
        'TSRC': 'USS1Z2600042'}
    (cover,) = tags.getall('APIC')
    assert cover.type == 3 and cover.mime == 'image/jpeg' and cover.data == made['cover'].read_bytes()
    assert not tags.getall('TSSE')  # ffmpeg's own encoder tag is replaced, not kept
    report = made['report']
    assert report['mp3']['true_peak_dbtp'] <= -1.0
    assert report['mp3']['integrated_lufs'] == pytest.approx(report['wav']['integrated_lufs'], abs=0.5)


def test_hot_master_gets_a_trimmed_mp3_and_says_so(tmp_path: Path) -> None:
    x = signal.sosfilt(signal.butter(8, 16000, fs=44100, output='sos'), music(44100, 10.0)).astype(np.float32)
    x *= np.float32(10 ** (-0.3 / 20) / np.abs(x).max())  # sample peak -0.3 dBFS: the MP3 will go over -1 dBTP
    source = write(tmp_path, 'hot.wav', x, 44100)
    out = make_masters(source, tmp_path / 'out', tags=TAGS, cover_jpeg=None, progress=_quiet)
    report = out['report']
    assert report['mp3_trim_db'] < -0.7
    assert any('MP3' in note and 'quieter' in note for note in report['notes'])
    assert dsp.loudness_report(out['mp3'])['true_peak_dbtp'] <= -1.0
    assert report['wav']['sample_peak_dbfs'] == pytest.approx(-0.3, abs=0.01)  # the WAVs are left as they are


def test_hostile_tag_strings_are_cleaned_and_kept(tmp_path: Path) -> None:
    title = ('\U0001f525 Fire\x00Dance \u202eevil\u202c ' + 'x' * 500)
    artist = 'שלום עליכם \u200f and ليلى'
    album = 'Family \U0001f468\u200d\U0001f469\u200d\U0001f467 Album\n\ttwo'
    tags = Tags(title, artist, album, 'Pop\x00Rock', None, None)
    source = write(tmp_path, 'in.wav', at_loudness(music(44100, 10.0, channels=1), 44100, -18.0), 44100)
    out = make_masters(source, tmp_path / 'out', tags=tags, cover_jpeg=None, progress=_quiet)
    assert soundfile.info(str(out['wav'])).channels == 2  # a mono master goes out on both sides
    read = ID3(str(out['mp3']))
    assert read['TIT2'].text == [clean_text(title)]
    assert read['TIT2'].text[0].startswith('\U0001f525 Fire Dance evil x') and len(read['TIT2'].text[0]) == 518
    assert read['TPE1'].text == [artist]  # right-to-left text and its direction mark stay
    assert read['TALB'].text == ['Family \U0001f468\u200d\U0001f469\u200d\U0001f467 Album two']
    assert read['TCON'].text == ['Pop Rock']  # a NUL would have split it into two genres
    assert 'TDRC' not in read and 'TSRC' not in read and not read.getall('APIC')


@pytest.mark.parametrize(('tags', 'cover', 'message'), [
    (Tags('t', 'a', 'b', 'g', 2026, 'NOT-AN-ISRC'), None, 'ISRC'),
    (Tags('t', 'a', 'b', 'g', 2026, 'US-S1Z-25-0000\u0661'), None, 'ISRC'),  # an Arabic-Indic digit
    (Tags('t', 'a', 'b', 'g', 26, None), None, 'year'),
    (TAGS, 'not-a-jpeg', 'JPEG'),
])
def test_bad_tags_or_cover_are_refused_before_anything_is_written(tmp_path: Path, tags: Tags, cover: str | None,
                                                                   message: str) -> None:
    if cover:
        (tmp_path / 'cover.jpg').write_bytes(b'\x89PNG\r\n\x1a\n')
    with pytest.raises(ValueError, match=message):
        make_masters(tmp_path / 'never-read.wav', tmp_path / 'out', tags=tags,
                     cover_jpeg=tmp_path / 'cover.jpg' if cover else None, progress=_quiet)
    assert not (tmp_path / 'out').exists()


def test_a_failure_mid_way_keeps_the_previous_masters_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    source = write(tmp_path, 'in.wav', at_loudness(music(44100, 5.0), 44100, -18.0), 44100)
    folder = tmp_path / 'out'
    folder.mkdir()
    for name in ('mixed_mastered.wav', 'mixed_mastered_16bit.wav', 'mixed_mastered.mp3'):
        (folder / name).write_bytes(b'previous')

    def cancel(_fraction: float, message: str) -> None:
        if message.startswith('Checking'):
            raise RuntimeError('cancelled')

    with pytest.raises(RuntimeError, match='cancelled'):
        make_masters(source, folder, tags=TAGS, cover_jpeg=None, progress=cancel)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        'mixed_mastered.wav': b'previous', 'mixed_mastered_16bit.wav': b'previous', 'mixed_mastered.mp3': b'previous'}


# pre-flight ------------------------------------------------------------------------------------------------------


def _statuses(path: Path, **kwargs: float) -> dict[str, str]:
    checks = audio_checks(path, target_lufs=kwargs.get('target', -14.0), ceiling_dbtp=kwargs.get('ceiling', -1.0))
    assert all(check.reason for check in checks)
    return {check.name: check.status for check in checks}


@pytest.fixture(scope='module')
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _master(tmp_path_factory.mktemp('preflight'), 44100, 35.0)


def test_preflight_passes_a_good_master(good: Path) -> None:
    checks = audio_checks(good, target_lufs=-14.0, ceiling_dbtp=-1.0)
    assert [check.name for check in checks] == ['Length', 'Leading silence', 'Trailing silence', 'Loudness',
                                                'True peak', 'Sample peak', 'Sample rate', 'Bit depth', 'Channels',
                                                'Clipping', 'Tags']
    assert {check.status for check in checks} == {'pass'}, checks
    assert summary(checks) == 'ready'
    assert summary(audio_checks(good, target_lufs=-16.0, ceiling_dbtp=-1.0)) == 'ready with warnings'  # Apple


def test_preflight_passes_the_masters_made_for_the_pack(made: dict) -> None:
    assert set(_statuses(made['wav']).values()) == {'pass'}
    assert _statuses(made['wav16'])['Bit depth'] == 'fail'  # the 16-bit copy is not the master


def test_preflight_fails_a_short_file(tmp_path: Path) -> None:
    short = write(tmp_path, 'short.wav', at_loudness(music(44100, 20.0), 44100, -16.0) * 0.5, 44100)
    checks = audio_checks(short, target_lufs=-14.0, ceiling_dbtp=-1.0)
    length = next(check for check in checks if check.name == 'Length')
    assert length.status == 'fail' and '0:20' in length.reason and '0:30' in length.reason
    assert summary(checks) == 'not ready'


@pytest.mark.parametrize(('where', 'name'), [('start', 'Leading silence'), ('end', 'Trailing silence')])
def test_preflight_fails_long_silence(tmp_path: Path, good: Path, where: str, name: str) -> None:
    x, rate = soundfile.read(str(good), dtype='float32')
    quiet = np.full((8 * rate, 2), 10 ** (-70 / 20), np.float32)  # a -70 dBFS hum counts as silence
    x = np.concatenate([quiet, x]) if where == 'start' else np.concatenate([x, quiet])
    path = io.write_wav(x, rate, tmp_path / 'gap.wav', bits=24)
    statuses = _statuses(path)
    assert statuses[name] == 'fail' and statuses['Length'] == 'pass'
    assert next(c for c in audio_checks(path, target_lufs=-14, ceiling_dbtp=-1) if c.name == name).reason.startswith(
        '8.0 s')


def test_preflight_warns_about_loudness_in_both_directions(tmp_path: Path) -> None:
    rate = 44100
    t = np.arange(10 * rate) / rate
    tone = np.sin(2 * np.pi * 997 * t).astype(np.float32)
    loud = write(tmp_path, 'loud.wav', at_loudness(np.stack([tone, tone]), rate, -8.0), rate)  # a sine: peaks -7
    quiet = write(tmp_path, 'quiet.wav', at_loudness(np.stack([tone, tone]), rate, -20.0), rate)
    loud_statuses, quiet_statuses = _statuses(loud), _statuses(quiet)
    assert loud_statuses['Loudness'] == 'warn' and loud_statuses['True peak'] == 'pass'
    assert quiet_statuses['Loudness'] == 'warn'
    assert _statuses(quiet, target=-20.5)['Loudness'] == 'pass'  # within 1 LU of the platform's target


def test_preflight_fails_true_peak_over_the_ceiling_and_sample_peak_over_minus_0_3(tmp_path: Path,
                                                                                    good: Path) -> None:
    x, rate = soundfile.read(str(good), dtype='float32')
    for name, peak, expected in (('tp.wav', -0.8, ('fail', 'pass')), ('sp.wav', -0.1, ('fail', 'fail'))):
        path = io.write_wav(x * np.float32(10 ** (peak / 20) / np.abs(x).max()), rate, tmp_path / name, bits=24)
        statuses = _statuses(path, target=-11.0)
        assert (statuses['True peak'], statuses['Sample peak']) == expected, name
        assert statuses['Clipping'] == 'pass'
    assert _statuses(tmp_path / 'tp.wav', target=-11.0, ceiling=0.0)['True peak'] == 'pass'


def test_preflight_fails_wrong_rate_bit_depth_and_channels(tmp_path: Path, good: Path) -> None:
    x, rate = soundfile.read(str(good), dtype='float32')
    other_rate = io.write_wav(x, 48000, tmp_path / 'rate.wav', bits=24)  # same samples, labelled 48 kHz
    sixteen = io.write_wav(x, rate, tmp_path / 'sixteen.wav', bits=16)
    mono = io.write_wav(x[:, :1], rate, tmp_path / 'mono.wav', bits=24)
    assert _statuses(other_rate)['Sample rate'] == 'fail'
    assert _statuses(sixteen)['Bit depth'] == 'fail'
    assert _statuses(mono)['Channels'] == 'fail'
    assert _statuses(other_rate)['Bit depth'] == 'pass' and _statuses(sixteen)['Sample rate'] == 'pass'


def test_preflight_fails_clipping_and_warns_about_flat_tops(tmp_path: Path, good: Path) -> None:
    x, rate = soundfile.read(str(good), dtype='float32')
    clipped = np.clip(x * 4, -1.0, 1.0)
    path = io.write_wav(clipped, rate, tmp_path / 'clipped.wav', bits=24)
    checks = audio_checks(path, target_lufs=-14.0, ceiling_dbtp=-1.0)
    clipping = next(check for check in checks if check.name == 'Clipping')
    assert clipping.status == 'fail' and 'full scale' in clipping.reason
    turned_down = io.write_wav(clipped * np.float32(10 ** (-3 / 20)), rate, tmp_path / 'down.wav', bits=24)
    assert _statuses(turned_down)['Clipping'] == 'warn'


def test_preflight_fails_embedded_tags(tmp_path: Path, good: Path) -> None:
    data = bytearray(good.read_bytes())
    info = b'LIST' + (12).to_bytes(4, 'little') + b'INFOINAM' + (0).to_bytes(4, 'little')
    data[4:8] = (len(data) - 8 + len(info)).to_bytes(4, 'little')
    tagged = tmp_path / 'tagged.wav'
    tagged.write_bytes(bytes(data) + info)
    assert wav_chunks(tagged) == [b'fmt ', b'data', b'LIST']
    assert _statuses(tagged)['Tags'] == 'fail'


def test_summary_is_the_worst_status() -> None:
    check = preflight.Check
    assert summary([check('a', 'pass', 'ok'), check('b', 'warn', 'hm')]) == 'ready with warnings'
    assert summary([check('a', 'fail', 'no'), check('b', 'warn', 'hm')]) == 'not ready'
    assert summary([]) == 'ready'


def test_true_peak_check_uses_oversampling(tmp_path: Path) -> None:
    rate = 44100
    n = np.arange(35 * rate)
    # a tone at a quarter of the rate, sampled 45 degrees off its crests: samples at 0.7, true peak at 1.0 * gain
    tone = np.sin(np.pi / 2 * n + np.pi / 4).astype(np.float32)
    x = tone * np.float32(10 ** (-0.5 / 20))
    path = io.write_wav(np.stack([x, x], axis=1), rate, tmp_path / 'isp.wav', bits=24)
    statuses = _statuses(path, target=-3.0)
    assert statuses['Sample peak'] == 'pass' and statuses['True peak'] == 'fail'
    assert meter.db(float(np.abs(x).max())) < -3.4
