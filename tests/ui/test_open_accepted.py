"""Whatever the project loader accepts, the app opens, or refuses with everything kept.

A property test saves varied valid projects (generators and their classes, random points with
unicode names, standardisation, every setting, float32 and float64, models without data, and a
few with other than 2 inputs, and regression projects) and opens each in the real window
through ``window.files.open_path``. Either it returns True and the session holds exactly the
file's network parameters, or it returns False and the session is as it was (projects whose
data has other than 2 features, and regression projects, which the app does not show yet, are
refused before anything changes). Few examples, derandomised: each one rebuilds the window's
views.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpstudio import cli
from mlpstudio.core import activations, datasets, losses, optimizers, project, regression, scaling
from mlpstudio.core.network import INITS, Network
from mlpstudio.core.project import Project, schema
from mlpstudio.core.training import SETTING_RANGES, History, TrainSettings

TWO_D = sorted(datasets.GENERATORS)
NAMES = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=6)


@st.composite
def data_of(draw, n_inputs: int) -> datasets.Dataset:
    if n_inputs == 2 and draw(st.booleans()):
        name = draw(st.sampled_from(TWO_D))
        lo, hi = datasets.GENERATOR_CLASSES[name]
        ds = datasets.generate(
            name,
            points=draw(st.integers(4, 60)),
            noise=draw(st.sampled_from([0.0, 0.2, 1.0])),
            seed=draw(st.integers(0, 99)),
            classes=draw(st.integers(lo, hi)),
        )
    else:
        k = draw(st.integers(2, 4))
        n = draw(st.integers(1, 12))
        value = st.floats(-1e6, 1e6, allow_nan=False)
        X = draw(
            st.lists(st.lists(value, min_size=n_inputs, max_size=n_inputs), min_size=n, max_size=n)
        )
        ds = datasets.Dataset(
            X=np.array(X).reshape(n, n_inputs),
            y=np.array(draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))),
            class_names=draw(st.lists(NAMES, min_size=k, max_size=k, unique=True)),
            feature_names=draw(st.lists(NAMES, min_size=n_inputs, max_size=n_inputs, unique=True)),
        )
    if ds.n_points > 1 and draw(st.booleans()):
        ds = datasets.split(ds, draw(st.sampled_from([0.2, 0.5])), draw(st.integers(0, 9)))
    return ds


@st.composite
def regression_projects(draw) -> Project:
    """A valid regression project: generated function data, a linear (or tanh) output."""
    name = draw(st.sampled_from(regression.GENERATORS))
    data = regression.generate(name, draw(st.integers(4, 40)), draw(st.sampled_from([0.0, 0.1])))
    if draw(st.booleans()):
        data = datasets.split(data, 0.25, draw(st.integers(0, 9)))
    hidden = draw(st.lists(st.integers(1, 6), min_size=1, max_size=2))
    net = Network(
        [data.n_features, *hidden, 1],
        [*(draw(st.sampled_from(["tanh", "sigmoid", "relu"])) for _ in hidden), "linear"],
        seed=draw(st.integers(0, 99)),
    )
    return Project(
        network=net,
        dataset=data,
        settings=TrainSettings(optimizer=draw(st.sampled_from(["gd", "sgd", "momentum", "adam"]))),
        standardisation=scaling.fit_standardisation(data).to_dict(),
        task="regression",
        target_standardisation=scaling.fit_target_standardisation(data).to_dict(),
    )


@st.composite
def accepted_projects(draw) -> Project:
    """A valid project, saved and loaded once: exactly what the loader accepts."""
    if draw(st.integers(0, 5)) == 0:
        return draw(regression_projects())
    n_inputs = draw(st.sampled_from([2, 2, 2, 2, 2, 2, 1, 3]))
    ds = draw(st.none() | data_of(n_inputs)) if n_inputs == 2 else draw(data_of(n_inputs))
    k = ds.n_classes if ds is not None else draw(st.integers(2, 4))
    n_out = 1 if k == 2 and draw(st.booleans()) else k
    hidden = draw(st.lists(st.integers(1, 6), max_size=2))
    out = draw(
        st.sampled_from([a for a in activations.OUTPUT_ACTIVATIONS if a != "softmax" or n_out > 1])
    )
    loss = draw(st.sampled_from(losses.LOSSES))
    try:
        losses.check_pairing(loss, out, n_out)
    except ValueError:
        loss = "squared_error"
    net = Network(
        [n_inputs, *hidden, n_out],
        [*(draw(st.sampled_from(activations.HIDDEN_ACTIVATIONS)) for _ in hidden), out],
        loss,
        seed=draw(st.integers(0, schema.SEED_MAX)),
        init=draw(st.sampled_from(INITS)),
        dtype=draw(st.sampled_from(schema.DTYPES)),
    )
    standardisation = None
    if ds is not None and draw(st.booleans()):
        with contextlib.suppress(datasets.DataError):  # a constant feature, say
            standardisation = scaling.fit_standardisation(ds).to_dict()

    def in_range(name: str) -> float:
        return draw(st.floats(*SETTING_RANGES[name]))

    settings_ = TrainSettings(
        optimizer=draw(st.sampled_from(optimizers.OPTIMIZERS)),
        learning_rate=in_range("learning_rate"),
        batch_size=draw(st.integers(1, 2**31 - 1)),
        momentum=in_range("momentum"),
        l2=in_range("l2"),
        target_cost=draw(st.none() | st.floats(*SETTING_RANGES["target_cost"])),
        max_epochs=draw(st.none() | st.integers(0, 2**31 - 1)),
        seed=draw(st.integers(0, schema.SEED_MAX)),
    )
    rows = draw(st.integers(0, 4))
    history = History(
        epoch=sorted(draw(st.lists(st.integers(0, 10**6), min_size=rows, max_size=rows))),
        **{
            name: draw(st.lists(st.just(np.nan) | st.floats(0, 10), min_size=rows, max_size=rows))
            for name in schema.HISTORY_KEYS[1:]
        },
    )
    p = Project(
        network=net,
        dataset=ds,
        settings=settings_,
        history=history,
        epoch=draw(st.integers(0, 10**9)),
        standardisation=standardisation,
        name=draw(st.text(max_size=10)),
        notes=draw(st.text(max_size=10)),
    )
    return p


# Keys a file may leave out (docs/file-format.md): a hand-written file often does.
OPTIONAL = (
    ("written_by",), ("name",), ("notes",), ("training",), ("history",), ("dataset",),
    ("network", "init"), ("network", "seed"), ("network", "dtype"),
    ("network", "initial_weights"), ("network", "initial_biases"),
    ("dataset", "feature_names"), ("dataset", "class_names"), ("dataset", "split"),
    ("dataset", "generator"), ("training", "optimizer"), ("training", "learning_rate"),
    ("training", "epoch"), ("history", "test_cost"), ("history", "train_accuracy"),
)  # fmt: skip


@st.composite
def accepted_texts(draw) -> str:
    """The text of a valid project, maybe with optional keys left out; the loader accepts it."""
    doc = json.loads(project.to_json(draw(accepted_projects())))
    for keys in OPTIONAL:
        *parents, last = keys
        block = doc
        for key in parents:
            block = block.get(key) if isinstance(block, dict) else None
        if (
            isinstance(block, dict)
            and last in block
            and draw(st.sampled_from([False] * 5 + [True]))
        ):
            del block[last]
    text = json.dumps(doc, ensure_ascii=False)
    project.from_json(text)  # accepted: the property is about what the loader lets through
    return text


def session_state(window) -> tuple:
    s = window.session
    return (s.raw, s.path, s.net.params.copy(), s.net.sizes, s.epoch, s.settings)


def assert_unchanged(window, before: tuple) -> None:
    raw, path, params, sizes, epoch, settings_ = before
    s = window.session
    assert s.raw is raw and s.path == path and s.epoch == epoch and s.settings == settings_
    assert s.net.sizes == sizes and np.array_equal(s.net.params, params)


@settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=25,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=accepted_texts())
def test_whatever_the_loader_accepts_opens_or_is_refused_keeping_everything(window, text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "accepted.json"
        path.write_text(text, encoding="utf-8")
        p = project.load(path)
        before = session_state(window)
        opened = window.files.open_path(path)
        assert window.settle()
        if p.network.n_inputs != 2 or p.task == "regression":
            assert not opened
        if opened:
            net = window.session.net
            assert window.session.path == path
            assert net.sizes == p.network.sizes and net.dtype == p.network.dtype
            assert np.array_equal(net.params, p.network.params)
        else:
            assert_unchanged(window, before)


def test_a_project_with_four_inputs_is_refused_with_everything_kept(window, tmp_path):
    data = tmp_path / "four.csv"
    rows = "".join(f"{i},{-i},{i % 3},{i * i},{'ab'[i % 2]}\n" for i in range(20))
    data.write_text("a,b,c,d,label\n" + rows, encoding="utf-8")
    path = tmp_path / "four.json"
    argv = ["train", "--data", str(data), "--epochs", "2", "--out", str(path), "-q"]
    assert cli.main(argv, io.StringIO(), io.StringIO()) == 0
    assert project.load(path).network.n_inputs == 4
    window.session.mark_modified(True)  # work that must survive the refusal
    before = session_state(window)
    assert not window.files.open_path(path)
    assert window.settle()
    assert_unchanged(window, before)
    assert window.session.modified
    assert window.session.message == "Could not open four.json."


def test_a_regression_project_is_refused_before_anything_changes(window, tmp_path, monkeypatch):
    path = tmp_path / "sine.json"
    argv = ["train", "--dataset", "sine", "--points", "40", "--epochs", "2", "--out", str(path)]
    assert cli.main([*argv, "-q"], io.StringIO(), io.StringIO()) == 0
    assert project.load(path).task == "regression"
    reports: list[tuple[str, str]] = []
    monkeypatch.setattr(window.files, "report", lambda title, text: reports.append((title, text)))
    window.session.mark_modified(True)
    before = session_state(window)
    assert not window.files.open_path(path)
    assert window.settle()
    assert_unchanged(window, before)
    assert window.session.modified
    assert window.session.message == "Could not open sine.json."
    [(title, text)] = reports
    assert title == "Cannot open file"
    assert (
        "sine.json is a regression project: the app shows classification only for now; "
        "use mlpstudio train/predict/info"
    ) in " ".join(text.split())
