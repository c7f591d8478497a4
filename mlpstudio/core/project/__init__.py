"""The project file: one JSON document that holds a network, its data, its training and history.

The format is a public contract (``docs/file-format.md``): people share project files with a
class and script the command line around them. Its pieces:

- ``schema.py``: the keys of every object and the bounds of every number: a file is accepted
  only if the app can show and train exactly what it holds;
- ``checks.py`` and ``validate.py``: parsed JSON → a checked :class:`Project`, or one
  :class:`ProjectError` naming the problem and its place
  (``network.weights[1]: expected 1 row of 4 values, found 2 rows``);
- ``migrate.py``: older versions brought up to the current one;
- ``encode.py``: a project → the file's text (bit-exact floats, the same text every time), and
  :func:`check`, which says before a save (or a long run) whether the project would save;
- ``io.py``: load (regular files only, size-limited, parsed without executing anything) and
  atomic save; ``tempfiles.py``: the save's temporary names, and removing those a killed save
  left behind;
- ``model.py``: :class:`Project` itself.

Use it as ``from mlpstudio.core import project``: ``project.load``, ``project.save``,
``project.from_json``, ``project.to_json``, ``project.check``, ``project.Project``,
``project.ProjectError``; the schema's bounds are in ``project.schema``.
"""

from __future__ import annotations

from . import schema
from .encode import check, to_json
from .io import from_json, load, save
from .migrate import MIGRATIONS
from .model import Project, ProjectError
from .schema import (
    DTYPES,
    FORMAT,
    MAX_FILE_BYTES,
    MAX_HISTORY_ROWS,
    MAX_NAME_CHARS,
    MAX_TEXT_CHARS,
    VERSION,
)

__all__ = [
    "DTYPES",
    "FORMAT",
    "MAX_FILE_BYTES",
    "MAX_HISTORY_ROWS",
    "MAX_NAME_CHARS",
    "MAX_TEXT_CHARS",
    "MIGRATIONS",
    "VERSION",
    "Project",
    "ProjectError",
    "check",
    "from_json",
    "load",
    "save",
    "schema",
    "to_json",
]
