"""The seven stages of a release cycle: order, icons, labels, personas; ticks and progress."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    id: str
    icon: str
    label: str
    persona: str
    mist_x: str  # spec 3.2: where the mist glides when this stage is open


STAGES: tuple[Stage, ...] = (
    Stage('beat', '🎵', 'Beat', 'Echo', '10%'),
    Stage('lyrics', '✍️', 'Lyrics', 'Lyrica', '28%'),
    Stage('upload', '🎙', 'Upload', 'Nova', '46%'),
    Stage('mix', '🎚', 'Mix', 'Tone', '64%'),
    Stage('release', '💿', 'Release', 'Aria', '82%'),
    Stage('content', '📣', 'Content', 'Vee', '90%'),
    Stage('analytics', '📊', 'Analytics', 'Pulse', '95%'),
)
STAGE_IDS: tuple[str, ...] = tuple(stage.id for stage in STAGES)
GOAL_ICON = '🎯'
_BY_ID = {stage.id: stage for stage in STAGES}


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total)

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def text(self) -> str:
        return f'{self.done} of {self.total} stages done · {self.percent}%'


def stage(stage_id: str) -> Stage:
    try:
        return _BY_ID[stage_id]
    except KeyError:
        raise ValueError(f'unknown stage {stage_id!r}') from None


def next_stage(stage_id: str) -> Stage | None:
    index = STAGE_IDS.index(stage(stage_id).id)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def completed(workflow: dict) -> list[str]:
    """The ticked stages in stage order, ignoring anything unknown."""
    ticked = set(workflow.get('completed_stages', []))
    return [stage_id for stage_id in STAGE_IDS if stage_id in ticked]


def progress(workflow: dict) -> Progress:
    return Progress(done=len(completed(workflow)), total=len(STAGES))


def new_workflow() -> dict:
    return {'current_stage': STAGE_IDS[0], 'completed_stages': [], 'goal_shown': False, 'cycles_completed': 0}
