"""Property tests of the command line: any argument list ends in a status and one error line.

Argument lists are drawn from the commands' real option names with random values, valid and
hostile (empty, huge, negative, non-finite, unicode, bytes that were not UTF-8 in the shell,
very long, paths to missing files, folders and bad files), in random order. Whatever they say,
``mlpstudio`` exits with 0, 1 or 2, prints no traceback and no numpy warning, and on an error
prints exactly one ``mlpstudio ...: error: ...`` line (after any of its own warnings). Seeds are
fixed (derandomised) so CI is repeatable; work is capped (``train --epochs`` at most 3, tiny
projects and files) so the suite takes seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpstudio import cli, resources_path
from mlpstudio.core import datasets, project, scaling
from mlpstudio.core.network import Network

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

FAST = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow],
)

ERROR_LINE = re.compile(r"^mlpstudio( [a-z]+)?: (error: \S.*|interrupted)$")
OWN_LINE = re.compile(r"^mlpstudio [a-z]+: (warning: |wrote )")


# ---- the files the arguments may name ---------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Tiny projects and CSV files, and the working folder moved to a scratch one.

    Every relative path an argument list might write (``--out 1``) then lands in scratch.
    """
    folder = tmp_path_factory.mktemp("cli-properties")
    xor = folder / "xor.json"
    shutil.copy(resources_path.example("xor-2-2-1"), xor)
    three = folder / "three.json"
    model = folder / "model.json"
    doc = json.loads(xor.read_text(encoding="utf-8"))
    del doc["dataset"], doc["history"]
    model.write_text(json.dumps(doc), encoding="utf-8")
    bad = folder / "bad.json"
    bad.write_text('{"format": "mlpstudio-project", "version": 1, "network": 3}')
    points = folder / "points.csv"
    points.write_text("x1,x2\n0,0\n1,0.5\n-1,2\n")
    four = folder / "four.csv"
    four.write_text(
        "a,b,c,d,label\n" + "".join(f"{i},{-i},{i % 3},{i * i},{i % 2}\n" for i in range(12))
    )
    huge = folder / "huge.csv"
    huge.write_text("a,b,c\n1e300,1e30,0\n-1e30,2e30,1\n3e30,1e38,0\n")
    (folder / "sub").mkdir()
    old = os.getcwd()
    os.chdir(folder)
    code = cli.main(
        [
            "train",
            "--dataset",
            "spirals",
            "--classes",
            "3",
            "--points",
            "30",
            "--layers",
            "2,3,3",
            "--epochs",
            "2",
            "--out",
            str(three),
            "-q",
        ],
        io.StringIO(),
        io.StringIO(),
    )
    assert code == 0
    try:
        yield {
            "xor": str(xor),
            "three": str(three),
            "model": str(model),
            "bad": str(bad),
            "points": str(points),
            "four": str(four),
            "huge": str(huge),
            "folder": str(folder / "sub"),
            "missing": str(folder / "missing.json"),
            "out": str(folder / "out.json"),
            "out_csv": str(folder / "out.csv"),
            "nowhere": str(folder / "nowhere" / "out.json"),
        }
    finally:
        os.chdir(old)


# ---- values -------------------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "",
        " ",
        "-1",
        "0",
        "1e999",
        "-1e999",
        "nan",
        "inf",
        "-inf",
        "1180591620717411303424",
        "2.5",
        "1e-300",
        "-0",
        "0x10",
        "1,",
        ",",
        ",,",
        "1,,2",
        "=",
        "\udcff",
        "é",
        "\u2028",
        "a\nb",
        "x" * 2000,
        "-",
        "--",
        "none",
        "None",
        "true",
        "1e6",
        "1e20",
    ]
)


RARELY = st.sampled_from([False] * 19 + [True])  # (hypothesis's integers favour the ends)


def mostly(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A valid value seven times in eight, else a hostile one: a run then gets deep enough."""
    return st.sampled_from([True] * 7 + [False]).flatmap(lambda ok: valid if ok else HOSTILE)


COUNTS = mostly(st.sampled_from(["0", "1", "2", "3", "10", "4000", "5001", "1e3", "-5"]))
SMALL = mostly(st.sampled_from(["0", "1", "2", "3", "7"]))
REALS = mostly(st.sampled_from(["0", "0.5", "1", "2", "100", "1e-5", "0.99", "1e300", "0.2"]))
RATIOS = mostly(st.sampled_from(["0", "0.25", "0.5", "0.9", "0.95", "1"]))
POINTS = mostly(st.sampled_from(["1,0", "0,0", "-1,0.5", "1,2,3", "1e300,1e300", "nan,0", "1"]))
LABELS = mostly(st.sampled_from(["0", "1", "2", "a", "-1", "99"]))
LAYERS = mostly(
    st.sampled_from(["2,2,1", "2,4,3", "4,3,2", "2,3,3", "2,1", "4,1", "2", "2,0,1", "2,100000,1"])
)
ACTIVATIONS = mostly(st.sampled_from(["sigmoid", "tanh", "relu", "step", "linear", "softmax"]))


def one_of(*values: str) -> st.SearchStrategy[str]:
    return mostly(st.sampled_from(values))


def names_of(files: dict[str, str], *keys: str) -> st.SearchStrategy[str]:
    return mostly(st.sampled_from([files[k] for k in keys]))


def options(files: dict[str, str], command: str) -> dict[str, st.SearchStrategy | None]:
    """Each option of ``command`` and the values drawn for it (None: a flag)."""
    point = {"--point": POINTS, "--index": SMALL, "--label": LABELS}
    common = {"--json": None, "-q": None}
    if command == "info":
        return common
    if command == "inspect":
        return {**point, **common}
    if command == "gradcheck":
        extra = {"--max-points": COUNTS, "--initial": None, "--top": SMALL, "--h": REALS}
        return {**point, **extra, **common}
    if command == "predict":
        return {
            "--features": one_of("x1,x2", "0,1", "1,0", "a,b,c,d", "x1", "5,6"),
            "--out": names_of(files, "out_csv", "folder", "nowhere"),
            "-q": None,
        }
    return {  # train; its data source is chosen first (see argv_lists)
        "--points": COUNTS,
        "--noise": REALS,
        "--classes": SMALL,
        "--data-seed": SMALL,
        "--features": one_of("a,b", "0,1", "a,b,c,d", "label", "a,a", "9"),
        "--label": one_of("label", "c", "0", "-1", "z"),
        "--test-ratio": RATIOS,
        "--standardise": None,
        "--layers": LAYERS,
        "--activation": ACTIVATIONS,
        "--output-activation": ACTIVATIONS,
        "--loss": one_of("squared_error", "cross_entropy"),
        "--init": one_of("xavier", "he", "uniform"),
        "--dtype": one_of("float32", "float64"),
        "--optimizer": one_of("gd", "sgd", "momentum", "adam", "perceptron"),
        "--lr": REALS,
        "--batch-size": COUNTS,
        "--momentum": REALS,
        "--l2": REALS,
        "--target-cost": mostly(st.sampled_from(["0.1", "none", "0", "100", "101"])),
        "--seed": SMALL,
        "--reset": None,
        "--out": names_of(files, "out", "folder", "nowhere"),
        "--name": one_of("A name", "\u00e9\u00e8", "x" * 1001, "\udcff"),
        "--notes": one_of("notes\nover lines", ""),
        **common,
    }


@st.composite
def argv_lists(draw, files: dict[str, str]) -> list[str]:
    command = draw(st.sampled_from(["info", "inspect", "gradcheck", "predict", "train", "train"]))
    argv = [command]
    if command != "train":
        argv.append(draw(names_of(files, "xor", "xor", "three", "model", "bad", "missing")))
    if command == "predict":
        argv.append(draw(names_of(files, "points", "points", "four", "huge", "folder")))
    if command == "train":
        source = draw(st.sampled_from(["--dataset", "--dataset", "--data", "--project"]))
        values = {
            "--dataset": mostly(st.sampled_from(sorted(datasets.GENERATORS))),
            "--data": names_of(files, "points", "four", "four", "huge", "missing"),
            "--project": names_of(files, "xor", "three", "model", "bad"),
        }[source]
        argv += [source, draw(values)]
    table = options(files, command)
    for name in draw(st.lists(st.sampled_from(sorted(table)), max_size=5)):
        values = table[name]
        argv.append(name)
        if values is not None and draw(RARELY) is False:  # now and then a missing value
            argv.append(draw(values))
    if command == "train":
        argv += ["--epochs", draw(st.sampled_from(["0", "1", "3"]))]  # keep every run short
    if draw(RARELY):
        argv.insert(draw(st.integers(0, len(argv))), draw(HOSTILE))  # a stray word anywhere
    return argv


# ---- running and judging ----------------------------------------------------------------------


def streams() -> tuple[io.TextIOWrapper, io.TextIOWrapper]:
    """UTF-8 streams as a shell gives them: stdout strict, stderr with backslash escapes."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace", newline="")
    return out, err


def text_of(stream: io.TextIOWrapper) -> str:
    stream.flush()
    return stream.buffer.getvalue().decode("utf-8", "backslashreplace")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = streams()
    stdin = io.StringIO("x1,x2\n1,0\n0.5,-1\n")  # for `predict PROJECT -`
    with warnings.catch_warnings(), mock.patch.object(sys, "stdin", stdin):
        warnings.simplefilter("error")  # in a shell a numpy warning would be printed
        code = cli.main(argv, out, err)
    return code, text_of(out), text_of(err)


def assert_well_behaved(argv: list[str], code: int, out: str, err: str) -> None:
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err and "Warning" not in err, (argv, err)
    lines = err.splitlines()
    if code == 0:
        assert all(OWN_LINE.match(line) for line in lines), (argv, err)
        return
    assert lines and ERROR_LINE.match(lines[-1]), (argv, err)
    assert all(OWN_LINE.match(line) for line in lines[:-1]), (argv, err)
    assert lines[-1].isprintable() and len(err.rstrip("\n").split("\n")) == len(lines)


# ---- the properties ----------------------------------------------------------------------------


@FAST
@given(data=st.data())
def test_any_argument_list_exits_cleanly(files, data):
    argv = data.draw(argv_lists(files))
    code, out, err = run(argv)
    assert_well_behaved(argv, code, out, err)


@settings(FAST, max_examples=150)
@given(
    st.lists(HOSTILE | st.sampled_from(["train", "info", "-q", "--json", "--epochs"]), max_size=5)
)
def test_any_words_at_all_exit_cleanly(words):
    code, out, err = run(words)
    assert_well_behaved(words, code, out, err)


@settings(FAST, max_examples=120)
@given(data=st.data())
def test_training_on_extreme_numbers_reports_in_its_own_words(files, data):
    # The arithmetic corner: float32, huge points, huge learning rates, unbounded activations.
    draw = data.draw
    argv = ["train", "--epochs", draw(st.sampled_from(["1", "3"])), "--dtype", "float32"]
    argv += draw(
        st.sampled_from(
            [
                ["--data", files["huge"]],
                ["--data", files["four"]],
                ["--dataset", "xor"],
                ["--dataset", "blobs", "--classes", "3", "--points", "20"],
            ]
        )
    )
    argv += ["--lr", draw(st.sampled_from(["100", "1e-5", "50"]))]
    argv += ["--activation", draw(st.sampled_from(["relu", "linear", "tanh", "step"]))]
    argv += ["--output-activation", draw(st.sampled_from(["linear", "sigmoid", "relu"]))]
    argv += draw(st.sampled_from([[], ["--standardise"], ["--optimizer", "adam"]]))
    argv += draw(st.sampled_from([[], ["--out", files["out"]], ["--json"]]))
    code, out, err = run(argv)
    assert_well_behaved(argv, code, out, err)


@st.composite
def extreme_projects(draw) -> project.Project:
    """Valid projects at the edges of the numbers: huge weights and points, float32, scaling."""
    scale = st.sampled_from([1e300, 1e200, 1.0, 1e30, 1e-300])
    dtype = draw(st.sampled_from(["float64", "float32"]))
    hidden = draw(st.sampled_from(["relu", "linear", "sigmoid", "tanh", "step"]))
    out, loss = draw(
        st.sampled_from([("linear", "squared_error"), ("sigmoid", "cross_entropy"),
                         ("sigmoid", "squared_error"), ("relu", "squared_error")])
    )  # fmt: skip
    net = Network([2, 3, 1], [hidden, out], loss, seed=draw(st.integers(0, 9)), dtype=dtype)
    limit = 3e38 if dtype == "float32" else 1e308
    net.set_params(np.clip(net.params.astype(np.float64) * draw(scale), -limit, limit))
    ds = datasets.generate(
        "xor-plane", points=draw(st.integers(4, 30)), seed=draw(st.integers(0, 9))
    )
    ds.X *= draw(scale)
    standardisation = None
    if draw(st.booleans()):
        with np.errstate(all="ignore"), contextlib.suppress(datasets.DataError):
            standardisation = scaling.fit_standardisation(ds).to_dict()
    return project.Project(net, ds, standardisation=standardisation)


def not_json(token: str) -> None:
    raise AssertionError(f"{token} is not JSON (python's json reads it, other readers do not)")


COMMANDS_ON_A_PROJECT = (
    "info", "inspect", "inspect --json", "gradcheck", "gradcheck --json", "predict"
)  # fmt: skip


@settings(FAST, max_examples=150)
@given(p=extreme_projects(), command=st.sampled_from(sorted(COMMANDS_ON_A_PROJECT)))
def test_every_command_reads_any_saved_project_without_a_numpy_warning(files, p, command):
    # What the loader accepts, the commands must report on in their own words.
    path = Path(files["out"]).with_name("extreme.json")
    project.save(p, path)
    argv = {
        "info": ["info", str(path), "--json"],
        "inspect": ["inspect", str(path), "--index", "0"],
        "inspect --json": ["inspect", str(path), "--point", "1,-1", "--json"],
        "gradcheck": ["gradcheck", str(path), "--max-points", "5"],
        "gradcheck --json": ["gradcheck", str(path), "--max-points", "5", "--json"],
        "predict": ["predict", str(path), files["points"]],
    }[command]
    code, out, err = run(argv)
    assert_well_behaved(argv, code, out, err)
    assert code == 0 or (code == 1 and command.startswith("gradcheck")), err
    if command.endswith("--json"):
        json.loads(out, parse_constant=not_json)  # strict JSON: no NaN, no Infinity


# ---- regressions found by the properties above -------------------------------------------------


@pytest.mark.parametrize("extra", [[], ["--standardise"]])
def test_float32_overflow_prints_only_the_commands_own_line(files, run_python, extra):
    # A real process: numpy's RuntimeWarning went to stderr before the one-line error.
    argv = ["train", "--data", files["huge"], "--dtype", "float32", "--epochs", "3", *extra]
    done = run_python("-m", "mlpstudio", *argv)
    assert done.returncode == 1, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("mlpstudio train: error: ")
    if not extra:
        assert (
            "point 0, feature 'a' (1e+300) is beyond ±3.4e+38, the range of float32" in done.stderr
        )


def test_a_file_name_that_was_not_utf8_is_shown_as_its_bytes(files, tmp_path):
    name = os.fsdecode(b"caf\xe9.json")  # as Python gets it from a Latin-1 shell: 'caf\udce9'
    path = tmp_path / name
    shutil.copy(files["xor"], path)
    code, out, err = run(["info", str(path)])
    assert code == 0, err  # was: "'utf-8' codec can't encode character '\udce9'"
    assert err == "" and "caf\\xe9.json" in out  # the byte itself (shown escaped here)


def test_a_stray_argument_with_a_line_break_stays_on_one_line():
    code, _, err = run(["info", "x.json", "a\nb\x1b[31m"])
    assert code == 2
    assert (
        err == "mlpstudio: error: unrecognized arguments: a b\\x1b[31m (see 'mlpstudio --help')\n"
    )


def test_control_characters_in_a_file_name_are_escaped():
    code, _, err = run(["info", "\x1b]0;pwned\x07.json"])
    assert code == 1
    assert err == "mlpstudio info: error: \\x1b]0;pwned\\x07.json: file not found\n"


def test_a_name_that_cannot_be_saved_is_refused_before_training(files):
    code, _, err = run(["train", "--dataset", "xor", "--name", "\udcff", "--out", files["out"]])
    assert code == 2
    assert err.startswith("mlpstudio train: error: --name: the name holds a lone surrogate")


@pytest.mark.parametrize("command", ["inspect", "gradcheck"])
def test_json_reports_of_an_overflowing_network_are_strict_json(files, command):
    # inspect --json failed with "Out of range float values are not JSON compliant";
    # gradcheck --json printed "max_error": Infinity, which only Python's json reads.
    net = Network([2, 3, 1], ["relu", "linear"], "squared_error", seed=1)
    net.set_params(net.params * 1e300)
    path = Path(files["out"]).with_name("overflowing.json")
    project.save(project.Project(net, datasets.generate("xor-plane", points=10)), path)
    argv = [command, str(path), "--json"] + (
        ["--point", "1e10,1e10"] if command == "inspect" else []
    )
    code, out, err = run(argv)
    assert code == (0 if command == "inspect" else 1), err
    report = json.loads(out, parse_constant=not_json)
    if command == "gradcheck":
        assert report["max_error"] is None and report["verdict"] == "wrong"
    else:
        assert report["layers"][1]["z"] == [None] * 3 and report["cost"] is None


def test_inspect_of_an_overflowing_network_says_nothing_on_stderr(files):
    # numpy's "overflow encountered in matmul" went to stderr: the forward pass was unguarded.
    net = Network([2, 3, 1], ["relu", "linear"], "squared_error", seed=1)
    net.set_params(net.params * 1e300)
    path = Path(files["out"]).with_name("overflowing.json")
    project.save(project.Project(net, datasets.generate("xor-plane", points=10)), path)
    code, out, err = run(["inspect", str(path), "--point", "1e10,1e10"])
    assert code == 0 and err == ""
    assert "z_1^(2) = inf" in out
