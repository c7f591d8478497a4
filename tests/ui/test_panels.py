"""The data, network and training panels, driven as a user drives them: keys, clicks, slider."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLabel, QSpinBox, QToolButton

from mlpstudio.core import TrainSettings, activations, datasets, optimizers
from mlpstudio.ui.views.panels import (
    SPEEDS,
    DataPanel,
    DataSpec,
    NetworkPanel,
    NetworkSpec,
    TrainingPanel,
)

MAX_HIDDEN_LAYERS = 8  # the panel's documented limit ("at most 8" in the Add button's tooltip)


class Spy:
    """Records every emission of a (same-thread) signal."""

    def __init__(self, signal) -> None:
        self.calls: list[tuple] = []
        signal.connect(self._record)

    def _record(self, *args) -> None:
        self.calls.append(args)

    def __len__(self) -> int:
        return len(self.calls)

    @property
    def last(self) -> tuple:
        return self.calls[-1]


def type_value(qtbot, box: QAbstractSpinBox, text: str, enter: bool = True) -> None:
    """Click the box, select its number, type ``text`` and (by default) press Enter."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(box, text.replace(".", box.locale().decimalPoint()))
    if enter:
        qtbot.keyClick(box, Qt.Key.Key_Return)


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick ``text`` with the keyboard: Home, then Down until it is the current item."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(index):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# ---- data panel -------------------------------------------------------------------------


@pytest.fixture
def data_panel(qtbot):
    return shown(qtbot, DataPanel())


def test_data_panel_starts_at_the_default_spec(data_panel):
    assert data_panel.spec() == DataSpec()


@pytest.mark.parametrize(
    ("box", "text", "field", "expected"),
    [
        ("points", "30", "points", 30),
        ("noise", "35", "noise", 0.35),
        ("seed", "1234", "seed", 1234),
        ("test_ratio", "40", "test_ratio", 0.4),
    ],
)
def test_typing_a_data_value_emits_once_on_enter(qtbot, data_panel, box, text, field, expected):
    spy = Spy(data_panel.specChanged)
    before = data_panel.spec()
    type_value(qtbot, getattr(data_panel, box), text, enter=False)
    assert len(spy) == 0  # no regeneration per keystroke
    qtbot.keyClick(getattr(data_panel, box), Qt.Key.Key_Return)
    assert len(spy) == 1
    spec = data_panel.spec()
    assert getattr(spec, field) == pytest.approx(expected)
    for other in ("generator", "points", "noise", "classes", "seed", "test_ratio"):
        if other != field:
            assert getattr(spec, other) == getattr(before, other)


def test_choosing_a_generator_emits_and_enables_what_applies(qtbot, data_panel):
    spy = Spy(data_panel.specChanged)
    choose(qtbot, data_panel.generator, "spirals")
    assert len(spy) >= 1
    assert data_panel.spec().generator == "spirals"
    assert data_panel.classes.isEnabled()
    assert data_panel.points.isEnabled()

    type_value(qtbot, data_panel.classes, "5")
    assert data_panel.spec().classes == 5

    choose(qtbot, data_panel.generator, "xor")
    assert not data_panel.points.isEnabled()  # a truth table always has 4 points
    assert not data_panel.classes.isEnabled()
    # the spec never asks a generator for a class count it cannot make
    lo, hi = datasets.GENERATOR_CLASSES["xor"]
    assert lo <= data_panel.spec().classes <= hi


def test_every_generators_spec_can_be_generated(data_panel):
    for name in datasets.GENERATORS:
        data_panel.generator.setCurrentText(name)
        s = data_panel.spec()
        assert s.generator == name
        datasets.generate(s.generator, s.points, s.noise, s.seed, s.classes)


def test_regenerate_moves_to_the_next_seed(qtbot, data_panel):
    data_panel.set_spec(DataSpec(seed=41))
    spy = Spy(data_panel.specChanged)
    qtbot.mouseClick(data_panel.regenerate, Qt.MouseButton.LeftButton)
    assert len(spy) == 1
    assert data_panel.spec().seed == 42


def test_view_checkboxes_emit_their_state(qtbot, data_panel):
    test_spy = Spy(data_panel.showTestChanged)
    std_spy = Spy(data_panel.standardiseChanged)
    spec_spy = Spy(data_panel.specChanged)
    data_panel.show_test.click()
    data_panel.standardise.click()
    data_panel.standardise.click()
    assert test_spy.calls == [(False,)]
    assert std_spy.calls == [(True,), (False,)]
    assert len(spec_spy) == 0


@pytest.mark.parametrize(
    "spec",
    [
        DataSpec(),
        DataSpec(generator="spirals", points=350, noise=0.3, classes=4, seed=9, test_ratio=0.25),
        DataSpec(generator="blobs", points=4, noise=0.0, classes=8, seed=2**31 - 1, test_ratio=0),
        DataSpec(generator="moons", points=5000, noise=1.0, classes=2, seed=1, test_ratio=0.9),
        DataSpec(generator="and", points=4, noise=0.05, classes=2, seed=3, test_ratio=0.5),
    ],
)
def test_data_set_spec_round_trips_quietly(data_panel, spec):
    spy = Spy(data_panel.specChanged)
    data_panel.set_spec(spec)
    assert data_panel.spec() == spec
    assert len(spy) == 0


def test_set_source_shows_and_a_change_hides_it(qtbot, data_panel):
    data_panel.set_source("From points.csv")
    assert data_panel.source.isVisible()
    assert data_panel.source.text() == "From points.csv"
    type_value(qtbot, data_panel.seed, "7")
    assert not data_panel.source.isVisible()


# ---- network panel ----------------------------------------------------------------------


@pytest.fixture
def network_panel(qtbot):
    return shown(qtbot, NetworkPanel())


def _remove_buttons(panel: NetworkPanel) -> list[QToolButton]:
    return [b for b in panel.findChildren(QToolButton) if b.text() == "−"]


def _width_boxes(panel: NetworkPanel) -> list[QSpinBox]:
    return panel.findChildren(QSpinBox)  # only the hidden-layer rows have spin boxes


def _layer_combos(panel: NetworkPanel) -> list[QComboBox]:
    fixed = {panel.output_activation, panel.loss, panel.init, panel.dtype}
    return [c for c in panel.findChildren(QComboBox) if c not in fixed]


def test_network_panel_starts_at_the_default_spec(network_panel):
    spec = network_panel.spec()
    assert spec == NetworkSpec()
    assert spec.sizes(2, 2) == [2, 4, 1]
    assert spec.sizes(2, 3) == [2, 4, 3]
    assert spec.activations() == ["sigmoid", "sigmoid"]


def test_add_layer_copies_the_last_one(qtbot, network_panel):
    spy = Spy(network_panel.specChanged)
    width, combo = _width_boxes(network_panel)[0], _layer_combos(network_panel)[0]
    type_value(qtbot, width, "7")
    choose(qtbot, combo, "tanh")
    assert network_panel.spec().hidden == [(7, "tanh")]
    n = len(spy)
    assert n >= 2

    qtbot.mouseClick(network_panel.add_layer, Qt.MouseButton.LeftButton)
    assert len(spy) == n + 1
    spec = network_panel.spec()
    assert spec.hidden == [(7, "tanh"), (7, "tanh")]
    assert spec.sizes(2, 2) == [2, 7, 7, 1]
    assert spec.sizes(3, 4) == [3, 7, 7, 4]
    assert spec.activations() == ["tanh", "tanh", "sigmoid"]
    labels = {lbl.text() for lbl in network_panel.findChildren(QLabel)}
    assert {"Layer 2", "Layer 3"} <= labels


def test_editing_a_layer_changes_only_that_layer(qtbot, network_panel):
    network_panel.set_spec(NetworkSpec(hidden=[(3, "relu"), (5, "sigmoid"), (2, "linear")]))
    spy = Spy(network_panel.specChanged)
    type_value(qtbot, _width_boxes(network_panel)[1], "9")
    assert len(spy) == 1
    assert network_panel.spec().hidden == [(3, "relu"), (9, "sigmoid"), (2, "linear")]
    assert network_panel.spec().sizes(2, 2) == [2, 3, 9, 2, 1]


def test_remove_buttons_take_out_their_own_layer(qtbot, network_panel):
    network_panel.set_spec(NetworkSpec(hidden=[(3, "relu"), (5, "sigmoid"), (2, "tanh")]))
    spy = Spy(network_panel.specChanged)
    qtbot.mouseClick(_remove_buttons(network_panel)[1], Qt.MouseButton.LeftButton)
    assert len(spy) == 1
    assert network_panel.spec().hidden == [(3, "relu"), (2, "tanh")]
    assert network_panel.spec().sizes(2, 2) == [2, 3, 2, 1]
    labels = {lbl.text() for lbl in network_panel.findChildren(QLabel)}
    assert "Layer 4" not in labels

    for button in _remove_buttons(network_panel):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    spec = network_panel.spec()
    assert spec.hidden == []
    assert spec.sizes(2, 2) == [2, 1]  # one neuron: the lecture's perceptron
    assert spec.sizes(2, 3) == [2, 3]
    assert spec.activations() == ["sigmoid"]

    qtbot.mouseClick(network_panel.add_layer, Qt.MouseButton.LeftButton)
    assert network_panel.spec().hidden == [(4, "sigmoid")]  # the default row when none is left


def test_add_layer_stops_at_the_maximum(qtbot, network_panel):
    for _ in range(20):
        if network_panel.add_layer.isEnabled():
            qtbot.mouseClick(network_panel.add_layer, Qt.MouseButton.LeftButton)
    assert len(network_panel.spec().hidden) == MAX_HIDDEN_LAYERS
    assert not network_panel.add_layer.isEnabled()
    qtbot.mouseClick(_remove_buttons(network_panel)[0], Qt.MouseButton.LeftButton)
    assert network_panel.add_layer.isEnabled()


def test_single_output_checkbox_changes_the_output_width(qtbot, network_panel):
    spy = Spy(network_panel.specChanged)
    network_panel.single_output.click()
    assert len(spy) == 1
    spec = network_panel.spec()
    assert not spec.single_output
    assert spec.sizes(2, 2) == [2, 4, 2]
    assert spec.sizes(2, 5) == [2, 4, 5]


@pytest.mark.parametrize(
    ("combo", "text"),
    [
        ("output_activation", "softmax"),
        ("loss", "cross_entropy"),
        ("init", "he"),
        ("dtype", "float32"),
    ],
)
def test_network_combos_emit_and_show_in_the_spec(qtbot, network_panel, combo, text):
    spy = Spy(network_panel.specChanged)
    choose(qtbot, getattr(network_panel, combo), text)
    assert len(spy) >= 1
    assert getattr(network_panel.spec(), combo) == text


@pytest.mark.parametrize(
    "spec",
    [
        NetworkSpec(),
        NetworkSpec(hidden=[]),
        NetworkSpec(
            hidden=[(1, "relu"), (64, "tanh"), (8, "linear")],
            output_activation="softmax",
            loss="cross_entropy",
            single_output=False,
            init="he",
            dtype="float32",
        ),
        NetworkSpec(hidden=[(2, "step")], output_activation="step", init="uniform"),
        NetworkSpec(hidden=[(5, a) for a in activations.HIDDEN_ACTIVATIONS]),
    ],
)
def test_network_set_spec_round_trips_quietly(network_panel, spec):
    network_panel.set_spec(NetworkSpec(hidden=[(3, "tanh"), (3, "tanh")]))
    spy = Spy(network_panel.specChanged)
    network_panel.set_spec(spec)
    assert network_panel.spec() == spec
    assert len(spy) == 0
    assert len(_remove_buttons(network_panel)) == len(spec.hidden)


def test_set_outputs_shows_width_and_warnings(network_panel):
    network_panel.set_outputs(3, ["a step unit cannot be trained by back-propagation"])
    assert network_panel.output_label.text() == "3 units"
    assert network_panel.warning.isVisible()
    assert "step" in network_panel.warning.text()
    network_panel.set_outputs(1, [])
    assert network_panel.output_label.text() == "1 unit"
    assert not network_panel.warning.isVisible()


# ---- training panel ---------------------------------------------------------------------


@pytest.fixture
def training_panel(qtbot):
    return shown(qtbot, TrainingPanel())


def test_training_panel_defaults_are_the_trainers_defaults(training_panel):
    settings = training_panel.settings()
    assert set(settings) <= {f for f in TrainSettings().to_dict()}
    assert TrainSettings(**settings).validate() == TrainSettings()
    assert training_panel.speed_value() is None


@pytest.mark.parametrize(
    ("optimizer", "batch", "momentum"),
    [
        ("gd", False, False),
        ("sgd", True, False),
        ("momentum", True, True),
        ("adam", True, False),
        ("perceptron", False, False),
    ],
)
def test_optimizer_enables_only_its_own_fields(qtbot, training_panel, optimizer, batch, momentum):
    assert set(optimizers.OPTIMIZERS) == {"gd", "sgd", "momentum", "adam", "perceptron"}
    spy = Spy(training_panel.settingsChanged)
    choose(qtbot, training_panel.optimizer, optimizer)
    assert training_panel.batch_size.isEnabled() is batch
    assert training_panel.momentum.isEnabled() is momentum
    assert training_panel.learning_rate.isEnabled()
    assert training_panel.settings()["optimizer"] == optimizer
    if optimizer != "gd":  # gd is already chosen: nothing changes
        assert spy.last[0]["optimizer"] == optimizer


def test_set_settings_updates_the_enabled_fields_too(training_panel):
    training_panel.set_settings({"optimizer": "momentum"})
    assert training_panel.momentum.isEnabled()
    assert training_panel.batch_size.isEnabled()
    training_panel.set_settings({"optimizer": "gd"})
    assert not training_panel.momentum.isEnabled()
    assert not training_panel.batch_size.isEnabled()


@pytest.mark.parametrize(
    ("box", "text", "field", "expected"),
    [
        ("learning_rate", "0.05", "learning_rate", 0.05),
        ("l2", "0.001", "l2", 0.001),
        ("max_epochs", "250", "max_epochs", 250),
    ],
)
def test_typing_a_setting_emits_it_on_enter(qtbot, training_panel, box, text, field, expected):
    spy = Spy(training_panel.settingsChanged)
    before = training_panel.settings()
    type_value(qtbot, getattr(training_panel, box), text, enter=False)
    assert len(spy) == 0
    qtbot.keyClick(getattr(training_panel, box), Qt.Key.Key_Return)
    assert len(spy) == 1
    emitted = spy.last[0]
    assert emitted[field] == pytest.approx(expected)
    assert emitted == training_panel.settings()
    assert {k: v for k, v in emitted.items() if k != field} == {
        k: v for k, v in before.items() if k != field
    }
    TrainSettings(**emitted).validate()


def test_batch_and_momentum_are_typed_once_enabled(qtbot, training_panel):
    choose(qtbot, training_panel.optimizer, "momentum")
    spy = Spy(training_panel.settingsChanged)
    type_value(qtbot, training_panel.batch_size, "8")
    type_value(qtbot, training_panel.momentum, "0.5")
    assert len(spy) == 2
    assert spy.last[0]["batch_size"] == 8
    assert spy.last[0]["momentum"] == pytest.approx(0.5)


def test_max_epochs_zero_means_no_limit(qtbot, training_panel):
    type_value(qtbot, training_panel.max_epochs, "10")
    assert training_panel.settings()["max_epochs"] == 10
    type_value(qtbot, training_panel.max_epochs, "0")
    assert training_panel.settings()["max_epochs"] is None
    assert training_panel.max_epochs.text() == "no limit"


def test_stop_at_cost_checkbox_enables_and_emits_the_target(qtbot, training_panel):
    assert not training_panel.target.isEnabled()
    assert training_panel.settings()["target_cost"] is None
    spy = Spy(training_panel.settingsChanged)
    training_panel.use_target.click()
    assert training_panel.target.isEnabled()
    assert spy.last[0]["target_cost"] == pytest.approx(0.01)
    type_value(qtbot, training_panel.target, "0.002")
    assert spy.last[0]["target_cost"] == pytest.approx(0.002)
    training_panel.use_target.click()
    assert not training_panel.target.isEnabled()
    assert spy.last[0]["target_cost"] is None


@pytest.mark.parametrize(
    "settings",
    [
        TrainSettings().to_dict(),
        TrainSettings(
            optimizer="momentum",
            learning_rate=0.01,
            batch_size=16,
            momentum=0.5,
            l2=0.001,
            target_cost=0.05,
            max_epochs=1000,
            seed=12,
        ).to_dict(),
        TrainSettings(
            optimizer="adam", learning_rate=0.001, batch_size=1, seed=2**31 - 1
        ).to_dict(),
        TrainSettings(optimizer="sgd", learning_rate=2.5, batch_size=10000, momentum=0.0).to_dict(),
        TrainSettings(optimizer="perceptron", learning_rate=1.0, target_cost=0.0).to_dict(),
    ],
    ids=["defaults", "momentum", "adam", "sgd", "perceptron"],
)
def test_set_settings_round_trips_quietly(training_panel, settings):
    training_panel.set_settings({"optimizer": "sgd", "target_cost": 0.3, "max_epochs": 7})
    spy = Spy(training_panel.settingsChanged)
    training_panel.set_settings(settings)
    values = training_panel.settings()
    assert set(values) == set(settings)
    for name, value in settings.items():
        if isinstance(value, float):
            assert values[name] == pytest.approx(value), name
        else:
            assert values[name] == value, name
    assert len(spy) == 0


def test_play_button_toggles_and_set_running_is_quiet(qtbot, training_panel):
    spy = Spy(training_panel.playToggled)
    qtbot.mouseClick(training_panel.play, Qt.MouseButton.LeftButton)
    assert spy.calls == [(True,)]
    assert training_panel.play.isChecked()
    assert training_panel.play.text() == "Pause"
    qtbot.mouseClick(training_panel.play, Qt.MouseButton.LeftButton)
    assert spy.calls == [(True,), (False,)]
    assert training_panel.play.text() == "Play"

    training_panel.set_running(True)
    assert training_panel.play.isChecked()
    assert training_panel.play.text() == "Pause"
    training_panel.set_running(False)
    assert training_panel.play.text() == "Play"
    assert len(spy) == 2


@pytest.mark.parametrize("unit", ["epoch", "batch", "point"])
def test_step_button_asks_for_the_chosen_unit(qtbot, training_panel, unit):
    spy = Spy(training_panel.stepRequested)
    choose(qtbot, training_panel.step_unit, unit)
    qtbot.mouseClick(training_panel.step, Qt.MouseButton.LeftButton)
    assert spy.calls == [(unit,)]


def test_reset_button_asks_for_a_reset(qtbot, training_panel):
    spy = Spy(training_panel.resetRequested)
    qtbot.mouseClick(training_panel.reset, Qt.MouseButton.LeftButton)
    assert len(spy) == 1


def test_new_seed_button_moves_to_the_next_seed(qtbot, training_panel):
    training_panel.set_settings({"seed": 41})
    spy = Spy(training_panel.newSeedRequested)
    qtbot.mouseClick(training_panel.new_seed, Qt.MouseButton.LeftButton)
    assert len(spy) == 1
    assert training_panel.settings()["seed"] == 42
    assert training_panel.seed.value() == 42
    qtbot.mouseClick(training_panel.new_seed, Qt.MouseButton.LeftButton)
    assert len(spy) == 2
    assert training_panel.settings()["seed"] == 43


def test_a_typed_seed_is_in_the_settings(qtbot, training_panel):
    type_value(qtbot, training_panel.seed, "321")
    assert training_panel.settings()["seed"] == 321


def test_speed_slider_maps_every_stop_to_speeds(training_panel):
    spy = Spy(training_panel.speedChanged)
    last = len(SPEEDS) - 1
    assert training_panel.speed.minimum() == 0
    assert training_panel.speed.maximum() == last
    assert SPEEDS[-1] is None
    stops = SPEEDS[:-1]
    assert all(a < b for a, b in itertools.pairwise(stops))  # slow to fast
    for i in range(len(SPEEDS)):  # the slider starts at the maximum, so each stop is a change
        training_panel.speed.setValue(i)
    assert [c[0] for c in spy.calls] == list(SPEEDS)
    for i, speed in enumerate(SPEEDS):
        training_panel.speed.setValue(i)
        assert training_panel.speed_value() == speed
        if speed is None:
            expected = "full speed"
        else:
            expected = f"about {speed:g} epoch{'' if speed == 1 else 's'}/s"
        assert training_panel.speed_label.text() == expected


def test_speed_slider_by_keyboard(qtbot, training_panel):
    spy = Spy(training_panel.speedChanged)
    slider = training_panel.speed
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    assert spy.last == (SPEEDS[0],)
    assert training_panel.speed_value() == 1
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert spy.last == (SPEEDS[1],)
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert spy.last == (None,)
    assert training_panel.speed_value() is None
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    assert spy.last == (SPEEDS[-2],)
    assert len(spy) == 4


@pytest.mark.parametrize(
    ("speed", "stop"),
    [(1, 0), (5, 2), (1000, len(SPEEDS) - 2), (None, len(SPEEDS) - 1), (4, 2), (250, 6)],
)
def test_set_speed_shows_the_nearest_stop_quietly(training_panel, speed, stop):
    training_panel.speed.setValue(3)
    spy = Spy(training_panel.speedChanged)
    training_panel.set_speed(speed)
    assert training_panel.speed.value() == stop
    assert training_panel.speed_value() == SPEEDS[stop]
    shown_speed = SPEEDS[stop]
    assert training_panel.speed_label.text() == (
        "full speed" if shown_speed is None else f"about {shown_speed:g} epoch"
    ) + ("" if shown_speed is None else ("/s" if shown_speed == 1 else "s/s"))
    assert len(spy) == 0


def test_step_unit_choice_emits_and_set_step_unit_is_quiet(qtbot, training_panel):
    spy = Spy(training_panel.stepUnitChanged)
    choose(qtbot, training_panel.step_unit, "batch")
    assert spy.calls == [("batch",)]
    training_panel.set_step_unit("point")
    assert training_panel.step_unit.currentText() == "point"
    assert len(spy) == 1
    steps = Spy(training_panel.stepRequested)
    qtbot.mouseClick(training_panel.step, Qt.MouseButton.LeftButton)
    assert steps.calls == [("point",)]
