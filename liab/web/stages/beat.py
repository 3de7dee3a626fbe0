"""The Beat stage. Its own issue builds it; until then it says plainly what it will do."""

from __future__ import annotations

from liab.web.stages import StageContext
from liab.web.stages._plan import planned

SUMMARY = (
    'Make the beat your song sits on: a new instrumental from genre, mood, tempo, key and length, '
    'rendered on this machine (or by Beatoven when it is configured), or a beat you upload.'
)


def create(ctx: StageContext) -> None:
    planned(
        ctx,
        SUMMARY,
        [
            'Describe it in words ("dark trap beat 140 bpm in F minor") or pick genre, mood, BPM, key and length.',
            'Listen in a waveform player, then keep it or try another seed.',
            'Upload a beat of your own instead, checked safely, with its tempo and key detected.',
        ],
        needs=None,
    )
