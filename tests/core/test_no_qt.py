"""The engine knows nothing of Qt: importing it loads no Qt, and no engine file imports Qt."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "mlpstudio" / "core"
QT_MODULES = ("PySide6", "shiboken6", "pyqtgraph")


def test_importing_the_engine_loads_no_qt():
    code = (
        "import sys, mlpstudio.core, mlpstudio.core.boundary, mlpstudio.core.gradcheck\n"
        f"bad = [m for m in {QT_MODULES!r} if m in sys.modules]\n"
        "print('loaded:', ','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "loaded:"


def test_no_engine_file_imports_qt():
    pattern = re.compile(
        r"^\s*(?:from|import)\s+(?:PySide6|shiboken6|pyqtgraph|PyQt[56]|qtpy)\b", re.MULTILINE
    )
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 8  # the scan really looked at the engine
    offenders = [str(p.relative_to(ROOT)) for p in files if pattern.search(p.read_text("utf-8"))]
    assert offenders == []
    # nor the UI package, by a relative or absolute import
    ui = re.compile(r"^\s*(?:from|import)\s+(?:mlpstudio\.ui|\.\.ui|\.ui)\b", re.MULTILINE)
    assert [p.name for p in files if ui.search(p.read_text("utf-8"))] == []
