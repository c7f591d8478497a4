"""How each view follows the session, and which command each of its gestures sends.

One function per view: it connects the session's signals to the view's setters (the view reads
the session, never another view) and the view's signals to a controller's commands (the view
never changes the session's state itself). The main window calls these once, when it is built.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import ClassVar

from mlpstudio.core import History
from mlpstudio.core import boundary as core_boundary
from mlpstudio.core import notation as nt

from .controllers.setup import SetupController
from .controllers.teaching import TeachingController
from .controllers.training import TrainingController
from .session import Session
from .views.cost_plot import CostPlot
from .views.data_plot import DataPlot
from .views.lesson_panel import LessonPanel
from .views.panels import DataPanel, NetworkPanel, TrainingPanel
from .views.status_bar import StatusBar


class _FrameShare:
    """The heavy throttles of one session, and the last frame one of them drew in."""

    def __init__(self) -> None:
        self.taken = -1
        self.throttles: list[Throttle] = []


SLOW_REDRAW = 0.2  # seconds between boundary, cost and status redraws while training
# The diagram while training: 10 redraws a second, so δ and the weights visibly move. With the
# trainer in its own process (the app's default) that costs training nothing (bench_app: 98-100 %
# of headless, p95 9 ms on a 2-core box); on a training thread (MLPSTUDIO_TRAINING=thread) every
# millisecond painted is one the worker waits for the GIL.
DIAGRAM_REDRAW = 0.1


class Throttle:
    """Runs ``draw`` at once when paused, at most every ``seconds`` while training.

    Painting takes the UI thread's time (and, with a training thread rather than the app's
    training process, the GIL the worker needs). A draw skipped while training is done when
    training stops, so the views always end on the true state.

    While training, ``heavy`` draws also share the frames (counted by ``Session.frames``): at
    most one of them per frame, and when several are due, the one that drew longest ago goes
    first. Started together, the boundary, the cost curves and the diagram landed on the same
    frame five times a second, and those long frames were the event-latency tail; taking turns,
    none is starved even when the frames come slowly.
    """

    _shares: ClassVar[weakref.WeakKeyDictionary] = weakref.WeakKeyDictionary()

    def __init__(
        self,
        session: Session,
        draw: Callable[[], None],
        seconds: float = SLOW_REDRAW,
        heavy: bool = True,
    ):
        self.session, self.draw, self.seconds, self.heavy = session, draw, seconds, heavy
        self.last = 0.0
        self.pending = False
        self.seen = -1  # the last frame this throttle was asked to draw in
        if heavy:
            self._share = Throttle._shares.setdefault(session, _FrameShare())
            self._share.throttles.append(self)
        session.runningChanged.connect(self._running_changed)

    def __call__(self) -> None:
        now = time.perf_counter()
        s = self.session
        # (The turn is asked only when the interval has passed: asking takes the frame.)
        if s.running and (
            now - self.last < self.seconds or (self.heavy and not self._my_turn(now))
        ):
            self.pending = True
            return
        self.last, self.pending = now, False
        self.draw()

    def _my_turn(self, now: float) -> bool:
        frame, share = self.session.frames, self._share
        self.seen = frame
        if share.taken == frame:
            return False
        for other in share.throttles:
            # Another due draw that waited longer, and is still asked every frame (so it will
            # take this frame or the next, never leave the rest waiting for it).
            if (
                other is not self
                and other.seen >= frame - 1
                and other.last < self.last
                and now - other.last >= other.seconds
            ):
                return False
        share.taken = frame
        return True

    def _running_changed(self) -> None:
        if self.pending and not self.session.running:
            self()


def follow_data_panel(session: Session, panel: DataPanel, setup: SetupController) -> None:
    def show() -> None:
        panel.set_spec(session.data_spec)
        for box, on in (
            (panel.standardise, session.standardise),
            (panel.show_test, session.show_test),
        ):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        panel.set_source(session.source)

    session.dataChanged.connect(show)
    session.displayChanged.connect(show)
    panel.specChanged.connect(lambda: setup.change_data_spec(panel.spec()))
    panel.standardiseChanged.connect(setup.set_standardise)
    panel.showTestChanged.connect(session.set_show_test)


def follow_network_panel(session: Session, panel: NetworkPanel, setup: SetupController) -> None:
    def show() -> None:
        panel.set_spec(session.network_spec)
        net = session.net
        warnings = ([session.build_error] if session.build_error else []) + (
            net.warnings() if net is not None else []
        )
        panel.set_outputs(net.n_outputs if net is not None else 0, warnings)
        panel.set_point_inputs(session.dataset.n_features if session.dataset is not None else 2)

    session.architectureChanged.connect(show)

    def spec_changed() -> None:
        # A refused change (the user kept the work) only puts the panel back: the network, its
        # trainer and the epoch count stay as they were.
        if not setup.change_architecture(panel.spec()):
            show()

    panel.specChanged.connect(spec_changed)


def follow_training_panel(
    session: Session,
    panel: TrainingPanel,
    setup: SetupController,
    training: TrainingController,
) -> None:
    def show_settings() -> None:
        panel.set_settings(session.settings.to_dict())
        panel.set_speed(session.speed)
        panel.set_step_unit(session.step_unit)

    session.settingsChanged.connect(show_settings)
    session.runningChanged.connect(lambda: panel.set_running(session.running))
    panel.playToggled.connect(training.set_playing)
    panel.stepRequested.connect(training.step)
    panel.resetRequested.connect(training.reset)
    panel.newSeedRequested.connect(lambda: training.new_seed(panel.seed.value()))
    panel.settingsChanged.connect(setup.change_settings)
    panel.speedChanged.connect(setup.set_speed)
    panel.stepUnitChanged.connect(setup.set_step_unit)
    show_settings()


def follow_data_plot(session: Session, plot: DataPlot) -> None:
    def show_unit_map() -> None:
        net, unit = session.net, session.unit_shown
        if net is None or unit is None or net.n_inputs != 2:
            plot.set_unit_map(None)
            return
        layer, j = unit
        if layer >= len(net.weights) or j >= net.sizes[layer + 1]:
            plot.set_unit_map(None)
            return
        xlim, ylim, n = plot.unit_grid()
        if layer < 0:  # a derived input: its feature over the plane
            values = core_boundary.input_maps(net, xlim, ylim, n)[j]
            plot.set_unit_map(values, nt.plain(nt.input_name(net.features, j)))
            return
        values = core_boundary.unit_maps(net, xlim, ylim, n)[layer][j]
        plot.set_unit_map(values, f"a_{j + 1}^({layer + 2})")

    def draw_network() -> None:
        plot.set_network(session.net, coarse=session.running)
        if session.unit_shown is not None:
            show_unit_map()

    def running_changed() -> None:
        if not session.running and plot.coarse:
            draw_network()  # the full grid, now that the picture holds still

    redraw = Throttle(session, draw_network)
    session.runningChanged.connect(running_changed)

    def show_data() -> None:
        plot.set_selected(None)
        plot.set_dataset(session.dataset, fit=session.data_origin != "edit")
        plot.set_selected(session.selected)
        draw_network()
        session.set_plane(*plot.view_range())

    def show_selection() -> None:
        plot.set_selected(session.selected)
        show_unit_map()

    session.dataChanged.connect(show_data)
    session.architectureChanged.connect(draw_network)
    session.weightsChanged.connect(redraw)
    session.selectionChanged.connect(show_selection)

    def show_display() -> None:
        plot.set_show_test(session.show_test)
        plot.set_hard_regions(session.hard_regions)

    session.displayChanged.connect(show_display)
    plot.pointClicked.connect(lambda i: session.select_point(i if i >= 0 else None))
    plot.viewChanged.connect(session.set_plane)
    plot.viewChanged.connect(lambda *_: show_unit_map() if session.unit_shown else None)


def follow_diagram(session: Session, view, training: TrainingController) -> None:
    """The network diagram: weights, a and δ of the followed points, edits and freezing."""

    def draw() -> None:
        net = session.net
        if net is None:
            return
        snap = session.snapshot
        view.set_network(net, snap.update if snap is not None else None, session.frozen)
        if session.running:
            # The unit maps in this same frame, not on their own timer a few ms later: the
            # canvas is then painted once for both instead of twice (~10 ms a paint).
            view.flush()

    def show_selection() -> None:
        batch = session.selection_batch()
        view.set_selection(*(batch[:2] if batch is not None else (None, None)))

    def show_state() -> None:
        view.set_map_interval(SLOW_REDRAW if session.running else 0.0)

    redraw = Throttle(session, draw, DIAGRAM_REDRAW)
    session.architectureChanged.connect(draw)
    session.architectureChanged.connect(show_selection)
    session.weightsChanged.connect(redraw)
    session.dataChanged.connect(show_selection)
    session.selectionChanged.connect(show_selection)
    session.runningChanged.connect(show_state)
    session.planeChanged.connect(lambda: view.set_plane(*session.plane))
    session.focusChanged.connect(lambda: view.highlight(*(session.highlight or ([], []))))
    session.focusChanged.connect(lambda: view.set_hidden_values(session.quiz_hidden))
    view.weightEdited.connect(training.set_param)
    view.freezeToggled.connect(training.set_frozen)

    def unit_clicked(i: int, j: int) -> None:
        # An input unit has a map of its own only when it is a derived feature.
        net = session.net
        plain_input = i < 0 and (net is None or net.features is None)
        session.show_unit(None if plain_input or j < 0 else (i, j))  # (-1, -1): none

    view.unitClicked.connect(unit_clicked)
    view.hovered.connect(session.set_focus)


def follow_cost_plot(session: Session, plot: CostPlot) -> None:
    pending = {"rows": History(), "replaced": False}

    def draw() -> None:
        if pending["replaced"]:
            plot.set_history(session.history)
        elif len(pending["rows"]):
            plot.append(pending["rows"])
        pending["rows"], pending["replaced"] = History(), False

    redraw = Throttle(session, draw)

    def history_changed(replaced: bool, rows: History) -> None:
        if replaced:
            pending["rows"], pending["replaced"] = History(), True
        else:
            pending["rows"].extend(rows)
        redraw()

    session.historyChanged.connect(history_changed)
    session.settingsChanged.connect(lambda: plot.set_target(session.settings.target_cost))
    session.displayChanged.connect(lambda: plot.set_log(session.log_cost))


def follow_inspector(
    session: Session, inspector, teaching: TeachingController, visible: Callable[[], bool]
) -> Callable[[], None]:
    """The inspector steps through the followed point's backprop step while it is shown;
    returns the function that refreshes it (for when it comes into view)."""

    def refresh() -> None:
        net = session.net
        if net is None or not visible() or session.running:
            return
        batch = session.selection_batch()
        if batch is None:
            inspector.clear()
            return
        X, Y, label = batch
        inspector.set_problem(net, X, Y, session.settings.learning_rate, label)

    def follow_focus() -> None:
        hit = session.focus
        if hit is None or not visible():
            return
        if hit[0] == "edge":
            inspector.set_focus_edge(*hit[1:])
        elif hit[1] >= 0:
            inspector.set_focus_unit(hit[1], hit[2])

    for signal in (
        session.weightsChanged,
        session.selectionChanged,
        session.dataChanged,
        session.runningChanged,
    ):
        signal.connect(refresh)
    session.focusChanged.connect(follow_focus)
    inspector.highlightRequested.connect(lambda u, e: session.set_highlight((u, e)))
    inspector.appliedUpdate.connect(teaching.apply_inspector_step)
    inspector.quizAsked.connect(session.set_quiz_hidden)
    return refresh


def follow_lesson_panel(session: Session, panel: LessonPanel, teaching: TeachingController):
    shown = {"lesson": None, "variant": None}

    def show() -> None:
        lesson = session.lesson
        panel.set_current(lesson.slug if lesson is not None else None)
        if lesson is not None and (shown["lesson"], shown["variant"]) != (
            lesson.slug,
            session.lesson_variant,
        ):
            panel.show_lesson(lesson, session.lesson_variant)
        shown["lesson"] = lesson.slug if lesson is not None else None
        shown["variant"] = session.lesson_variant
        if lesson is not None and session.lesson_check is not None:
            panel.show_check(session.lesson_check)

    session.lessonChanged.connect(show)
    panel.openLesson.connect(teaching.open_lesson)
    panel.openExample.connect(teaching.open_example)
    panel.checkRequested.connect(teaching.check_lesson)
    panel.solutionRequested.connect(teaching.show_solution)


def follow_editor(session: Session, editor, setup: SetupController) -> None:
    """The point editor edits the session's points; its own edits come back as "edit"."""

    def show() -> None:
        if session.data_origin == "load":
            editor.load(session.raw)
        elif session.data_origin == "replace":
            editor.load(session.raw, undoable=True)
        scaling = session.scaling
        editor.set_transform(*((scaling["mean"], scaling["std"]) if scaling else (None, None)))

    session.dataChanged.connect(show)
    editor.datasetEdited.connect(setup.points_edited)
    editor.dataReplaced.connect(setup.points_replaced)
    editor.message.connect(session.say)
    editor.confirm_class_change = setup.confirm_class_change
    editor.confirm_clear = setup.confirm_discard


def follow_status(session: Session, bar: StatusBar) -> None:
    redraw = Throttle(session, bar.refresh, heavy=False)  # four labels: no frame of its own
    session.stateChanged.connect(redraw)
    session.runningChanged.connect(bar.refresh)
    session.architectureChanged.connect(bar.refresh)
