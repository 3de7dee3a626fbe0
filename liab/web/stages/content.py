"""The Content stage. Its own issue builds it; until then it says plainly what it will do."""

from __future__ import annotations

from liab.web.stages import StageContext
from liab.web.stages._plan import planned

SUMMARY = (
    'Plan the posts that carry the song: video ideas, captions, hashtags and hooks drawn from your '
    'lyrics, a viral score with what to improve, and a posting schedule.'
)


def create(ctx: StageContext) -> None:
    planned(
        ctx,
        SUMMARY,
        [
            'Get several video ideas, each with a hook, a script and a visual.',
            'Score a caption, hashtags and hook and see which points were earned.',
            'Make vertical visualizer videos and schedule posts around the release date.',
        ],
        needs='Best after a release.',
    )
