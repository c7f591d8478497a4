"""Where the built-in resources (example projects, datasets, lessons, style) live.

An installed wheel carries the top-level ``resources/`` folder as the package
``mlpstudio.resources`` (see ``pyproject.toml``); a checkout has it beside the package. Both are
found here, so ``pip install .`` works from any folder and a checkout runs without installing.
"""

from __future__ import annotations

import contextlib
import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path


def resources() -> Traversable | Path:
    """The resources folder: the installed ``mlpstudio.resources`` package, else the checkout's."""
    try:
        found = importlib.resources.files("mlpstudio.resources")
    except ModuleNotFoundError:
        found = None
    if found is not None and found.joinpath("examples").is_dir():
        return found
    return Path(__file__).resolve().parent.parent / "resources"


def example(name: str) -> Traversable | Path:
    """The example project ``resources/examples/<name>.json`` (``name`` may end in ``.json``)."""
    if not name.endswith(".json"):
        name += ".json"
    return resources().joinpath("examples", name)


def examples() -> list[str]:
    """Names of the shipped example projects, sorted, without ``.json``."""
    folder = resources().joinpath("examples")
    if not folder.is_dir():
        return []
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


def is_shipped(path: str | Path) -> bool:
    """True for a file inside the shipped resources (an example, a lesson, a dataset): opening
    one must never make Save write over it."""
    roots = {Path(__file__).resolve().parent.parent / "resources"}
    found = resources()
    if isinstance(found, Path):
        roots.add(found.resolve())
    else:
        with contextlib.suppress(TypeError, ValueError, OSError):
            roots.add(Path(str(found)).resolve())
    try:
        target = Path(path).resolve()
    except (OSError, ValueError):
        return False
    return any(target.is_relative_to(root) for root in roots)
