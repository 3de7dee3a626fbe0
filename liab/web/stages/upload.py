"""The Upload stage. Its own issue builds it; until then it says plainly what it will do."""

from __future__ import annotations

from liab.web.stages import StageContext
from liab.web.stages._plan import planned

SUMMARY = (
    'Bring in your vocals: upload takes as WAV, MP3, AIFF, FLAC or M4A, or record them here in the '
    'browser over the beat.'
)


def create(ctx: StageContext) -> None:
    planned(
        ctx,
        SUMMARY,
        [
            'Each take shows its waveform, length, level and a warning when it clips or is very quiet.',
            'Rename or remove takes and choose the lead vocal for the mix.',
            'Record with a count-in and the beat in your headphones.',
        ],
        needs='Needs a beat to record over.',
    )
