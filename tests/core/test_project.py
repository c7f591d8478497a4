"""The project file: exact round trips, atomic saves, versions, hostile files refused clearly."""

from __future__ import annotations

import copy
import json
import math
import os
import re
import stat
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from mlpstudio import resources_path
from mlpstudio.core import datasets, project, scaling
from mlpstudio.core.network import Network
from mlpstudio.core.project import Project, ProjectError
from mlpstudio.core.training import History, TrainSettings

ROOT = Path(__file__).resolve().parents[2]


def small_project(**kwargs) -> Project:
    """A 2-4-1 network on the lecture's XOR points, trained a few epochs."""
    ds = datasets.generate("xor", points=4)
    net = Network([2, 4, 1], ["sigmoid", "sigmoid"], "squared_error", seed=3)
    p = Project(net, ds, TrainSettings(learning_rate=2.0, seed=3), **kwargs)
    trainer = p.trainer()
    trainer.run(epochs=5)
    p.record(trainer)
    return p


def base_doc() -> dict:
    return json.loads(project.to_json(small_project()))


def text_of(doc: dict) -> str:
    return json.dumps(doc)


# ---- round trips -------------------------------------------------------------------------


def tricky_project() -> Project:
    ds = datasets.split(
        datasets.generate("spirals", points=60, noise=0.3, seed=2, classes=3), 0.25, 1
    )
    net = Network([2, 5, 3], ["tanh", "softmax"], "cross_entropy", seed=7, init="he")
    # Values whose decimal text is easy to get wrong: subnormals, the largest double, -0.0,
    # thirds and numbers that need all 17 significant digits.
    specials = [
        5e-324,
        1.7976931348623157e308 / 1e300,
        -0.0,
        1 / 3,
        0.1 + 0.2,
        -2.2250738585072014e-308,
    ]
    net.params[: len(specials)] = specials
    rng = np.random.default_rng(0)
    net.params[len(specials) :] = rng.normal(
        size=net.n_params - len(specials)
    ) * 10.0 ** rng.integers(-12, 12, size=net.n_params - len(specials))
    ds.X[0] = [1e-300, -123456789.123456789]
    p = Project(
        net,
        ds,
        TrainSettings(optimizer="adam", learning_rate=0.003, batch_size=7, l2=1e-4, seed=9),
        standardisation={"mean": [0.1, -0.2], "std": [1.5, 0.25]},
        name="Tricky · ünïcode ✓",
        notes="line one\nline two",
    )
    trainer = p.trainer()
    trainer.run(epochs=3)
    p.record(trainer)
    p.network.params[: len(specials)] = specials  # training moved them
    return p


def test_save_load_save_gives_the_same_bytes(tmp_path):
    p = tricky_project()
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    project.save(p, first)
    q = project.load(first)
    project.save(q, second)
    assert first.read_bytes() == second.read_bytes()
    assert q.network.params.tobytes() == p.network.params.tobytes()  # bit for bit, -0.0 too
    assert q.network.initial_params.tobytes() == p.network.initial_params.tobytes()
    assert np.array_equal(q.dataset.X, p.dataset.X)
    assert np.array_equal(q.dataset.y, p.dataset.y)
    assert np.array_equal(q.dataset.train_mask, p.dataset.train_mask)
    assert q.dataset.generator == p.dataset.generator
    assert q.dataset.class_names == p.dataset.class_names
    assert q.settings == p.settings
    assert q.epoch == p.epoch == 3
    assert q.history.epoch == p.history.epoch
    assert q.history.train_cost == p.history.train_cost
    assert q.standardisation == p.standardisation
    assert (q.name, q.notes) == (p.name, p.notes)
    assert q.init == "he" and q.network.seed == 7


def test_to_json_is_deterministic_and_documented_layout():
    p = tricky_project()
    text = project.to_json(p)
    assert text == project.to_json(p)
    assert text.endswith("}\n")
    doc = json.loads(text)
    assert doc["format"] == "mlpstudio-project" and doc["version"] == 1
    # the exact network block of the issue, with the lecture's orientation W[j][k] = w_jk
    net = doc["network"]
    assert net["sizes"] == [2, 5, 3]
    assert len(net["weights"][0]) == 5 and len(net["weights"][0][0]) == 2
    assert net["weights"][1] == p.network.weights[1].tolist()
    assert net["biases"][1] == p.network.biases[1].tolist()
    # NaN (no test metric) is written as null, never as the non-JSON NaN
    assert "NaN" not in text and "Infinity" not in text


def test_float32_network_round_trips(tmp_path):
    net = Network([2, 3, 1], "sigmoid", seed=1, dtype="float32")
    p = Project(net)
    project.save(p, tmp_path / "f.json")
    q = project.load(tmp_path / "f.json")
    assert q.network.dtype == np.float32
    assert q.network.params.tobytes() == net.params.tobytes()


def test_a_file_with_only_format_version_and_network_opens_as_a_model():
    doc = base_doc()
    minimal = {
        "format": doc["format"],
        "version": 1,
        "network": {
            k: doc["network"][k] for k in ("sizes", "activations", "loss", "weights", "biases")
        },
    }
    p = project.from_json(json.dumps(minimal))
    assert p.dataset is None
    assert p.epoch == 0 and len(p.history) == 0
    assert p.settings == TrainSettings()
    assert p.network.sizes == [2, 4, 1]
    assert p.network.weights[1].tolist() == doc["network"]["weights"][1]
    # without initial weights in the file, reset returns to the weights it holds
    assert np.array_equal(p.network.initial_params, p.network.params)
    assert p.class_names == ["0", "1"] and p.feature_names == ["x1", "x2"]


def test_initial_weights_survive_a_reload_so_reset_works(tmp_path):
    p = small_project()
    initial = p.network.initial_params.copy()
    assert not np.array_equal(initial, p.network.params)  # it did train
    project.save(p, tmp_path / "p.json")
    q = project.load(tmp_path / "p.json")
    q.network.reset()
    assert np.array_equal(q.network.params, initial)


def test_a_loaded_project_continues_training_from_its_epoch(tmp_path):
    p = small_project()
    project.save(p, tmp_path / "p.json")
    q = project.load(tmp_path / "p.json")
    trainer = q.trainer()
    assert trainer.epoch == 5 and trainer.history.epoch == list(range(6))
    trainer.run(epochs=2)
    q.record(trainer)
    assert q.epoch == 7 and q.history.epoch[-1] == 7
    # the same run without the save in between gives the same weights (gd has no state)
    t2 = p.trainer()
    t2.run(epochs=2)
    assert np.array_equal(t2.net.params, q.network.params)


def test_history_is_thinned_evenly_past_ten_thousand_rows():
    p = small_project()
    n = 25_001
    p.history = History(
        list(range(n)), [1.0 / (i + 1) for i in range(n)], [0.5] * n, [math.nan] * n, [math.nan] * n
    )
    p.epoch = n - 1
    doc = json.loads(project.to_json(p))
    h = doc["history"]
    assert len(h["epoch"]) <= project.MAX_HISTORY_ROWS
    assert h["epoch"][0] == 0 and h["epoch"][-1] == n - 1
    steps = np.diff(h["epoch"])
    assert steps.min() >= 2 and steps.max() <= 3  # evenly spread
    assert h["test_cost"][0] is None
    assert p.history.epoch[-1] == n - 1 and len(p.history) == n  # the project keeps all rows


def test_split_may_be_booleans():
    doc = base_doc()
    doc["dataset"]["split"] = [True, False, True, True]
    p = project.from_json(text_of(doc))
    assert p.dataset.train_mask.tolist() == [True, False, True, True]
    assert json.loads(project.to_json(p))["dataset"]["split"] == ["train", "test", "train", "train"]


def test_numpy_numbers_in_the_generator_settings_are_saved_as_plain_json():
    p = small_project()
    p.dataset.generator = {"name": "xor", "seed": np.int64(3), "noise": np.float64(0.25)}
    p2 = project.from_json(project.to_json(p))
    assert p2.dataset.generator == {"name": "xor", "seed": 3, "noise": 0.25}


def test_network_input_applies_the_stored_standardisation():
    p = small_project(standardisation={"mean": [1.0, 2.0], "std": [2.0, 4.0]})
    assert p.network_input(np.array([3.0, 6.0])).tolist() == [[1.0, 1.0]]
    p.standardisation = None
    assert p.network_input([[3.0, 6.0]]).tolist() == [[3.0, 6.0]]


# ---- atomic saving -----------------------------------------------------------------------


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_failed_replace_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    project.save(small_project(), path)
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        project.save(tricky_project(), path)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_failure_midway_through_writing_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    project.save(small_project(), path)
    before = path.read_bytes()
    written = []

    def broken_fsync(fd):
        written.append(os.fstat(fd).st_size)  # the temporary file was already (partly) written
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="Input/output"):
        project.save(tricky_project(), path)
    assert written and written[0] > 0
    assert path.read_bytes() == before
    assert project.load(path).epoch == 5
    assert leftovers(tmp_path) == []


def test_an_unsaveable_project_fails_before_touching_the_disk(tmp_path):
    path = tmp_path / "p.json"
    project.save(small_project(), path)
    before = path.read_bytes()
    p = small_project()
    p.network.params[0] = math.nan
    with pytest.raises(ProjectError, match="NaN"):
        project.save(p, path)
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_saving_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "p.json"
    project.save(small_project(), path)
    os.chmod(path, 0o640)
    project.save(small_project(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_saving_into_a_missing_folder_names_the_file(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        project.save(small_project(), tmp_path / "nowhere" / "p.json")
    assert info.value.filename.endswith("p.json")


# ---- temporary files left by killed saves --------------------------------------------------

AN_HOUR_AGO = time.time() - 3600


def leftover_of(path: Path, digits: str = "0123abcd", age: float = AN_HOUR_AGO) -> Path:
    """A temporary file as a save of ``path`` killed before its rename leaves it."""
    tmp = path.parent / f".{path.name}.{digits}.tmp"
    tmp.write_text('{"format": "mlpstudio-pro', encoding="utf-8")
    os.utime(tmp, (age, age))
    return tmp


def test_saving_removes_what_a_killed_save_of_the_same_file_left(tmp_path):
    path = tmp_path / "p.json"
    stale = [leftover_of(path), leftover_of(path, "ffffffff")]
    project.save(small_project(), path)
    assert not any(t.exists() for t in stale)
    assert leftovers(tmp_path) == []


def test_loading_removes_what_a_killed_save_left(tmp_path):
    path = tmp_path / "p.json"
    project.save(small_project(), path)
    stale = leftover_of(path)
    assert project.load(path).epoch == 5
    assert not stale.exists()


def test_only_the_saves_own_leftovers_are_removed(tmp_path):
    path = tmp_path / "p.json"
    kept = [
        leftover_of(tmp_path / "other.json"),  # another project's
        leftover_of(path, "0123ABCD"),  # not a name a save makes
        leftover_of(path, "0123abc"),
        tmp_path / ".p.json.0123abcd.tmp.bak",
        tmp_path / "p.json.0123abcd.tmp",
        leftover_of(path, "99999999", age=time.time()),  # a save may be writing it right now
    ]
    kept[3].write_text("x")
    kept[4].write_text("x")
    folder = tmp_path / ".p.json.aaaaaaaa.tmp"  # a folder is never removed
    folder.mkdir()
    project.save(small_project(), path)
    project.load(path)
    assert all(k.exists() for k in kept) and folder.is_dir()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_a_symbolic_link_named_like_a_leftover_is_not_followed(tmp_path):
    path = tmp_path / "p.json"
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    link = tmp_path / ".p.json.0123abcd.tmp"
    link.symlink_to(victim)
    project.save(small_project(), path)
    assert victim.read_text() == "keep me" and link.is_symlink()


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_a_save_in_progress_keeps_its_temporary_file(tmp_path):
    import fcntl

    path = tmp_path / "p.json"
    busy = leftover_of(path)  # old, but another process is still writing it
    with open(busy, "rb+") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        project.save(small_project(), path)
        project.load(path)
        assert busy.exists()
    project.load(path)
    assert not busy.exists()


def test_a_save_holds_its_temporary_file_while_writing(tmp_path, monkeypatch):
    from mlpstudio.core.project import tempfiles

    path = tmp_path / "p.json"
    seen: list[list[Path]] = []
    real_fsync = os.fsync

    def fsync_and_sweep(fd):
        # Mid-save, as another process would: the file is old enough but locked.
        if stat.S_ISREG(os.fstat(fd).st_mode) and not seen:
            seen.append(tempfiles.remove_stale(path, now=time.time() + 3600))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_and_sweep)
    project.save(small_project(), path)
    assert seen == [[]] or os.name != "posix"
    assert project.load(path).epoch == 5


def test_a_folder_that_cannot_be_listed_does_not_stop_a_load(tmp_path, monkeypatch):
    path = tmp_path / "p.json"
    project.save(small_project(), path)

    def refuse(folder):
        raise PermissionError(13, "Permission denied", folder)

    monkeypatch.setattr(os, "scandir", refuse)
    assert project.load(path).epoch == 5


# ---- lone surrogates: a name UTF-8 cannot write is refused, loading and saving ----------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: setattr(p, "name", "a\ud800"), "the name holds a lone surrogate"),
        (lambda p: setattr(p, "notes", "\udfff"), "the notes holds a lone surrogate"),
        (lambda p: p.dataset.class_names.__setitem__(1, "\udc80"), r"class_names\[1\] holds"),
        (lambda p: p.dataset.feature_names.__setitem__(0, "\ud83d"), r"feature_names\[0\] holds"),
    ],
)
def test_a_lone_surrogate_is_refused_before_a_save(tmp_path, change, message):
    path = tmp_path / "p.json"
    p = small_project()
    change(p)
    with pytest.raises(ProjectError, match="^cannot save: .*" + message):
        project.check(p)
    with pytest.raises(ProjectError, match=message):
        project.save(p, path)
    assert not path.exists() and leftovers(tmp_path) == []


def test_a_lone_surrogate_in_a_file_is_refused_naming_the_field():
    doc = base_doc()
    doc["dataset"]["class_names"][0] = "\ud800"
    with pytest.raises(ProjectError, match=r"^f\.json: dataset\.class_names\[0\]: .*surrogate"):
        project.from_json(text_of(doc), "f.json")
    # Escaped or raw in the text, it is the same string once parsed.
    with pytest.raises(ProjectError, match=r"^f\.json: name: .*lone surrogate"):
        project.from_json(text_of(base_doc())[:-1] + ', "name": "\\udfff"}', "f.json")


# ---- versions ----------------------------------------------------------------------------


def test_a_version_0_file_is_migrated():
    doc = base_doc()
    doc["version"] = 0
    doc["settings"] = doc.pop("training")
    doc["network"]["cost"] = doc["network"].pop("loss")
    p = project.from_json(text_of(doc))
    assert p.settings.learning_rate == 2.0 and p.epoch == 5
    assert p.network.loss == "squared_error"
    assert json.loads(project.to_json(p))["version"] == project.VERSION
    assert set(project.MIGRATIONS) == set(range(project.VERSION))


def test_a_newer_version_says_to_update_the_app():
    doc = base_doc()
    doc["version"] = 7
    with pytest.raises(ProjectError) as info:
        project.from_json(text_of(doc), "new.json")
    assert str(info.value) == (
        "new.json: version 7 is newer than this MLP Studio understands (1): update the app"
    )


# ---- hostile and malformed files ---------------------------------------------------------


def edit(change):
    """A case built by editing a copy of a valid document with ``change(doc)``."""

    def make() -> str:
        doc = copy.deepcopy(BASE)
        change(doc)
        return text_of(doc)

    return make


def raw(text: str | bytes):
    return lambda: text


def replace_in(old: str, new: str):
    """A case built by replacing text in the valid document's JSON."""
    return lambda: BASE_TEXT.replace(old, new, 1)


def nested(depth: int) -> list:
    value: list = [0.5]
    for _ in range(depth - 1):
        value = [value]
    return value


BASE = base_doc()
BASE_TEXT = text_of(BASE)
W0 = BASE["network"]["weights"][0]

HOSTILE = [
    ("truncated", raw(BASE_TEXT[: len(BASE_TEXT) // 2]), "not valid JSON: .* at line 1, column"),
    ("empty", raw(""), "the file is empty"),
    ("only spaces", raw("  \n "), "the file is empty"),
    ("binary", raw(b"\x89PNG\r\n\x1a\n\x00\x00"), "not UTF-8 text"),
    ("pickle", raw(b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x08builtins"), "not UTF-8"),
    ("a list", raw("[1, 2, 3]"), "expected a JSON object .*found a list of 3 items"),
    ("a number", raw("42"), "expected a JSON object"),
    ("missing format", edit(lambda d: d.pop("format")), "format: missing"),
    (
        "wrong format",
        edit(lambda d: d.update(format="keras")),
        'format: expected "mlpstudio-project"',
    ),
    ("missing version", edit(lambda d: d.pop("version")), "version: missing"),
    (
        "version as text",
        edit(lambda d: d.update(version="1")),
        'version: expected an integer, found the text "1"',
    ),
    ("newer version", edit(lambda d: d.update(version=2)), "version 2 is newer"),
    (
        "negative version",
        edit(lambda d: d.update(version=-1)),
        "version: -1 is not a known version \\(0 to 1\\)",
    ),
    ("missing network", edit(lambda d: d.pop("network")), "network: missing"),
    ("network a list", edit(lambda d: d.update(network=[])), "network: expected an object"),
    ("missing sizes", edit(lambda d: d["network"].pop("sizes")), "network.sizes: missing"),
    (
        "size zero",
        edit(lambda d: d["network"]["sizes"].__setitem__(1, 0)),
        r"network.sizes\[1\]: expected an integer between 1 and 4096, found 0",
    ),
    (
        "size as float",
        edit(lambda d: d["network"]["sizes"].__setitem__(0, 2.0)),
        r"network.sizes\[0\]: expected an integer, found 2.0",
    ),
    ("one layer", edit(lambda d: d["network"].update(sizes=[2])), "expected 2 to 64 layer sizes"),
    (
        "too many layers",
        edit(lambda d: d["network"].update(sizes=[2] * 1000)),
        "expected 2 to 64 layer sizes",
    ),
    (
        "unknown activation",
        edit(lambda d: d["network"]["activations"].__setitem__(0, "sigmoyd")),
        r"network.activations\[0\]: unknown activation \"sigmoyd\" \(known: linear, step",
    ),
    (
        "softmax hidden",
        edit(lambda d: d["network"]["activations"].__setitem__(0, "softmax")),
        "allowed on the output layer only",
    ),
    (
        "one activation short",
        edit(lambda d: d["network"]["activations"].pop()),
        "network.activations: expected 2 values, found 1",
    ),
    (
        "unknown loss",
        edit(lambda d: d["network"].update(loss="hinge")),
        'network.loss: unknown loss "hinge"',
    ),
    (
        "cross-entropy on linear",
        edit(
            lambda d: d["network"].update(loss="cross_entropy", activations=["sigmoid", "linear"])
        ),
        "network.loss: cross_entropy needs a sigmoid or softmax output",
    ),
    (
        "weights: too many rows",
        edit(lambda d: d["network"]["weights"][1].append(list(d["network"]["weights"][1][0]))),
        r"network.weights\[1\]: expected 1 row of 4 values, found 2 rows",
    ),
    (
        "weights: short row",
        edit(lambda d: d["network"]["weights"][0][2].pop()),
        r"network.weights\[0\]\[2\]: expected 2 values, found 1",
    ),
    (
        "weights: one layer missing",
        edit(lambda d: d["network"]["weights"].pop()),
        "network.weights: expected 2 matrices, found 1",
    ),
    (
        "weights: text",
        edit(lambda d: d["network"]["weights"][0][1].__setitem__(0, "0.5")),
        r"network.weights\[0\]\[1\]\[0\]: expected a number, found the text \"0.5\"",
    ),
    (
        "weights: boolean",
        edit(lambda d: d["network"]["weights"][0][1].__setitem__(1, True)),
        r"network.weights\[0\]\[1\]\[1\]: expected a number, found true",
    ),
    (
        "weights: null",
        edit(lambda d: d["network"]["weights"][0][0].__setitem__(0, None)),
        r"network.weights\[0\]\[0\]\[0\]: expected a number, found null",
    ),
    (
        "weights: NaN",
        replace_in(repr(W0[0][0]), "NaN"),
        r"network.weights\[0\]\[0\]\[0\]: NaN is not a finite number",
    ),
    (
        "weights: Infinity",
        replace_in(repr(W0[0][1]), "-Infinity"),
        r"network.weights\[0\]\[0\]\[1\]: -Infinity is not a finite number",
    ),
    (
        "weights: 1e999",
        replace_in(repr(W0[1][0]), "1e999"),
        r"network.weights\[0\]\[1\]\[0\]: 1e999 is not a finite number",
    ),
    (
        "weights: huge integer",
        replace_in(repr(W0[1][1]), "9" * 5000),
        r"network.weights\[0\]\[1\]\[1\]: 9{20}… \(5000 characters\) is not a finite",
    ),
    (
        "weights: 50-level nested list",
        edit(lambda d: d["network"]["weights"][0][0].__setitem__(0, nested(50))),
        r"network.weights\[0\]\[0\]\[0\]: expected a number, found a list of 1 item",
    ),
    (
        "biases: wrong length",
        edit(lambda d: d["network"]["biases"][0].append(0.0)),
        r"network.biases\[0\]: expected 4 values, found 5",
    ),
    ("missing biases", edit(lambda d: d["network"].pop("biases")), "network.biases: missing"),
    (
        "initial weights: wrong shape",
        edit(lambda d: d["network"]["initial_weights"][1][0].pop()),
        r"network.initial_weights\[1\]\[0\]: expected 4 values, found 3",
    ),
    (
        "unknown init",
        edit(lambda d: d["network"].update(init="zeros")),
        'network.init: unknown initialisation "zeros"',
    ),
    (
        "bad dtype",
        edit(lambda d: d["network"].update(dtype="float16")),
        'network.dtype: expected one of float64, float32, found "float16"',
    ),
    (
        "negative seed",
        edit(lambda d: d["network"].update(seed=-4)),
        "network.seed: expected an integer of at least 0, found -4",
    ),
    (
        "standardisation std 0",
        edit(lambda d: d["network"].update(standardisation={"mean": [0, 0], "std": [1, 0]})),
        r"network.standardisation.std\[1\]: a standard deviation must be above 0",
    ),
    (
        "label out of range",
        edit(lambda d: d["dataset"]["labels"].__setitem__(3, 5)),
        r"dataset.labels\[3\]: label 5 is out of range for 2 classes",
    ),
    (
        "negative label",
        edit(lambda d: d["dataset"]["labels"].__setitem__(0, -1)),
        r"dataset.labels\[0\]: label -1 is out of range",
    ),
    (
        "label as float",
        edit(lambda d: d["dataset"]["labels"].__setitem__(1, 1.0)),
        r"dataset.labels\[1\]: expected an integer, found 1.0",
    ),
    (
        "labels too few",
        edit(lambda d: d["dataset"]["labels"].pop()),
        "dataset.labels: expected 4 labels, found 3",
    ),
    (
        "points with 3 features",
        edit(lambda d: d["dataset"]["points"][2].append(1.0)),
        r"dataset.points\[2\]: expected 2 values, found 3",
    ),
    (
        "points not a list",
        edit(lambda d: d["dataset"].update(points={"x": 1})),
        "dataset.points: expected rows of 2 values .*found an object",
    ),
    ("missing labels", edit(lambda d: d["dataset"].pop("labels")), "dataset.labels: missing"),
    (
        "duplicate class names",
        edit(lambda d: d["dataset"].update(class_names=["a", "a"])),
        r'dataset.class_names\[1\]: "a" is already dataset.class_names\[0\]',
    ),
    (
        "classes do not fit the network",
        edit(lambda d: d["dataset"].update(class_names=["a", "b", "c"])),
        "dataset.class_names: 3 classes, but the network's 1 output unit separates 2 classes",
    ),
    (
        "split value",
        edit(lambda d: d["dataset"]["split"].__setitem__(2, "validation")),
        r'dataset.split\[2\]: expected "train" or "test", found the text "validation"',
    ),
    (
        "generator with a list",
        edit(lambda d: d["dataset"]["generator"].update(seed=[1])),
        "dataset.generator.seed: expected an integer, found a list of 1 item",
    ),
    (
        "negative learning rate",
        edit(lambda d: d["training"].update(learning_rate=-1)),
        "training.learning_rate: expected a number from 1e-05 to 100, found -1",
    ),
    (
        "unknown optimizer",
        edit(lambda d: d["training"].update(optimizer="lbfgs")),
        'training.optimizer: unknown optimizer "lbfgs"',
    ),
    (
        "batch size 0",
        edit(lambda d: d["training"].update(batch_size=0)),
        "training.batch_size: expected an integer of at least 1, found 0",
    ),
    (
        "negative epoch",
        edit(lambda d: d["training"].update(epoch=-5)),
        "training.epoch: expected an integer of at least 0, found -5",
    ),
    (
        "history lengths differ",
        edit(lambda d: d["history"]["train_cost"].pop()),
        "history.train_cost: expected 6 values, found 5",
    ),
    (
        "history cost text",
        edit(lambda d: d["history"]["train_cost"].__setitem__(2, "low")),
        r"history.train_cost\[2\]: expected a number",
    ),
    (
        "duplicate key",
        replace_in('"sizes": [', '"sizes": [2, 4, 1], "sizes": ['),
        'the key "sizes" appears twice',
    ),
    ("deep nesting", raw("[" * 100_000 + "]" * 100_000), "nested far too deeply"),
    (
        "deep nesting in an object",
        raw('{"a":' * 100_000 + "1" + "}" * 100_000),
        "nested far too deeply",
    ),
    (
        "unknown key nested 70 levels",
        edit(lambda d: d.update(layout=nested(70))),
        r"^\S+: layout: unknown key \(the top-level keys are: format, version",
    ),
    (
        "unknown key with NaN",
        replace_in('"format"', '"layout": {"zoom": NaN}, "format"'),
        "layout: unknown key",
    ),
    (
        "name of 2 MB",
        edit(lambda d: d.update(name="n" * 2_000_000)),
        r'name: "nnnn.*\(2,000,000 characters\) is longer than the 1,000 characters allowed',
    ),
    ("notes a number", edit(lambda d: d.update(notes=5)), "notes: expected a string, found 5"),
]


def test_the_table_has_at_least_25_cases():
    assert len(HOSTILE) >= 25


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_a_bad_file_gives_one_clear_error(tmp_path, text, message):
    data = text()
    path = tmp_path / "bad.json"
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    with pytest.raises(ProjectError) as info:
        project.load(path)
    text_of_error = str(info.value)
    assert text_of_error.startswith(f"{path}: ")
    assert re.search(message, text_of_error), text_of_error
    assert "\n" not in text_of_error
    assert len(text_of_error) < 400  # says where, does not echo the file


def test_a_200_mb_string_is_refused_by_size_before_reading(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.write(b'{"format": "mlpstudio-project", "version": 1, "name": "')
        chunk = b"a" * 1_000_000
        for _ in range(200):
            f.write(chunk)
        f.write(b'"}')
    began = time.perf_counter()
    with pytest.raises(
        ProjectError, match="the file is 200 MB; project files are limited to 100 MB"
    ):
        project.load(path)
    assert time.perf_counter() - began < 1.0  # refused from its size, not parsed


def test_a_huge_text_is_refused_by_from_json_too():
    text = '{"name": "' + "a" * (project.MAX_FILE_BYTES + 1) + '"}'
    with pytest.raises(ProjectError, match="larger than the 100 MB allowed"):
        project.from_json(text)


def test_missing_files_and_folders_give_the_same_error_type(tmp_path):
    with pytest.raises(ProjectError, match="file not found"):
        project.load(tmp_path / "none.json")
    with pytest.raises(ProjectError, match="is a folder"):
        project.load(tmp_path)


def test_json_with_code_like_strings_is_only_data():
    doc = copy.deepcopy(BASE)
    doc["name"] = "__import__('os').system('echo hacked')"
    assert project.from_json(text_of(doc)).name.startswith("__import__")
    doc["py/object"] = "os.system"  # a pickle-like hint is an unknown key like any other
    with pytest.raises(ProjectError, match="py/object: unknown key"):
        project.from_json(text_of(doc))


# ---- the schema: what the app can show and train, nothing else ------------------------------


def set_in(path: str, value):
    """A case that sets the value at the dotted ``path`` of the valid document."""

    def change(doc: dict) -> None:
        *parents, key = path.split(".")
        obj = doc
        for part in parents:
            obj = obj[part]
        obj[key] = value

    return edit(change)


def generator(**values):
    """A case whose generator block is exactly ``values``."""
    return set_in("dataset.generator", values)


STD = "network.standardisation"
GEN = "dataset.generator"
OUT_OF_SCHEMA = [
    # unknown keys, at every level, named with their place
    ("top-level key", set_in("layout", {"zoom": 2}), r"layout: unknown key \(the top-level keys"),
    ("view speed", set_in("view", {"speed": -1}), r"view.speed: expected a number from 0.1"),
    ("view step", set_in("view", {"step_unit": "day"}), r"view.step_unit: expected one of epoch"),
    ("view switch", set_in("view", {"log_cost": 1}), r"view.log_cost: expected true or false"),
    ("view key", set_in("view", {"zoom": 2}), r"view.zoom: unknown key|view: unknown key"),
    ("network key", set_in("network.colour", "blue"), "network.colour: unknown key"),
    ("dataset key", set_in("dataset.weights", [1]), "dataset.weights: unknown key"),
    ("generator key", set_in(f"{GEN}.colour", 1), f"{GEN}.colour: unknown"),
    ("training key", set_in("training.speed", 3), "training.speed: unknown key"),
    ("history key", set_in("history.loss", []), "history.loss: unknown key"),
    (
        "standardisation key",
        set_in(STD, {"mean": [0, 0], "std": [1, 1], "scale": 2}),
        f"{STD}.scale: unknown key",
    ),
    ("written_by a number", set_in("written_by", 5), "written_by: expected a string, found 5"),
    # the generator: a known name, and the data panel's ranges
    ("generator name unknown", generator(name="nope"), f'{GEN}.name: unknown generator "nope"'),
    ("generator name a number", generator(name=5), f"{GEN}.name: expected a string, found 5"),
    ("generator without a name", generator(points=4), f"{GEN}.name: missing"),
    (
        "points null",
        generator(name="xor", points=None),
        f"{GEN}.points: expected an integer, found null",
    ),
    (
        "points 3",
        generator(name="moons", points=3),
        f"{GEN}.points: expected an integer between 4 and 5000, found 3",
    ),
    (
        "points 5001",
        generator(name="moons", points=5001),
        f"{GEN}.points: .*between 4 and 5000, found 5001",
    ),
    (
        "classes null",
        generator(name="blobs", classes=None),
        f"{GEN}.classes: expected an integer, found null",
    ),
    (
        "classes 9",
        generator(name="spirals", classes=9),
        f"{GEN}.classes: expected an integer between 2 and 8, found 9",
    ),
    (
        "classes 3 for xor",
        generator(name="xor", classes=3),
        f'{GEN}.classes: "xor" makes exactly 2 classes, found 3',
    ),
    (
        "test ratio null",
        generator(name="xor", test_ratio=None),
        f"{GEN}.test_ratio: expected a number, found null",
    ),
    (
        "test ratio 0.95",
        generator(name="xor", test_ratio=0.95),
        f"{GEN}.test_ratio: expected a number from 0 to 0.9, found 0.95",
    ),
    (
        "noise null",
        generator(name="xor", noise=None),
        f"{GEN}.noise: expected a number, found null",
    ),
    (
        "noise 1.5",
        generator(name="xor", noise=1.5),
        f"{GEN}.noise: expected a number from 0 to 1, found 1.5",
    ),
    (
        "noise negative",
        generator(name="xor", noise=-0.1),
        f"{GEN}.noise: .* from 0 to 1, found -0.1",
    ),
    (
        "noise NaN",
        generator(name="xor", noise=math.nan),
        f"{GEN}.noise: NaN is not a finite number",
    ),
    (
        "generator seed 2^31",
        generator(name="xor", seed=2**31),
        f"{GEN}.seed: expected an integer below 2\\^31, found 2147483648",
    ),
    (
        "generator seed null",
        generator(name="xor", seed=None),
        f"{GEN}.seed: expected an integer, found null",
    ),
    # seeds and counts the app's spin boxes hold
    (
        "network seed 2^31",
        set_in("network.seed", 2**31),
        "network.seed: expected an integer below 2\\^31",
    ),
    (
        "training seed 2^31",
        set_in("training.seed", 2**31),
        "training.seed: expected an integer below 2\\^31",
    ),
    (
        "batch size 2^31",
        set_in("training.batch_size", 2**31),
        "training.batch_size: expected an integer below 2\\^31",
    ),
    (
        "max epochs 2^31",
        set_in("training.max_epochs", 2**31),
        "training.max_epochs: expected an integer below 2\\^31",
    ),
    (
        "max epochs text",
        set_in("training.max_epochs", "all"),
        'training.max_epochs: expected an integer, found the text "all"',
    ),
    # the training panel's ranges
    (
        "learning rate 1000",
        set_in("training.learning_rate", 1000),
        "training.learning_rate: expected a number from 1e-05 to 100, found 1000",
    ),
    (
        "learning rate 1e-6",
        set_in("training.learning_rate", 1e-6),
        "training.learning_rate: expected a number from 1e-05 to 100, found 1e-06",
    ),
    (
        "momentum 0.995",
        set_in("training.momentum", 0.995),
        "training.momentum: expected a number from 0 to 0.99",
    ),
    ("l2 11", set_in("training.l2", 11), "training.l2: expected a number from 0 to 10, found 11"),
    (
        "target cost 101",
        set_in("training.target_cost", 101),
        "training.target_cost: expected a number from 0 to 100",
    ),
    # the stored standardisation: the scaling rule's bounds
    (
        "std tiny",
        set_in(STD, {"mean": [0, 0], "std": [1e-13, 1]}),
        rf"{STD}.std\[0\]: a standard deviation must be above 0 and at least 1e-12, found 1e-13",
    ),
    (
        "std negative",
        set_in(STD, {"mean": [0, 0], "std": [1, -2]}),
        rf"{STD}.std\[1\]: a standard deviation must be above 0",
    ),
    (
        "std infinite",
        set_in(STD, {"mean": [0, 0], "std": [1, math.inf]}),
        rf"{STD}.std\[1\]: Infinity is not a finite number",
    ),
    (
        "std 1e999",
        replace_in(
            '"seed": 3,', '"standardisation": {"mean": [0, 0], "std": [1e999, 1]}, "seed": 3,'
        ),
        rf"{STD}.std\[0\]: 1e999 is not a finite number",
    ),
    (
        "mean too large",
        set_in(STD, {"mean": [1e13, 0], "std": [1, 1]}),
        rf"{STD}.mean\[0\]: a mean must lie within ±1e12, found 10000000000000.0",
    ),
    (
        "mean NaN",
        set_in(STD, {"mean": [0, math.nan], "std": [1, 1]}),
        rf"{STD}.mean\[1\]: NaN is not a finite number",
    ),
    ("std missing", set_in(STD, {"mean": [0, 0]}), rf"{STD}.std: missing"),
    (
        "std too short",
        set_in(STD, {"mean": [0, 0], "std": [1]}),
        rf"{STD}.std: expected 2 values, found 1",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), [c[1:] for c in OUT_OF_SCHEMA], ids=[c[0] for c in OUT_OF_SCHEMA]
)
def test_a_value_the_app_cannot_show_is_refused_by_name(text, message):
    with pytest.raises(ProjectError) as info:
        project.from_json(text(), "p.json")
    error = str(info.value)
    assert re.match(r"p\.json: " + message, error), error
    assert "\n" not in error and len(error) < 400


def test_the_base_document_is_inside_the_schema():
    # the cases above fail for the one reason they name, not for something in the base
    assert project.from_json(BASE_TEXT).dataset.generator["name"] == "xor"
    doc = copy.deepcopy(BASE)
    doc["dataset"]["generator"] = {"name": "spirals", "points": 5000, "noise": 1, "seed": 2**31 - 1,
                                   "classes": 8, "test_ratio": 0.9}  # fmt: skip
    doc["training"].update(learning_rate=100, momentum=0.99, l2=10, target_cost=100,
                           batch_size=2**31 - 1, max_epochs=2**31 - 1, seed=2**31 - 1)  # fmt: skip
    doc["network"]["seed"] = 2**31 - 1
    doc["network"]["standardisation"] = {"mean": [1e12, -1e12], "std": [1e-12, 1e300]}
    p = project.from_json(text_of(doc))
    assert list(p.dataset.generator) == ["name", "points", "noise", "seed", "classes", "test_ratio"]
    assert p.settings.max_epochs == 2**31 - 1 and p.standardisation["std"][0] == 1e-12
    assert json.loads(project.to_json(p))["dataset"]["generator"] == p.dataset.generator


def test_unknown_keys_are_refused_before_any_array_is_read():
    doc = copy.deepcopy(BASE)
    # Both would be reported if the arrays were read first; the unknown key comes first.
    doc["network"]["weights"][0][0][0] = "not a number"
    doc["dataset"]["points"][3] = ["not", "numbers"]
    doc["zeros"] = [0] * 1_000_000
    with pytest.raises(ProjectError) as info:
        project.from_json(text_of(doc), "big.json")
    assert str(info.value).startswith("big.json: zeros: unknown key (the top-level keys are:")

    del doc["zeros"]
    doc["dataset"]["cache"] = [[0.0, 0.0]] * 100_000
    with pytest.raises(ProjectError, match=r"^big\.json: dataset\.cache: unknown key"):
        project.from_json(text_of(doc), "big.json")


def test_a_newer_version_is_reported_before_its_unknown_keys():
    doc = copy.deepcopy(BASE)
    doc["version"] = 2
    doc["layers_v2"] = []
    with pytest.raises(ProjectError, match="version 2 is newer than this MLP Studio"):
        project.from_json(text_of(doc))


def test_a_very_long_unknown_key_is_named_briefly():
    doc = copy.deepcopy(BASE)
    doc["network"]["k" * 100_000] = 1
    with pytest.raises(ProjectError) as info:
        project.from_json(text_of(doc))
    assert len(str(info.value)) < 400 and "network.kkkk" in str(info.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "p.json"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            project.load(fifo)
        except BaseException as exc:  # handed to the test below
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(10.0)
    assert not worker.is_alive(), "load blocked on a named pipe"
    assert isinstance(outcome[0], ProjectError)
    assert str(outcome[0]) == f"{fifo}: is a named pipe (FIFO), not a project file"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero on this platform")
def test_a_device_is_refused_before_reading():
    # /dev/zero never ends: reading it would fill memory up to the size limit first.
    with pytest.raises(ProjectError, match=r"^/dev/zero: is a character device, not a project"):
        project.load("/dev/zero")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.dataset.generator.update(points=10_000), "dataset.generator.points"),
        (lambda p: p.dataset.generator.update(colour="red"), "dataset.generator.colour: unknown"),
        (lambda p: setattr(p.settings, "learning_rate", 1000.0), "training.learning_rate"),
        (lambda p: setattr(p.network, "seed", 2**40), "network.seed: expected an integer below"),
        (
            lambda p: setattr(p, "standardisation", {"mean": [0.0, 0.0], "std": [1.0, 0.0]}),
            r"network.standardisation: std\[1\]: a standard deviation must be above 0",
        ),
        (
            lambda p: setattr(p, "standardisation", {"mean": [0.0], "std": [1.0]}),
            r"network.standardisation.mean: expected 2 values, found 1",
        ),
    ],
)
def test_a_project_that_would_not_load_is_not_saved(tmp_path, change, message):
    path = tmp_path / "p.json"
    project.save(small_project(), path)
    before = path.read_bytes()
    p = small_project()
    change(p)
    with pytest.raises(ProjectError, match="^cannot save: " + message):
        project.save(p, path)
    assert path.read_bytes() == before and leftovers(tmp_path) == []


def test_check_says_before_a_long_run_whether_the_project_would_save():
    p = small_project()
    project.check(p)  # fine: returns without a word
    p.settings.learning_rate = 1000.0
    with pytest.raises(ProjectError, match=r"^cannot save: training\.learning_rate: expected a"):
        project.check(p)
    p = small_project()
    p.dataset.generator = {"name": "xor", 7: "seven"}
    with pytest.raises(ProjectError, match=r"^cannot save: dataset\.generator\.7: unknown key"):
        project.check(p)


def test_a_fitted_standardisation_saves_loads_and_applies_the_same(tmp_path):
    ds = datasets.split(datasets.generate("moons", 200, 0.3, seed=4), 0.25, seed=2)
    s = scaling.fit_standardisation(ds)
    net = Network([2, 5, 1], ["tanh", "sigmoid"], "squared_error", seed=1)
    project.save(Project(net, ds, standardisation=s.to_dict()), tmp_path / "m.json")
    q = project.load(tmp_path / "m.json")
    assert q.standardisation == s.to_dict()
    assert np.array_equal(q.network_input(ds.X), s.apply(ds.X))


# ---- shipped examples and the documented example -----------------------------------------


def test_the_xor_example_solves_the_lecture_points():
    p = project.load(resources_path.example("xor-2-2-1"))
    assert p.network.sizes == [2, 2, 1]
    assert p.network.activations == ["sigmoid", "sigmoid"]
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert p.network.predict(p.network_input(X)).tolist() == [0, 1, 1, 0]
    assert np.array_equal(p.dataset.X, X) and p.dataset.y.tolist() == [0, 1, 1, 0]
    assert p.name and p.notes


def test_the_spiral_example_has_three_classes_learnt_well():
    p = project.load(resources_path.example("spiral-3class"))
    ds = p.dataset
    assert ds.n_classes == 3 and ds.generator["name"] == "spirals"
    net = p.network
    accuracy = np.mean(net.predict(p.network_input(ds.X_train)) == ds.y_train)
    assert accuracy >= 0.9
    assert (
        len(ds.y_test) > 0 and np.mean(net.predict(p.network_input(ds.X_test)) == ds.y_test) >= 0.8
    )


@pytest.mark.parametrize("name", ["xor-2-2-1", "spiral-3class"])
def test_examples_are_small_and_saved_canonically(name):
    path = Path(resources_path.example(name))
    assert path.stat().st_size < 300_000
    assert project.to_json(project.load(path)) == path.read_text("utf-8")
    assert name in resources_path.examples()


def test_the_documented_example_is_a_real_file():
    text = (ROOT / "docs" / "file-format.md").read_text("utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    assert blocks
    p = project.from_json(blocks[0], "docs/file-format.md")
    assert p.network.sizes == [2, 2, 1]
    assert p.network.predict(p.dataset.X).tolist() == [0, 1, 1, 0]
    assert project.to_json(p) == blocks[0]
