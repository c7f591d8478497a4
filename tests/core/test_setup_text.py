"""A set-up line: written and read back exactly; anything else is refused by name."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpstudio.core import setup_text
from mlpstudio.core.specs import DataSpec, NetworkSpec
from mlpstudio.core.training import TrainSettings

GOOD = setup_text.Setup(
    DataSpec("spirals", 300, 0.2, 3, 7, 0.25),
    NetworkSpec([(8, "tanh"), (5, "relu")], "sigmoid", "squared_error", False, "he", "float32"),
    TrainSettings("adam", 0.01, 16, 0.9, 0.001, 0.05, 500, 11),
    standardise=True,
)


def test_a_set_up_round_trips_exactly():
    text = setup_text.to_text(GOOD)
    assert "\n" not in text and text.startswith("mlpstudio 1 ")
    assert setup_text.from_text(text) == GOOD
    assert setup_text.from_text("  " + text + "\n") == GOOD


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("lr=0.01", "lr=1000"), "learning_rate must be between"),
        (("points=300", "points=100000"), "points: expected 4 to 5,000"),
        (("data=spirals", "data=nothing"), "unknown generator"),
        (("hidden=8:tanh,5:relu", "hidden=8:tanh,x:relu"), "hidden: expected a whole number"),
        (("hidden=8:tanh,5:relu", "hidden=8"), "hidden: expected WIDTH:ACTIVATION"),
        (("hidden=8:tanh,5:relu", "hidden=999:tanh"), "at most 8 layers of 1 to 64 units"),
        (("single=no", "single=maybe"), "single: expected yes or no"),
        (("seed=11", "seed=11 seed=12"), "seed is given twice"),
        (("seed=11", "seed=11 colour=red"), "unknown word 'colour=red'"),
        (("seed=11", ""), "missing: seed"),
        (("mlpstudio 1", "mlpstudio 9"), "version '9' is not known"),
        (("noise=0.2", "noise=nan"), "noise: expected a number"),
    ],
)
def test_a_wrong_word_is_named(change, message):
    text = setup_text.to_text(GOOD).replace(*change)
    with pytest.raises(setup_text.SetupError, match=message):
        setup_text.from_text(text)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_a_set_up_or_refused_in_one_line(text):
    try:
        setup_text.from_text(text)
    except setup_text.SetupError as e:
        assert str(e) and "\n" not in str(e)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.data())
def test_a_set_up_with_one_word_replaced_is_read_or_refused(data):
    words = setup_text.to_text(GOOD).split()
    i = data.draw(st.integers(2, len(words) - 1))
    key = words[i].partition("=")[0]
    value = data.draw(st.text(alphabet="0123456789.-e:,abnoyx", max_size=8))
    words[i] = f"{key}={value}"
    try:
        setup_text.from_text(" ".join(words))
    except setup_text.SetupError as e:
        assert str(e) and "\n" not in str(e)
