"""What the command-line tests share: running ``python`` in a subprocess, with Qt made absent."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Prepended to a `python -c` script: any import of Qt, pyqtgraph or mlpstudio.ui fails, as on
# a server without them, and says so on stderr, so a test also sees an import that was caught.
BLOCK_QT = """\
import importlib.abc, sys

class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in ("PySide6", "shiboken6", "pyqtgraph") or name.startswith("mlpstudio.ui"):
            print("BLOCKED", name, file=sys.stderr)
            raise ImportError(f"{name} is blocked by the test")
        return None

sys.meta_path.insert(0, _NoQt())
"""


def _python(*args: str, **kwargs) -> subprocess.CompletedProcess:
    # cwd=ROOT puts this checkout first on sys.path, before any installed copy of mlpstudio.
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, **kwargs
    )


@pytest.fixture
def run_python() -> Callable[..., subprocess.CompletedProcess]:
    """Run ``python ARGS...`` from the project folder; return the completed process."""
    return _python


@pytest.fixture
def mlpstudio_without_qt() -> Callable[..., subprocess.CompletedProcess]:
    """Run ``python -m mlpstudio ARGS...`` in a process where Qt and mlpstudio.ui cannot load."""

    def run(*argv: str) -> subprocess.CompletedProcess:
        script = (
            BLOCK_QT
            + "import runpy\n"
            + f"sys.argv = ['mlpstudio', *{list(argv)!r}]\n"
            + "runpy.run_module('mlpstudio', run_name='__main__', alter_sys=True)\n"
        )
        return _python("-c", script)

    return run
