"""The session model: the one place where the app's state lives.

It owns the dataset and its split, the input standardisation, the network (a display copy: the
worker owns the live one), the training settings, the trainer's state and history, the selection,
the current lesson, the file path and whether there is unsaved work. It emits one signal per kind
of change; views listen and repaint, commands (menus, shortcuts, lessons, files) call its methods.
It holds no widgets and never asks the user anything: the controllers do that.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from mlpstudio.core import (
    History,
    Network,
    TrainingError,
    TrainSettings,
    datasets,
    lessons,
)
from mlpstudio.core import scaling as core_scaling
from mlpstudio.core.editing import PointSet
from mlpstudio.core.features import N_COORDINATES
from mlpstudio.core.specs import DataSpec, NetworkSpec
from mlpstudio.core.training import Snapshot

DEFAULT_SPEED: float | None = None  # epochs per second; None: as fast as possible


def default_settings() -> TrainSettings:
    """A new project trains XOR with plain gradient descent at η = 2."""
    return TrainSettings(learning_rate=2.0)


class Session(QObject):
    """Everything the app shows, and the one rule for unsaved work."""

    dataChanged = Signal()  # points, split, standardisation or their source
    architectureChanged = Signal()  # a new network (other sizes, activations or weights)
    weightsChanged = Signal()  # the network's parameters (a snapshot, an edit)
    settingsChanged = Signal()  # training settings, speed or step unit
    historyChanged = Signal(bool, object)  # (replaced from the start?, the new rows)
    selectionChanged = Signal()  # the followed point, whole batch, the unit whose map is shown
    fileChanged = Signal()  # path or the unsaved-work flag
    lessonChanged = Signal()  # the open lesson, its variant or its check's verdict
    stateChanged = Signal()  # epoch, metrics, rate (every frame while training)
    runningChanged = Signal()  # training started or stopped
    messageChanged = Signal(str)  # one line for the status bar
    focusChanged = Signal()  # the unit or edge pointed at in the diagram, or highlighted
    displayChanged = Signal()  # the view switches: test points, hard regions, log cost
    planeChanged = Signal()  # the part of the plane in view (every pan and zoom)

    def __init__(self) -> None:
        super().__init__()
        self.data_spec = DataSpec()
        self.raw: datasets.Dataset = datasets.from_arrays(np.zeros((0, 2)), np.zeros(0, int))
        self.dataset: datasets.Dataset = self.raw  # what is trained on (maybe standardised)
        self.source = ""  # where non-generated points came from
        # The points as the editor edits them, with their undo stack (500 steps): the session
        # owns them; the editor works on this object and reports each edit back as new data.
        self.points = PointSet()
        self.standardise = False
        self.scaling: dict | None = None  # {"mean": [...], "std": [...]} when standardised
        self.network_spec = NetworkSpec()
        self.net: Network | None = None
        self.frozen: np.ndarray | None = None
        self.build_error = ""
        self.start_epoch = 0  # the epoch the network's history ends at when it was built
        self.settings = default_settings()
        self.speed: float | None = DEFAULT_SPEED
        self.step_unit = "epoch"
        self.running = False
        self.snapshot: Snapshot | None = None
        self.frames = 0  # snapshots applied: the followers' throttles share each frame by it
        self.history = History()
        self.rate = 0.0
        self.selected: int | None = None
        self.whole_batch = False
        self.unit_shown: tuple[int, int] | None = None
        self.focus: tuple | None = None  # ("unit", layer, j) or ("edge", layer, j, k)
        self.highlight: tuple | None = None  # what the inspector's formula is about
        self.quiz_hidden: list = []  # diagram values that would give away the quiz's answer
        self.plane: tuple[tuple[float, float], tuple[float, float]] = ((-1.0, 1.0), (-1.0, 1.0))
        self.show_test = True
        self.hard_regions = False  # only the winning class, not the confidence
        self.log_cost = False
        self.lesson: lessons.Lesson | None = None
        self.lesson_variant = ""
        self.lesson_check: lessons.LessonCheck | None = None
        self.data_origin = "load"  # "load", "replace" (undoable), "edit" (from the editor)
        self.path: Path | None = None
        self.modified = False
        self.message = ""

    # ---- reading -----------------------------------------------------------------------------

    @property
    def epoch(self) -> int:
        if self.snapshot is not None:
            return self.snapshot.epoch
        return self.history.epoch[-1] if self.history.epoch else 0

    @property
    def title(self) -> str:
        name = self.path.name if self.path else "Untitled"
        return f"{name}{' *' if self.modified else ''} — MLP Studio"

    def can_train(self) -> bool:
        return self.network_fits() and len(self.dataset.y_train) > 0

    def selection_batch(self) -> tuple[np.ndarray, np.ndarray, str] | None:
        """The points the diagram and the inspector follow: (X, one-hot Y, a label), or None
        (nothing selected, no points, or a network that does not fit the data's classes)."""
        ds, net = self.dataset, self.net
        if net is None or not ds.n_points or not self.network_fits():
            return None
        if self.whole_batch:
            if not len(ds.y_train):
                return None
            return ds.X_train, net.encode(ds.y_train, ds.n_classes), "the whole training batch"
        i = self.selected
        if i is None or not 0 <= i < ds.n_points:
            return None
        coords = ", ".join(f"{v:.3g}" for v in ds.X[i])
        label = f"point {i}: x = ({coords}), class {ds.class_names[ds.y[i]]}"
        return ds.X[i : i + 1], net.encode(ds.y[i : i + 1], ds.n_classes), label

    def network_fits(self) -> bool:
        """True when the network's inputs and outputs match the data (features, classes)."""
        return self.net is not None and not self._needs_new_network()

    # ---- unsaved work: the one rule ---------------------------------------------------------

    def mark_modified(self, modified: bool = True) -> None:
        """Work that took effort and is not on disk (or, with False, that now is)."""
        if modified != self.modified:
            self.modified = modified
            self.fileChanged.emit()

    def set_path(self, path: Path | None) -> None:
        self.path = None if path is None else Path(path)
        self.fileChanged.emit()

    def set_lesson(self, lesson: lessons.Lesson | None, variant: str = "") -> None:
        self.lesson, self.lesson_variant, self.lesson_check = lesson, variant, None
        self.lessonChanged.emit()

    def set_lesson_check(self, result: lessons.LessonCheck | None) -> None:
        self.lesson_check = result
        self.lessonChanged.emit()

    def say(self, text: str) -> None:
        self.message = text
        self.messageChanged.emit(text)

    # ---- data ----------------------------------------------------------------------------

    def set_data(
        self,
        raw: datasets.Dataset,
        *,
        spec: DataSpec | None = None,
        source: str | None = None,
        standardise: bool | None = None,
        scaling: dict | None = None,
        keep_scaling: bool = False,
        origin: str = "replace",
    ) -> None:
        """New points. Standardisation follows the one rule (training points only) unless
        ``scaling`` is given (a project's stored values) or ``keep_scaling`` keeps the one in use
        (a hand edit must not move the points already drawn). ``origin`` tells the editor
        whether the points came from it ("edit") or replace its own (an undoable "replace")."""
        self.data_origin = origin
        if spec is not None:
            self.data_spec = spec
        if source is not None:
            self.source = source
        if standardise is not None:
            self.standardise = standardise
        self._set_points(raw, scaling, keep_scaling)
        if self.network_spec.features is not None and raw.n_features != N_COORDINATES:
            # Derived inputs are made from 2-D points: other data is read as it is.
            self.network_spec = replace(self.network_spec, features=None)
        if self._needs_new_network():
            self.build_network()  # other inputs or classes: the ends of the network follow
        self._data_shown()

    def _set_points(self, raw: datasets.Dataset, scaling: dict | None, keep: bool) -> None:
        self.raw = raw
        if not self.standardise:
            self.scaling = None
        elif scaling is not None:
            self.scaling = {k: list(map(float, scaling[k])) for k in ("mean", "std")}
        elif not (keep and self.scaling is not None):
            self.scaling = fit_scaling(raw)
        self.dataset = apply_scaling(raw, self.scaling)
        if self.selected is not None and self.selected >= raw.n_points:
            self.selected = None

    def _data_shown(self) -> None:
        self.dataChanged.emit()
        if not len(self.dataset.y_train):
            self.say("No training points: draw some, or mark some as training points.")
        elif self.message.startswith("No training points"):
            self.say("")

    def load(
        self,
        raw: datasets.Dataset,
        *,
        data_spec: DataSpec,
        source: str,
        scaling: dict | None,
        network_spec: NetworkSpec,
        net: Network | None,
        history: History | None,
        epoch: int,
        settings: TrainSettings,
        path: Path | None,
        lesson: lessons.Lesson | None = None,
        variant: str = "",
        view: dict | None = None,
    ) -> bool:
        """Everything at once (New, a project, a lesson): the caller has checked it all, so
        it is applied whole. ``net`` None builds a fresh one from ``network_spec``."""
        self.running = False
        self.settings = settings
        self.data_spec = data_spec
        self.source = source
        self.standardise = scaling is not None
        self.selected, self.unit_shown = None, None
        self._apply_view(view or {})
        self.data_origin = "load"
        self._set_points(raw, scaling, keep=False)
        self.net = None
        ok = self.build_network(network_spec, net, history, epoch)
        self._data_shown()
        self.settingsChanged.emit()
        self.selectionChanged.emit()
        self.stateChanged.emit()
        self.path = None if path is None else Path(path)
        self.modified = False
        self.fileChanged.emit()
        self.set_lesson(lesson, variant)
        return ok

    def set_standardise(self, on: bool) -> None:
        if on != self.standardise:
            self.set_data(self.raw, standardise=on)

    def _needs_new_network(self) -> bool:
        ds, net = self.dataset, self.net
        if net is None:
            return True
        sizes = self.network_spec.sizes(ds.n_features, ds.n_classes)
        return (
            net.n_inputs != ds.n_features or net.sizes[0] != sizes[0] or net.n_outputs != sizes[-1]
        )

    # ---- the network ---------------------------------------------------------------------

    def build_network(
        self,
        spec: NetworkSpec | None = None,
        net: Network | None = None,
        history: History | None = None,
        epoch: int = 0,
    ) -> bool:
        """A new network from ``spec`` (or ``net`` as it is); False, and nothing changes, when
        it cannot be built (the reason is in ``build_error`` and the status bar)."""
        spec = spec or self.network_spec
        ds = self.dataset
        try:
            if net is None:
                net = spec.build(ds.n_features, ds.n_classes, seed=self.settings.seed)
        except (ValueError, TrainingError) as e:
            self.build_error = str(e)
            self.say(f"Cannot build this network: {e}")
            self.architectureChanged.emit()  # the panel shows the reason and the spec in use
            return False
        self.build_error = ""
        self.network_spec = spec
        self.net = net.copy()
        self.frozen = np.zeros(net.n_params, dtype=bool)
        self.snapshot = None  # the old network's; the new one's follows from the worker
        self.history = history.copy() if history is not None else History()
        self.start_epoch = epoch if len(self.history) else 0
        self.unit_shown = None
        self.focus = self.highlight = None  # they named units of the old network
        self.architectureChanged.emit()
        self.historyChanged.emit(True, self.history)
        self.weightsChanged.emit()
        return True

    def set_param(self, index: int, value: float) -> bool:
        """One weight or bias typed, dragged or nudged by hand."""
        if self.net is None or not 0 <= index < self.net.n_params or not math.isfinite(value):
            return False
        self.net.params[index] = value
        self.mark_modified()
        self.weightsChanged.emit()
        return True

    def set_params(self, params: np.ndarray) -> None:
        if self.net is None:
            return
        self.net.set_params(params)
        self.mark_modified()
        self.weightsChanged.emit()

    def set_frozen(self, index: int, frozen: bool) -> None:
        if self.frozen is not None and 0 <= index < len(self.frozen):
            self.frozen[index] = frozen
            self.weightsChanged.emit()

    def apply_snapshot(self, snap: Snapshot, rate: float, rows: History, replaced: bool) -> None:
        """The worker's latest snapshot and the history rows gathered since the last one
        (``replaced``: they start from epoch 0, after a new run, a reset or a thinning)."""
        if self.net is None or tuple(self.net.sizes) != tuple(snap.sizes):
            return  # a snapshot of a network that has just been replaced
        self.net.set_params(snap.params)
        self.frames += 1
        if replaced:
            self.history = rows.copy()
            self.historyChanged.emit(True, self.history)
        elif len(rows):
            self.history.extend(rows)
            self.historyChanged.emit(False, rows)
        self.snapshot = snap
        self.rate = rate
        self.weightsChanged.emit()
        self.stateChanged.emit()

    # ---- training settings and state -----------------------------------------------------

    def set_settings(self, settings: TrainSettings) -> None:
        """New training settings (validated by the caller); they act at once."""
        self.settings = settings
        self.settingsChanged.emit()

    def update_settings(self, **changes: object) -> None:
        self.set_settings(replace(self.settings, **changes))

    def set_speed(self, speed: float | None) -> None:
        self.speed = speed
        self.settingsChanged.emit()

    def set_step_unit(self, unit: str) -> None:
        self.step_unit = unit
        self.settingsChanged.emit()

    def set_running(self, on: bool) -> None:
        if on != self.running:
            self.running = on
            self.runningChanged.emit()

    # ---- selection -----------------------------------------------------------------------

    def select_point(self, index: int | None) -> None:
        self.selected = index if index is not None and index >= 0 else None
        self.selectionChanged.emit()

    def set_whole_batch(self, on: bool) -> None:
        self.whole_batch = on
        self.selectionChanged.emit()

    def show_unit(self, unit: tuple[int, int] | None) -> None:
        self.unit_shown = unit
        self.selectionChanged.emit()

    def set_focus(self, hit: tuple | None) -> None:
        """The unit or edge under the mouse in the diagram (the inspector's formula follows)."""
        self.focus = hit
        self.focusChanged.emit()

    def set_quiz_hidden(self, targets: list) -> None:
        """Values the open quiz question asks for: the diagram must not print them."""
        self.quiz_hidden = list(targets)
        self.focusChanged.emit()

    def set_highlight(self, target: object) -> None:
        """What the inspector's current formula is about (the diagram rings it)."""
        self.highlight = target
        self.focusChanged.emit()

    # ---- display -------------------------------------------------------------------------

    def set_plane(self, xlim: tuple[float, float], ylim: tuple[float, float]) -> None:
        self.plane = (tuple(xlim), tuple(ylim))
        self.planeChanged.emit()

    def set_show_test(self, on: bool) -> None:
        self.show_test = on
        self.displayChanged.emit()

    def set_hard_regions(self, on: bool) -> None:
        self.hard_regions = on
        self.displayChanged.emit()

    def set_log_cost(self, on: bool) -> None:
        self.log_cost = on
        self.displayChanged.emit()

    def view_state(self) -> dict:
        """How the project is shown, as the file's ``view`` block stores it."""
        return {
            "speed": self.speed,
            "step_unit": self.step_unit,
            "show_test": self.show_test,
            "hard_regions": self.hard_regions,
            "log_cost": self.log_cost,
            "whole_batch": self.whole_batch,
        }

    def _apply_view(self, view: dict) -> None:
        """A file's ``view`` block (missing keys: the defaults), without emitting."""
        self.speed = view.get("speed", DEFAULT_SPEED)
        self.step_unit = view.get("step_unit", "epoch")
        self.show_test = view.get("show_test", True)
        self.hard_regions = view.get("hard_regions", False)
        self.log_cost = view.get("log_cost", False)
        self.whole_batch = view.get("whole_batch", False)


def fit_scaling(raw: datasets.Dataset) -> dict | None:
    """The one standardisation rule (mean and spread of the training points), as stored."""
    if not len(raw.y_train):
        return None
    return core_scaling.fit_standardisation(raw).to_dict()


def apply_scaling(raw: datasets.Dataset, stored: dict | None) -> datasets.Dataset:
    """The points the network sees: ``raw`` standardised with the stored values."""
    if stored is None or not raw.n_points:
        return raw
    stored_scaling = core_scaling.Standardisation.from_dict(stored)
    return core_scaling.apply_standardisation(stored_scaling, raw)
