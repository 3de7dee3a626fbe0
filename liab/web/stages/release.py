"""The Release stage. Its own issue builds it; until then it says plainly what it will do."""

from __future__ import annotations

from liab.web.stages import StageContext
from liab.web.stages._plan import planned

SUMMARY = (
    'Put together everything a distributor asks for: cover art, release copy, a lyrics PDF, metadata, '
    'masters and a pre-flight check, downloadable as one release pack.'
)


def create(ctx: StageContext) -> None:
    planned(
        ctx,
        SUMMARY,
        [
            'Fill in title, artist, credits and splits, release date, ISRC and UPC, each checked.',
            'Make cover art at 3000 x 3000 and the copy for your pitch.',
            "Check the pack against the stores' rules before you send it.",
        ],
        needs='Needs the master from the Mix stage.',
    )
