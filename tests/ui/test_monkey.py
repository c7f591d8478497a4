"""A seeded monkey on the main window: no exception, no Qt warning, no stall, no leak, no thread.

The harness is ``monkey.py`` beside this file (shared with ``benchmarks/monkey.py``, the long
run). A failure prints the seed and the actions before each incident; replay it with
``python benchmarks/monkey.py --seed SEED --actions N``. Replays follow the same random choices,
but the worker runs on its own clock, so a rare failure may need a few runs to come back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from monkey import monkey_run

from mlpstudio.resources_path import resources

# The goal is 250 ms (benchmarks/monkey.py reports against it). Here the suite shares two cores
# with the training worker, which starves the UI thread of the GIL for a few hundred ms at
# times (see docs/benchmarks.md): the test fails on freezes, not on those.
MAX_STALL_MS = 1000.0
MAX_GROWTH_MB = 100.0


def example_files() -> list[Path]:
    """The example projects and datasets a person would open from the File menu."""
    root = Path(str(resources()))
    return sorted((root / "examples").glob("*.json")) + sorted((root / "datasets").glob("*.csv"))


def check(report) -> None:
    assert report.ok(MAX_STALL_MS, MAX_GROWTH_MB), report.failure_message(
        MAX_STALL_MS, MAX_GROWTH_MB
    )


def test_a_short_monkey_run_breaks_nothing(window, tmp_path):
    report = monkey_run(window, 20260611, tmp_path, actions=60, files=example_files())
    assert len(report.actions) > 60  # with the watches' Play and closing the window
    check(report)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_longer_monkey_runs_break_nothing(window, tmp_path, seed):
    report = monkey_run(window, seed, tmp_path, actions=150, files=example_files())
    check(report)
