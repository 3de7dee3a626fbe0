"""One module per stage; each exposes `create(ctx)` that draws the stage's body inside the stage screen."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from liab.workflow import STAGE_IDS, Stage


@dataclass(frozen=True)
class StageContext:
    stage: Stage
    project_id: str | None  # None until the browser's first change creates its working project
    data: dict[str, Any]  # the project memory as last loaded
    workspace: Any = None  # liab.web.home.Workspace: change(), ensure_project(), show_project(), visitor


def module(stage_id: str) -> ModuleType:
    if stage_id not in STAGE_IDS:
        raise ValueError(f'unknown stage {stage_id!r}')
    return importlib.import_module(f'{__name__}.{stage_id}')
