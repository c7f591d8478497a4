"""``mlpstudio export``: a project's model as an ONNX file, a standalone NumPy script, or arrays.

Every file is built in memory first, so a model that cannot be exported (no ``onnx`` package,
an activation ONNX cannot express) writes nothing; then each is written atomically, as a project
is saved. An existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import argparse
import os
import textwrap
from typing import TextIO

from mlpstudio.core import export, project
from mlpstudio.core.export.common import write_file

from .common import EXIT_OK, UsageError

NAME = "export"

# option → (argparse dest, what the file is)
_FORMATS = {
    "--onnx": ("onnx", f"ONNX model, opset {export.OPSET}"),
    "--python": ("python", "Python script (needs numpy only)"),
    "--npz": ("npz", "weights as NumPy arrays"),
}


def add_arguments(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``export`` and its options to the command parsers; return its parser."""
    ex = subparsers.add_parser(
        NAME,
        help="the model as an ONNX file, a standalone Python script or NumPy arrays",
        description=textwrap.fill(
            "Export a project's network, with its standardisation and input features, to use "
            "it without MLP Studio: an ONNX model (needs the onnx package: pip install "
            '"mlpstudio[onnx]"), one Python file that needs numpy only, or the weights W and b '
            "of every layer in a .npz file. Give at least one of --onnx, --python, --npz. "
            "The formats are described in docs/file-format.md.",
            79,
        ),
        epilog=(
            "examples:\n"
            "  mlpstudio export xor.json --onnx xor.onnx\n"
            "  mlpstudio export xor.json --python predict.py\n"
            "  mlpstudio export xor.json --npz weights.npz --force"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("project", metavar="PROJECT.json")
    ex.add_argument("--onnx", metavar="FILE.onnx", help="write the ONNX model here")
    ex.add_argument("--python", metavar="FILE.py", help="write the standalone script here")
    ex.add_argument("--npz", metavar="FILE.npz", help="write the weights as arrays here")
    ex.add_argument("--force", action="store_true", help="replace files that already exist")
    return ex


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write every file asked for; say on ``out`` what was written."""
    targets = [(flag, getattr(args, dest)) for flag, (dest, _) in _FORMATS.items()]
    targets = [(flag, path) for flag, path in targets if path is not None]
    if not targets:
        raise UsageError("nothing to export: give --onnx FILE, --python FILE or --npz FILE")
    seen: dict[str, str] = {}
    for flag, path in targets:
        if not path:
            raise UsageError(f"{flag}: the file name is empty")
        key = os.path.normcase(os.path.realpath(path))
        if key in seen:
            raise UsageError(f"{seen[key]} and {flag} name the same file, {path}")
        seen[key] = flag
    p = project.load(args.project)
    if not args.force:
        for _, path in targets:
            if os.path.lexists(path):
                raise export.ExportError(f"{path} already exists: use --force to replace it")
    files = [(path, flag, _contents(p, flag, path)) for flag, path in targets]
    for path, flag, data in files:
        write_file(path, data, args.force)
        out.write(f"wrote {path}: {_FORMATS[flag][1]}, {p.network.dtype.name}\n")
    return EXIT_OK


def _contents(p: project.Project, flag: str, path: str) -> bytes:
    """The file's bytes, built before anything is written."""
    if flag == "--onnx":
        return export.to_onnx(p)
    if flag == "--python":
        return export.to_python(p, os.path.basename(path)).encode("utf-8")
    return export.to_npz(p)
