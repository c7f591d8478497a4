"""``--quiet`` / ``-q``: nothing but errors is printed; files are written, statuses kept."""

from __future__ import annotations

import csv
import io
import shutil
import sys

import pytest

from mlpstudio import __main__ as entry
from mlpstudio import resources_path
from mlpstudio.core import project
from mlpstudio.core.network import Network


def run(capsys, *argv) -> tuple[int, str, str]:
    code = entry.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def xor(tmp_path):
    path = tmp_path / "xor.json"
    shutil.copy(resources_path.example("xor-2-2-1"), path)
    return path


@pytest.mark.parametrize(
    "where",
    [
        ["train", "-q"],
        ["train", "--quiet"],
        ["-q", "train"],  # before the command as well
    ],
)
def test_train_quiet_prints_nothing_and_saves(capsys, tmp_path, where):
    out_file = tmp_path / "q.json"
    code, out, err = run(capsys, *where, "--dataset", "xor", "--epochs", "5", "--out", out_file)
    assert (code, out, err) == (0, "", "")
    assert project.load(out_file).epoch == 5


def test_quiet_silences_json_warnings_and_the_progress_bar(capsys, monkeypatch, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    out_file = tmp_path / "step.json"
    # step units give a warning; --json a report; the terminal a progress bar: all silenced
    code = entry.main(
        ["train", "--dataset", "xor", "--activation", "step", "--epochs", "3", "--json", "-q",
         "--out", str(out_file)]
    )  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out == "" and term.getvalue() == ""
    assert project.load(out_file).network.activations == ["step", "sigmoid"]


def test_train_quiet_still_reports_errors(capsys):
    code, out, err = run(capsys, "train", "-q", "--dataset", "xor", "--layers", "3,1")
    assert code == 2 and out == ""
    assert err.startswith("mlpstudio train: error: --layers starts with 3 inputs")
    assert err.count("\n") == 1


def test_predict_quiet_writes_the_file_and_nothing_else(capsys, xor, tmp_path):
    points = tmp_path / "points.csv"
    points.write_text("0,0\n1,0\n")
    out_file = tmp_path / "pred.csv"
    code, out, err = run(capsys, "predict", xor, points, "--out", out_file, "-q")
    assert (code, out, err) == (0, "", "")  # without -q: "wrote 2 predictions" on stderr
    rows = list(csv.reader(out_file.open()))
    assert rows[0] == ["x1", "x2", "a1", "class"] and [r[-1] for r in rows[1:]] == ["0", "1"]


def test_predict_quiet_still_reports_errors(capsys, xor, tmp_path):
    code, out, err = run(capsys, "-q", "predict", xor, tmp_path / "none.csv")
    assert code == 1 and out == ""
    assert err.startswith("mlpstudio predict: error:") and "none.csv: file not found" in err
    assert err.count("\n") == 1


def test_info_and_inspect_quiet_check_the_file_by_status(capsys, xor, tmp_path):
    assert run(capsys, "info", xor, "-q") == (0, "", "")
    assert run(capsys, "inspect", xor, "--index", "0", "-q") == (0, "", "")
    code, out, err = run(capsys, "info", tmp_path / "none.json", "-q")
    assert code == 1 and out == "" and "file not found" in err


def test_a_failed_gradient_check_is_never_silent(capsys, xor, monkeypatch):
    real = Network.gradient
    monkeypatch.setattr(Network, "gradient", lambda self, X, Y: 1.5 * real(self, X, Y))
    for flags in (["-q"], ["--json"]):
        code, out, err = run(capsys, "gradcheck", xor, *flags)
        assert code == 1
        assert (out == "") == (flags == ["-q"])
        lines = err.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith("mlpstudio gradcheck: error: back-propagation disagrees")
