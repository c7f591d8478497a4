"""The control panels: data, network and training. Each emits signals carrying plain data.

The panels hold no model state: they show the session's values (``set_spec``, ``set_settings``)
and say what the user asked for (``spec()``/``settings()`` when a signal fires). Every control
has a tooltip that says what it does, with the lecture's formula where there is one.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mlpstudio.core import activations, datasets, losses, optimizers
from mlpstudio.core import features as core_features
from mlpstudio.core import notation as nt
from mlpstudio.core.specs import MAX_HIDDEN_LAYERS, MAX_WIDTH, DataSpec, NetworkSpec
from mlpstudio.core.training import SETTING_RANGES

from .flow_layout import FlowLayout
from .inspector.formula import to_unicode

MAX_PANEL_WIDTH = MAX_WIDTH
SEED_LIMIT = 2**31  # seeds are 0 … 2³¹ − 1, as the project file stores them
# Speed slider stops, in epochs per second; the last means "as fast as possible".
SPEEDS: tuple[float | None, ...] = (1, 2, 5, 10, 30, 100, 300, 1000, None)


def _combo(items: list[str] | tuple[str, ...], tip: str, tips: dict | None = None) -> QComboBox:
    box = QComboBox()
    for i, name in enumerate(items):
        box.addItem(name)
        if tips and name in tips:
            box.setItemData(i, tips[name], Qt.ItemDataRole.ToolTipRole)
    box.setToolTip(tip)
    return box


def _spin(lo: int, hi: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box


def _dspin(lo: float, hi: float, value: float, decimals: int, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(lo, hi)
    box.setValue(value)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    box.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
    return box


def next_seed(seed: int) -> int:
    """The seed after ``seed``, back to 0 after the largest one (2³¹ − 1) instead of overflowing."""
    return (int(seed) + 1) % SEED_LIMIT


def speed_words(speed: float | None) -> str:
    """The speed as a person says it: "about 30 epochs/s", or "full speed"."""
    if speed is None:
        return "full speed"
    return f"about {speed:g} epoch{'' if speed == 1 else 's'}/s"


def _speed_distance(a: float | None, b: float | None) -> float:
    """How far apart two speeds are on the slider's log scale (None: as fast as possible)."""
    if a is None or b is None:
        return 0.0 if a is b else math.inf
    return abs(math.log(a) - math.log(b))


# ---- data --------------------------------------------------------------------------------


class DataPanel(QWidget):
    """Generator, point count, noise, classes, seed, train/test ratio, and view options."""

    specChanged = Signal()  # regenerate with spec()
    showTestChanged = Signal(bool)
    standardiseChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        gens = list(datasets.GENERATORS)
        self.generator = _combo(gens, "Which dataset to generate", datasets.DESCRIPTIONS)
        self.source = QLabel("")
        self.source.setWordWrap(True)
        self.source.setVisible(False)
        self.points = _spin(4, 5000, 200, "Number of points to generate")
        self.noise = _dspin(0.0, 100.0, 10.0, 0, "Noise: 0% is clean, 100% very messy")
        self.noise.setSuffix(" %")
        self.classes = _spin(2, 8, 3, "Number of classes (spirals, blobs and circles)")
        self.seed = _spin(0, 2**31 - 1, 0, "Random seed: the same seed gives the same points")
        self.test_ratio = _spin(0, 90, 20, "Share of the points held out as a test set")
        self.test_ratio.setSuffix(" %")
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("New random points from the next seed")
        self.show_test = QCheckBox("Show test points")
        self.show_test.setChecked(True)
        self.show_test.setToolTip("Draw the held-out test points (outlined)")
        self.standardise = QCheckBox("Standardise features")
        self.standardise.setToolTip("Shift and scale each feature to mean 0 and variance 1")
        form.addRow("Dataset", self.generator)
        form.addRow(self.source)
        form.addRow("Points", self.points)
        form.addRow("Noise", self.noise)
        form.addRow("Classes", self.classes)
        form.addRow("Seed", self.seed)
        form.addRow("Test set", self.test_ratio)
        form.addRow(self.regenerate)
        form.addRow(self.show_test)
        form.addRow(self.standardise)
        self._quiet = False
        for w in (self.points, self.classes, self.seed, self.test_ratio):
            w.valueChanged.connect(self._changed)
        self.noise.valueChanged.connect(self._changed)
        self.generator.currentTextChanged.connect(self._generator_changed)
        self.regenerate.clicked.connect(self._regenerate)
        self.show_test.toggled.connect(self.showTestChanged)
        self.standardise.toggled.connect(self.standardiseChanged)
        self.set_spec(DataSpec())

    def _generator_changed(self) -> None:
        self._update_enabled()
        self._changed()

    def _update_enabled(self) -> None:
        name = self.generator.currentText()
        lo, hi = datasets.GENERATOR_CLASSES.get(name, (2, 2))
        self.classes.setEnabled(hi > lo)
        fixed = name in ("and", "or", "xor")
        self.points.setEnabled(not fixed)

    def _changed(self) -> None:
        if not self._quiet:
            self.source.setVisible(False)
            self.specChanged.emit()

    def _regenerate(self) -> None:
        self.seed.setValue(next_seed(self.seed.value()))

    def spec(self) -> DataSpec:
        name = self.generator.currentText()
        lo, hi = datasets.GENERATOR_CLASSES.get(name, (2, 2))
        return DataSpec(
            generator=name,
            points=self.points.value(),
            noise=self.noise.value() / 100.0,
            classes=min(max(self.classes.value(), lo), hi),
            seed=self.seed.value(),
            test_ratio=self.test_ratio.value() / 100.0,
        )

    def set_spec(self, spec: DataSpec) -> None:
        """Show ``spec`` without emitting ``specChanged``."""
        self._quiet = True
        try:
            self.generator.setCurrentText(spec.generator)
            self.points.setValue(spec.points)
            self.noise.setValue(round(spec.noise * 100.0))
            self.classes.setValue(spec.classes)
            self.seed.setValue(spec.seed)
            self.test_ratio.setValue(round(spec.test_ratio * 100.0))
            self._update_enabled()
        finally:
            self._quiet = False

    def set_source(self, text: str) -> None:
        """Say where non-generated data came from (a file, a project)."""
        self.source.setText(text)
        self.source.setVisible(bool(text))


# ---- network -----------------------------------------------------------------------------


class _LayerRow(QWidget):
    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, width: int, activation: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.width = _spin(1, MAX_PANEL_WIDTH, width, "Units in this hidden layer")
        tips = {n: f"{a.formula},  {a.derivative}" for n, a in activations.ACTIVATIONS.items()}
        self.activation = _combo(activations.HIDDEN_ACTIVATIONS, "Activation g", tips)
        self.activation.setCurrentText(activation)
        self.remove = QToolButton()
        self.remove.setText("−")
        self.remove.setToolTip("Remove this hidden layer")
        row.addWidget(self.label)
        row.addWidget(self.width)
        row.addWidget(self.activation, 1)
        row.addWidget(self.remove)
        self.width.valueChanged.connect(self.changed)
        self.activation.currentTextChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.removeRequested.emit(self))


_FEATURE_TIPS = {
    "x1": "the point's first coordinate",
    "x2": "the point's second coordinate",
    "x1^2": "the first coordinate squared: with x₂² a unit can draw a circle",
    "x2^2": "the second coordinate squared: with x₁² a unit can draw a circle",
    "x1*x2": "the product of the coordinates: one unit separates XOR with it",
    "sin(x1)": "the sine of the first coordinate: stripes along x₁",
    "sin(x2)": "the sine of the second coordinate: stripes along x₂",
}


class _InputsRow(QWidget):
    """The input layer's units as toggles: x₁, x₂ and the derived features (core/features.py).

    At least one stays on: turning the last one off is undone at once.
    """

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        flow = FlowLayout(self, spacing=4, row_spacing=4)
        # An input that is on must look on in every theme and on a projector: the highlight
        # colour, not the style's faint "sunken" shade.
        self.setStyleSheet(
            "QToolButton { padding: 2px 5px; border: 1px solid palette(mid); border-radius: 3px; }"
            "QToolButton:checked { background: palette(highlight);"
            " color: palette(highlighted-text); border-color: palette(highlight); }"
            "QToolButton:hover { border-color: palette(highlight); }"
            "QToolButton:disabled { color: palette(mid); }"
        )
        self.buttons: dict[str, QToolButton] = {}
        for key in core_features.KEYS:
            b = QToolButton()
            b.setObjectName(f"input-{key}")
            b.setText(to_unicode(nt.feature_name(key)))
            b.setCheckable(True)
            b.setToolTip(
                f"Input unit {to_unicode(nt.feature_name(key))}: {_FEATURE_TIPS[key]}. "
                "Computed from the (standardised) point before the first layer, "
                "so it is part of a^(1)."
            )
            b.toggled.connect(self._toggled)
            flow.addWidget(b)
            self.buttons[key] = b
        self.set_keys(None)

    def keys(self) -> tuple[str, ...] | None:
        """The keys switched on, None for just x₁ and x₂."""
        on = [k for k, b in self.buttons.items() if b.isChecked()]
        return core_features.normalise(on) if on else None

    def set_keys(self, keys: tuple[str, ...] | None) -> None:
        keys = core_features.IDENTITY if keys is None else keys
        for k, b in self.buttons.items():
            b.blockSignals(True)
            b.setChecked(k in keys)
            b.blockSignals(False)

    def set_available(self, available: bool) -> None:
        """Derived features need 2-D points; other data keeps its own inputs."""
        for b in self.buttons.values():
            b.setEnabled(available)
        self.setToolTip("" if available else "Derived inputs need data with two inputs (x₁, x₂)")

    def _toggled(self, on: bool) -> None:
        if not on and not any(b.isChecked() for b in self.buttons.values()):
            b = self.sender()
            b.blockSignals(True)
            b.setChecked(True)  # a network needs at least one input unit
            b.blockSignals(False)
            return
        self.changed.emit()


class NetworkPanel(QWidget):
    """Input units, hidden layers (width and activation each), output activation, loss and
    initialisation."""

    specChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        self._rows: list[_LayerRow] = []
        self._rows_box = QVBoxLayout()
        outer.addWidget(QLabel("Inputs"))
        self.inputs = _InputsRow()
        outer.addWidget(self.inputs)
        outer.addWidget(QLabel("Hidden layers"))
        outer.addLayout(self._rows_box)
        self.add_layer = QPushButton("Add hidden layer")
        self.add_layer.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogNewFolder)
        )
        self.add_layer.setToolTip(f"Add a hidden layer (at most {MAX_HIDDEN_LAYERS})")
        outer.addWidget(self.add_layer)
        form = QFormLayout()
        act_tips = {n: f"{a.formula},  {a.derivative}" for n, a in activations.ACTIVATIONS.items()}
        self.output_activation = _combo(
            activations.OUTPUT_ACTIVATIONS, "Activation of the output layer", act_tips
        )
        self.loss = _combo(losses.LOSSES, "The error E_x on one point", losses.FORMULAS)
        self.single_output = QCheckBox("One output unit for two classes")
        self.single_output.setToolTip(
            "Two classes: one unit (0/1 target) instead of two one-hot units"
        )
        self.init = _combo(
            ("uniform", "xavier", "he"),
            "How initial weights are drawn: uniform ±0.5, Glorot/Xavier, or He",
        )
        self.dtype = _combo(
            ("float64", "float32"),
            "float64: exact numbers for teaching; float32: faster for big networks",
        )
        self.output_label = QLabel()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #B2182B")
        form.addRow("Output", self.output_activation)
        form.addRow("", self.output_label)
        form.addRow("Loss", self.loss)
        form.addRow(self.single_output)
        form.addRow("Initial weights", self.init)
        form.addRow("Precision", self.dtype)
        outer.addLayout(form)
        outer.addWidget(self.warning)
        outer.addStretch(1)
        self._quiet = False
        self.add_layer.clicked.connect(self._add_clicked)
        for box in (self.output_activation, self.loss, self.init, self.dtype):
            box.currentTextChanged.connect(self._changed)
        self.single_output.toggled.connect(self._changed)
        self.inputs.changed.connect(self._changed)
        self.set_spec(NetworkSpec())

    def _add_clicked(self) -> None:
        last = self._rows[-1] if self._rows else None
        width = last.width.value() if last else 4
        act = last.activation.currentText() if last else "sigmoid"
        self._add_row(width, act)
        self._changed()

    def _add_row(self, width: int, activation: str) -> None:
        row = _LayerRow(width, activation)
        row.changed.connect(self._changed)
        row.removeRequested.connect(self._remove_row)
        self._rows.append(row)
        self._rows_box.addWidget(row)
        self._relabel()

    def _remove_row(self, row: _LayerRow) -> None:
        self._rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self._relabel()
        self._changed()

    def _relabel(self) -> None:
        for i, row in enumerate(self._rows):
            row.label.setText(f"Layer {i + 2}")
        self.add_layer.setEnabled(len(self._rows) < MAX_HIDDEN_LAYERS)

    def _changed(self) -> None:
        if not self._quiet:
            self.specChanged.emit()

    def spec(self) -> NetworkSpec:
        return NetworkSpec(
            hidden=[(r.width.value(), r.activation.currentText()) for r in self._rows],
            output_activation=self.output_activation.currentText(),
            loss=self.loss.currentText(),
            single_output=self.single_output.isChecked(),
            init=self.init.currentText(),
            dtype=self.dtype.currentText(),
            features=self.inputs.keys(),
        )

    def set_spec(self, spec: NetworkSpec) -> None:
        """Show ``spec`` without emitting ``specChanged``."""
        self._quiet = True
        try:
            for row in self._rows:
                row.setParent(None)
                row.deleteLater()
            self._rows.clear()
            for width, act in spec.hidden:
                self._add_row(min(width, MAX_PANEL_WIDTH), act)
            self.output_activation.setCurrentText(spec.output_activation)
            self.loss.setCurrentText(spec.loss)
            self.single_output.setChecked(spec.single_output)
            self.init.setCurrentText(spec.init)
            self.dtype.setCurrentText(spec.dtype)
            self.inputs.set_keys(spec.features)
            self._relabel()
        finally:
            self._quiet = False

    def set_point_inputs(self, n: int) -> None:
        """The data's number of inputs: derived features are offered for 2-D points only."""
        self.inputs.set_available(n == core_features.N_COORDINATES)

    def set_outputs(self, n_outputs: int, warnings: list[str]) -> None:
        """Show the output width that follows from the data, and the network's warnings."""
        self.output_label.setText(f"{n_outputs} unit{'s' if n_outputs != 1 else ''}")
        self.warning.setText("\n".join(warnings))
        self.warning.setVisible(bool(warnings))


# ---- training ----------------------------------------------------------------------------


class TrainingPanel(QWidget):
    """Play/Pause, Step, Reset, New seed; optimiser and its settings; speed."""

    playToggled = Signal(bool)
    stepRequested = Signal(str)
    resetRequested = Signal()
    newSeedRequested = Signal()
    settingsChanged = Signal(dict)  # TrainSettings fields that changed
    speedChanged = Signal(object)  # epochs per second, or None for as fast as possible
    stepUnitChanged = Signal(str)  # what one Step trains: "epoch", "batch" or "point"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        icon = self.style().standardIcon
        sp = QStyle.StandardPixmap
        buttons = QGridLayout()
        self.play = QPushButton("Play")
        self.play.setCheckable(True)
        self.play.setIcon(icon(sp.SP_MediaPlay))
        self.play.setToolTip("Start or pause training (Space)")
        self.step = QPushButton("Step")
        self.step.setIcon(icon(sp.SP_MediaSeekForward))
        self.step.setToolTip("Train one point, one batch or one epoch (→)")
        self.step_unit = _combo(
            ("epoch", "batch", "point"), "What one Step trains: an epoch, a batch or a point"
        )
        self.reset = QPushButton("Reset")
        self.reset.setIcon(icon(sp.SP_MediaSkipBackward))
        self.reset.setToolTip("Back to the same initial weights, epoch 0 (R)")
        self.new_seed = QPushButton("New seed")
        self.new_seed.setIcon(icon(sp.SP_BrowserReload))
        self.new_seed.setToolTip("Draw new initial weights from the next seed")
        buttons.addWidget(self.play, 0, 0)
        buttons.addWidget(self.step, 0, 1)
        buttons.addWidget(self.step_unit, 0, 2)
        buttons.addWidget(self.reset, 1, 0)
        buttons.addWidget(self.new_seed, 1, 1, 1, 2)
        outer.addLayout(buttons)

        form = QFormLayout()
        self.optimizer = _combo(
            optimizers.OPTIMIZERS, "How the weights are updated", optimizers.DESCRIPTIONS
        )
        self.learning_rate = _dspin(
            1e-5, 100.0, 0.5, 5, f"Learning rate η in {nt.plain(nt.update_rule())}"
        )
        self.batch_size = _spin(1, 10000, 32, "Points per update (sgd, momentum, adam)")
        self.momentum = _dspin(
            *SETTING_RANGES["momentum"], 0.9, 2, f"Momentum μ in {nt.plain(nt.momentum_rule())}"
        )
        self.l2 = _dspin(
            *SETTING_RANGES["l2"], 0.0, 5, "L2 regularisation λ: adds (λ/2)Σw² to the cost"
        )
        self.use_target = QCheckBox("Stop at cost")
        self.use_target.setToolTip("Stop when the training cost falls to this value")
        self.target = _dspin(
            *SETTING_RANGES["target_cost"], 0.01, 4, "Target cost: training stops when reached"
        )
        self.max_epochs = _spin(0, 10_000_000, 0, "Stop after this many epochs (0: no limit)")
        self.max_epochs.setSpecialValueText("no limit")
        self.seed = _spin(0, 2**31 - 1, 0, "Seed of the initial weights and of the shuffling")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setToolTip("From slow motion (1 epoch/s) to as fast as possible")
        self.speed_label = QLabel()
        target_row = QHBoxLayout()
        target_row.addWidget(self.use_target)
        target_row.addWidget(self.target, 1)
        speed_row = QHBoxLayout()
        speed_row.addWidget(self.speed, 1)
        speed_row.addWidget(self.speed_label)
        form.addRow("Optimiser", self.optimizer)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Momentum", self.momentum)
        form.addRow("L2", self.l2)
        form.addRow(target_row)
        form.addRow("Max epochs", self.max_epochs)
        form.addRow("Seed", self.seed)
        form.addRow("Speed", speed_row)
        outer.addLayout(form)
        outer.addStretch(1)

        self._quiet = False
        self.play.toggled.connect(self._play_toggled)
        self.step.clicked.connect(lambda: self.stepRequested.emit(self.step_unit.currentText()))
        self.reset.clicked.connect(self.resetRequested)
        self.new_seed.clicked.connect(self._new_seed)
        self.seed.valueChanged.connect(self._seed_typed)
        self.optimizer.currentTextChanged.connect(self._settings_changed)
        for box in (self.learning_rate, self.momentum, self.l2, self.target):
            box.valueChanged.connect(self._settings_changed)
        for box in (self.batch_size, self.max_epochs):
            box.valueChanged.connect(self._settings_changed)
        self.use_target.toggled.connect(self._settings_changed)
        self.speed.valueChanged.connect(self._speed_changed)
        self.step_unit.currentTextChanged.connect(self.stepUnitChanged)
        self._show_speed()
        self._update_enabled()

    def _play_toggled(self, on: bool) -> None:
        self.set_running(on)
        self.playToggled.emit(on)

    def set_running(self, on: bool) -> None:
        """Show the running state without emitting ``playToggled``."""
        sp = QStyle.StandardPixmap
        self.play.blockSignals(True)
        self.play.setChecked(on)
        self.play.blockSignals(False)
        self.play.setText("Pause" if on else "Play")
        self.play.setIcon(self.style().standardIcon(sp.SP_MediaPause if on else sp.SP_MediaPlay))

    def _seed_typed(self) -> None:
        # A typed seed means "these initial weights": the same command as New seed.
        if not self._quiet:
            self.newSeedRequested.emit()

    def _new_seed(self) -> None:
        self.seed.blockSignals(True)
        self.seed.setValue(next_seed(self.seed.value()))
        self.seed.blockSignals(False)
        self.newSeedRequested.emit()

    def _update_enabled(self) -> None:
        opt = self.optimizer.currentText()
        self.batch_size.setEnabled(opt in ("sgd", "momentum", "adam"))
        self.momentum.setEnabled(opt == "momentum")
        self.target.setEnabled(self.use_target.isChecked())

    def _settings_changed(self) -> None:
        self._update_enabled()
        if not self._quiet:
            self.settingsChanged.emit(self.settings())

    def _speed_changed(self) -> None:
        self._show_speed()
        self.speedChanged.emit(self.speed_value())

    def _show_speed(self) -> None:
        speed = self.speed_value()
        self.speed_label.setText(speed_words(speed))
        self.speed.setToolTip(
            f"Speed: {speed_words(speed)}. From slow motion (1 epoch/s) to as fast as possible"
        )

    def speed_value(self) -> float | None:
        return SPEEDS[self.speed.value()]

    def set_speed(self, speed: float | None) -> None:
        """Show ``speed`` (epochs per second, None: as fast as possible) without emitting."""
        stop = min(range(len(SPEEDS)), key=lambda i: _speed_distance(SPEEDS[i], speed))
        self.speed.blockSignals(True)
        self.speed.setValue(stop)
        self.speed.blockSignals(False)
        self._show_speed()

    def set_step_unit(self, unit: str) -> None:
        """Show what one Step trains without emitting ``stepUnitChanged``."""
        self.step_unit.blockSignals(True)
        self.step_unit.setCurrentText(unit)
        self.step_unit.blockSignals(False)

    def settings(self) -> dict:
        """The panel's values as ``TrainSettings`` fields."""
        return {
            "optimizer": self.optimizer.currentText(),
            "learning_rate": self.learning_rate.value(),
            "batch_size": self.batch_size.value(),
            "momentum": self.momentum.value(),
            "l2": self.l2.value(),
            "target_cost": self.target.value() if self.use_target.isChecked() else None,
            "max_epochs": self.max_epochs.value() or None,
            "seed": self.seed.value(),
        }

    def set_settings(self, s: dict) -> None:
        """Show settings (e.g. from a project) without emitting ``settingsChanged``."""
        self._quiet = True
        try:
            self.optimizer.setCurrentText(s.get("optimizer", "gd"))
            self.learning_rate.setValue(float(s.get("learning_rate", 0.5)))
            self.batch_size.setValue(int(s.get("batch_size", 32)))
            self.momentum.setValue(float(s.get("momentum", 0.9)))
            self.l2.setValue(float(s.get("l2", 0.0)))
            target = s.get("target_cost")
            self.use_target.setChecked(target is not None)
            if target is not None and math.isfinite(target):
                self.target.setValue(float(target))
            self.max_epochs.setValue(int(s.get("max_epochs") or 0))
            self.seed.setValue(int(s.get("seed", 0)))
            self._update_enabled()
        finally:
            self._quiet = False
