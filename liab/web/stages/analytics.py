"""The Analytics stage. Its own issue builds it; until then it says plainly what it will do."""

from __future__ import annotations

from liab.web.stages import StageContext
from liab.web.stages._plan import planned

SUMMARY = (
    'See how the release does after it is out: streams, saves, listeners, followers and playlist adds per'
    ' platform, as charts over time.'
)


def create(ctx: StageContext) -> None:
    planned(
        ctx,
        SUMMARY,
        [
            'Enter figures by hand or import a CSV, including Spotify for Artists exports.',
            'Compare platforms and spot what moved the numbers around each post.',
        ],
        needs='Best after the release date.',
    )
