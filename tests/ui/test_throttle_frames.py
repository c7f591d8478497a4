"""While training, the heavy redraws take turns (one per frame, none starved), and the data plot
draws a coarser grid that is replaced by the full one when training stops (``ui/followers.py``).
"""

from __future__ import annotations

from mlpstudio.ui.followers import Throttle
from mlpstudio.ui.session import Session
from mlpstudio.ui.views.plot.regions import GRID_N, GRID_N_MOVING, grid_shape


def run_frames(session: Session, throttles: list[Throttle], frames: int) -> None:
    for _ in range(frames):
        session.frames += 1
        for t in throttles:
            t()


def test_heavy_draws_take_turns_one_per_frame(qtbot):
    s = Session()
    s.set_running(True)
    drawn: list[tuple[str, int]] = []

    def throttle(name: str, heavy: bool = True) -> Throttle:
        return Throttle(s, lambda: drawn.append((name, s.frames)), seconds=0.0, heavy=heavy)

    heavy = [throttle("cost"), throttle("data"), throttle("diagram")]
    status = throttle("status", heavy=False)
    run_frames(s, [*heavy, status], 30)
    frames = [f for name, f in drawn if name != "status"]
    assert len(frames) == len(set(frames)) == 30  # every frame one heavy draw, never two
    counts = {name: sum(n == name for n, _ in drawn) for name in ("cost", "data", "diagram")}
    assert counts == {"cost": 10, "data": 10, "diagram": 10}  # in turn, even at 0 s intervals
    assert sum(name == "status" for name, _ in drawn) == 30  # light draws are not held back


def test_a_draw_asked_no_more_does_not_hold_the_others(qtbot):
    s = Session()
    s.set_running(True)
    drawn: list[str] = []
    a = Throttle(s, lambda: drawn.append("a"), seconds=0.0)
    b = Throttle(s, lambda: drawn.append("b"), seconds=0.0)
    run_frames(s, [a, b], 4)
    drawn.clear()
    run_frames(s, [b], 5)  # a's signal stopped firing (no new rows, say)
    assert drawn.count("b") >= 4


def test_paused_every_draw_runs_at_once_and_skipped_ones_run_on_stop(qtbot):
    s = Session()
    drawn: list[str] = []
    a = Throttle(s, lambda: drawn.append("a"), seconds=10.0)
    b = Throttle(s, lambda: drawn.append("b"), seconds=10.0)
    s.frames += 1
    a()
    b()
    assert drawn == ["a", "b"]
    s.set_running(True)
    drawn.clear()
    run_frames(s, [a, b], 3)
    assert drawn == []
    s.set_running(False)  # the skipped draws, so the views end on the true state
    assert sorted(drawn) == ["a", "b"]


def test_the_boundary_is_coarse_while_training_and_full_when_it_stops(window, qtbot):
    w = window
    plot = w.data_plot

    def grid(n: int) -> tuple[int, int]:
        # The view of this moment: a legend that changes side may resize the data area.
        (x0, x1), (y0, y1) = plot.view_range()
        return grid_shape(x1 - x0, y1 - y0, n)[::-1]

    assert plot.boundary_rgb().shape[:2] == grid(GRID_N)

    w.training.set_playing(True)
    qtbot.waitUntil(lambda: plot.coarse, timeout=20_000)
    assert plot.boundary_rgb().shape[:2] == grid(GRID_N_MOVING)
    w.training.set_playing(False)
    assert w.settle()
    assert not plot.coarse and plot.boundary_rgb().shape[:2] == grid(GRID_N)
