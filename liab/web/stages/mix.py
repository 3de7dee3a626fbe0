"""The Mix stage. Its own issue builds it; until then it says plainly what it will do."""

from __future__ import annotations

from liab.web.stages import StageContext
from liab.web.stages._plan import planned

SUMMARY = 'Mix the lead vocal over the beat and master the song to the loudness each platform expects.'


def create(ctx: StageContext) -> None:
    planned(
        ctx,
        SUMMARY,
        [
            'Set vocal and beat levels, high-pass, de-ess and timing offset.',
            (
                'Shape it with EQ, compression, reverb and a limiter, by hand, from a preset or from an analysis '
                'of the mix.'
            ),
            'Master to Spotify, Apple Music or your own target without breaking the true-peak ceiling.',
        ],
        needs='Needs a beat and a lead vocal, or a finished song to master.',
    )
