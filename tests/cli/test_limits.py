"""Every count has a ceiling, refused before any work; absurd steps and sizes are one line."""

from __future__ import annotations

import json
import shutil

import pytest

from mlpstudio import __main__ as entry
from mlpstudio import resources_path
from mlpstudio.core import datasets, training


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if data is generated or a single epoch is trained."""

    def refuse(*args, **kwargs):
        raise AssertionError("the bad argument was not refused before the work")

    monkeypatch.setattr(training.Trainer, "run", refuse)
    monkeypatch.setattr(datasets, "generate", refuse)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--epochs", "1e20"], ["--epochs must be at most 10,000,000"]),
        (["--epochs", str(10**20)], ["--epochs must be at most 10,000,000"]),
        (["--epochs", "10**20"], ["--epochs: expected a whole number"]),
        (["--epochs", "1e400"], ["--epochs: '1e400' is far too large"]),
        (["--epochs", "2.5"], ["--epochs: expected a whole number"]),
        (["--points", "2e6"], ["--points must be at most 5,000"]),
        (["--points", "3"], ["--points must be 4 or more"]),
        (["--batch-size", str(10**12)], ["--batch-size must be at most 2,147,483,647"]),
        (["--batch-size", "0"], ["--batch-size must be 1 or more"]),
        (["--layers", "2,100000,1"], ["--layers: every size must be between 1 and 4,096"]),
        (["--layers", "2,0,1"], ["--layers: every size must be between 1 and 4,096"]),
        (["--layers", ",".join(["2"] + ["3"] * 70 + ["1"])], ["--layers: at most 64 layers"]),
        (["--activation", ",".join(["tanh"] * 100)], ["more than 62 hidden layers"]),
        (["--seed", str(2**63)], ["--seed must be at most"]),
        (["--data-seed", "-1"], ["--data-seed must be 0 or more"]),
    ],
)
def test_train_counts_are_bounded(capsys, no_work, argv, words):
    code = entry.main(["train", "--dataset", "xor", *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlpstudio train: error: ")
    for word in words:
        assert word in lines[0], lines[0]


def test_a_count_may_be_written_in_e_notation(capsys):
    code = entry.main(["train", "--dataset", "xor", "--epochs", "1e1", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["epochs"] == 10


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--h", "5"], ["--h must be a small positive number", "got 5"]),
        (["--h", "1e-300"], ["--h must be a small positive number"]),
        (["--h", "inf"], ["--h must be a small positive number"]),
        (["--h", "nan"], ["--h must be a small positive number"]),
        (["--max-points", "1e9"], ["--max-points must be at most 1,000,000"]),
        (["--max-points", "0"], ["--max-points must be at least 1"]),
    ],
)
def test_gradcheck_refuses_absurd_steps_with_one_line(capsys, tmp_path, argv, words):
    xor = tmp_path / "xor.json"
    shutil.copy(resources_path.example("xor-2-2-1"), xor)
    code = entry.main(["gradcheck", str(xor), *argv])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mlpstudio gradcheck: error: ")
    assert "(see 'mlpstudio gradcheck --help')" in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
