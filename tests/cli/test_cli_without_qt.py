"""The command line and its help work where Qt cannot be imported, and never load the UI."""

from __future__ import annotations

UI_PREFIXES = ("PySide6", "shiboken6", "pyqtgraph", "mlpstudio.ui")


def test_top_level_help_without_qt(mlpstudio_without_qt):
    done = mlpstudio_without_qt("--help")
    assert done.returncode == 0, done.stderr
    assert "BLOCKED" not in done.stderr and done.stderr == ""
    out = done.stdout
    assert out.startswith("usage: mlpstudio")
    for command in ("train", "predict", "inspect", "gradcheck", "info"):
        assert command in out
    # the app's own options are described too, read from mlpstudio.options
    assert "the desktop app takes:" in out
    for option in ("--screenshot PNG", "--size WxH", "--theme", "--lesson SLUG"):
        assert option in out, option
    assert "-q, --quiet" in out


def test_command_help_without_qt(mlpstudio_without_qt):
    done = mlpstudio_without_qt("train", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("usage: mlpstudio train")
    assert "--epochs N" in done.stdout and "-q, --quiet" in done.stdout


def test_a_bad_app_option_without_qt_is_one_line(mlpstudio_without_qt):
    done = mlpstudio_without_qt("--size", "foo")
    assert done.returncode == 2
    assert "BLOCKED" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("mlpstudio: error: argument --size: expected WIDTHxHEIGHT")


def test_importing_the_cli_loads_no_ui(run_python):
    code = (
        "import sys\n"
        "import mlpstudio.cli, mlpstudio.options\n"
        "mlpstudio.cli.build_parser().format_help()\n"
        f"print(sorted(m for m in sys.modules if m.startswith({UI_PREFIXES!r})))\n"
    )
    done = run_python("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
