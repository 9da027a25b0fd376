"""The `dbt` checkpoint (the kill tests' pause inside dbt) is reached exactly once, even
when dbt's two worker threads finish nodes at the same moment: the race that once let
a run through without pausing (CI, test_run_kill[dbt])."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

from runner.checkpoints import Phase
from runner.run.steps import _DbtEvents


class _Checkpoints:
    def __init__(self) -> None:
        self.reached_phases: list[Phase] = []

    def reached(self, phase: Phase) -> None:
        self.reached_phases.append(phase)


class _Progress:
    """Lets a second node finish, on another thread, while the first one reports."""

    def __init__(self) -> None:
        self.events: _DbtEvents | None = None
        self.interleaved = False

    def detail(self, text: str) -> None:
        if self.events is not None and not self.interleaved:
            self.interleaved = True
            other = threading.Thread(
                target=self.events, args=("NodeFinished", "model.b", "success")
            )
            other.start()
            other.join()

    def update(self, text: str) -> None:
        pass


def test_the_dbt_checkpoint_is_reached_once_when_two_nodes_finish_together(
    tmp_path: Path,
) -> None:
    checkpoints, progress = _Checkpoints(), _Progress()
    events = _DbtEvents(SimpleNamespace(progress=progress, checkpoints=checkpoints))
    progress.events = events
    events("NodeStart", "model.a", "")
    events("NodeFinished", "model.a", "success")
    events("NodeFinished", "model.c", "success")
    assert progress.interleaved
    assert checkpoints.reached_phases == [Phase.DBT]
    assert events.done == 3
