"""Mixing and mastering (spec 2.4, issue 8) with numpy and scipy: beat + vocal mix, the mix chain, the master.

Pure: no database, no UI. The jobs take paths (never pass large arrays to worker processes, REFERENCE.md);
the settings and check() import no numpy, and the signal modules load on first use, so the web process can import
this package for its sliders and validation cheaply.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .settings import CEILING_DBTP, PRESETS, SAMPLE_PEAK_DBFS, TARGETS, Chain, Master, VocalMix, ceiling_for, check

__all__ = ['CEILING_DBTP', 'PRESETS', 'SAMPLE_PEAK_DBFS', 'TARGETS', 'Chain', 'Master', 'VocalMix', 'ceiling_for',
           'check', 'loudness_report', 'mix_vocal', 'process', 'suggest_chain', 'warm_up']

Progress = Callable[[float, str], None]


def mix_vocal(beat: Path, vocal: Path, out: Path, settings: VocalMix, *, progress: Progress | None = None) -> Path:
    """Step 1: the vocal over the beat into a 24-bit WAV at `out` (see vocal.mix_vocal)."""
    from .vocal import mix_vocal as run

    return run(beat, vocal, out, settings, progress=progress)


def suggest_chain(path: Path, strength: float) -> tuple[Chain, dict[str, Any]]:
    """The 'AI mix': chain values from an analysis of the track, and what it measured and why (see assist)."""
    from .pipeline import suggest_chain as run

    return run(path, strength)


def process(source: Path, out: Path, chain: Chain | None, master: Master, *,
            progress: Progress | None = None) -> dict[str, Any]:
    """Steps 2 and 3: the chain, then the master, into a 24-bit WAV at `out`; returns the loudness report."""
    from .pipeline import process as run

    return run(source, out, chain, master, progress=progress)


def loudness_report(path: Path) -> dict[str, float | None]:
    """integrated_lufs, true_peak_dbtp, sample_peak_dbfs, lra_lu, duration_s of a file (None for silence)."""
    from .report import loudness_report as run

    return run(path)


def warm_up() -> None:
    """Mix and master a short synthetic track once (imports, filter designs, FFT plans), so that a worker's first
    job runs as fast as its tenth; for worker processes at start-up."""
    from .pipeline import warm_up as run

    run()
