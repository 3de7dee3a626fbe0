"""Loudness reports: plain JSON-ready numbers, None where a value does not exist (silence has no loudness)."""

from __future__ import annotations

import math
from pathlib import Path

from . import files, meter


def loudness_report(path: Path) -> dict[str, float | None]:
    """Integrated loudness (LUFS), true peak (dBTP, oversampled to 192 kHz: 4x at 44.1/48 kHz), sample peak
    (dBFS), loudness range (LU, EBU Tech 3342) and duration of an audio file, as it is (mono stays mono)."""
    x, rate = files.read(Path(path))
    return summary(meter.measure(x, rate))


def summary(measured: meter.Measurement) -> dict[str, float | None]:
    sample = float(measured.sample_peak.max()) if measured.sample_peak.size else 0.0
    return {'integrated_lufs': _finite(measured.integrated), 'true_peak_dbtp': _finite(meter.db(measured.peak)),
            'sample_peak_dbfs': _finite(meter.db(sample)), 'lra_lu': round(measured.lra, 2),
            'duration_s': round(measured.frames / measured.rate, 3)}


def _finite(value: float) -> float | None:
    return round(value, 2) if math.isfinite(value) else None
