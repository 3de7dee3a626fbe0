"""The Lyrics stage. Its own issue builds it; until then it says plainly what it will do."""

from __future__ import annotations

from liab.web.stages import StageContext
from liab.web.stages._plan import planned

SUMMARY = (
    'Write lyrics that fit the beat: verses, chorus and bridge with real rhymes and line lengths that '
    'suit the tempo, written on this machine (or by OpenAI when it is configured).'
)


def create(ctx: StageContext) -> None:
    planned(
        ctx,
        SUMMARY,
        [
            "Give a genre, mood and theme; the beat's tempo is used when there is a beat.",
            'Refine with instructions ("make the chorus catchier") and step back through the history.',
            'Edit the text yourself at any point.',
        ],
        needs='Best after the Beat stage.',
    )
