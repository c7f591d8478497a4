"""The app's own options: parsed without Qt, a bad one is one line and status 2."""

from __future__ import annotations

import sys

import pytest

from mlpstudio import __main__ as entry
from mlpstudio import cli, options


@pytest.fixture
def app_must_not_start(monkeypatch):
    fake = type(sys)("mlpstudio.ui.app")

    def run(argv):
        raise AssertionError(f"the app started with {argv}")

    fake.run = run
    monkeypatch.setitem(sys.modules, "mlpstudio.ui.app", fake)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--size", "foo"], ["argument --size: expected WIDTHxHEIGHT such as 1400x900"]),
        (["--size", "10x10"], ["the size must be between 320x240 and 8000x8000"]),
        (["--bogus"], ["unrecognized arguments: --bogus"]),
        (["x.json", "--theme", "pink"], ["argument --theme: invalid choice: 'pink'"]),
        (["--screenshot", "a.png", "--train-epochs", "-1"], ["--train-epochs: must be between"]),
        (["--train-epochs", str(10**20)], ["--train-epochs: must be between 0 and 10,000,000"]),
        (["--stage", "1000000000"], ["--stage: must be between 0 and 10,000"]),
    ],
)
def test_bad_app_options_are_one_line_with_status_2(capsys, app_must_not_start, argv, words):
    code = entry.main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err  # not the app's whole usage
    assert lines[0].startswith("mlpstudio: error: ")
    assert lines[0].endswith("(see 'mlpstudio --help')")
    for word in words:
        assert word in lines[0], lines[0]


def test_the_app_help_needs_no_app(capsys, app_must_not_start):
    assert entry.main(["x.json", "--help"]) == 0
    assert "--screenshot PNG" in capsys.readouterr().out


def test_good_options_reach_the_app(monkeypatch):
    calls = []
    fake = type(sys)("mlpstudio.ui.app")
    fake.run = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "mlpstudio.ui.app", fake)
    argv = ["x.json", "--size", "800x600", "--stage", "3", "--train-epochs", "50"]
    assert entry.main(argv) == 0 and calls == [argv]
    args = options.parser().parse_args(argv)
    assert (args.file, args.size, args.stage, args.train_epochs) == ("x.json", (800, 600), 3, 50)


def test_the_entry_point_knows_every_command():
    assert entry.COMMANDS == cli.COMMANDS
