"""``mlpstudio predict``: the outputs and predicted class of every point of a CSV file, as CSV.

Columns are matched to the network's inputs by the header's names when it has them, else by
position; the project's standardisation is applied first, as the app does. A regression
project writes its predicted values instead: one column per target, named after it, in the
target's own units (the target standardisation undone).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
import textwrap
from typing import TextIO

import numpy as np

from mlpstudio.core import csvio, datasets, project

from .common import EXIT_OK, UsageError, items

NAME = "predict"


def add_arguments(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``predict`` and its options to the command parsers; return its parser."""
    pr = subparsers.add_parser(
        NAME,
        help="outputs and predicted class (or predicted values) of points in a CSV file",
        description=textwrap.fill(
            "Run the project's network on the points of a CSV file and write, per point, the "
            "features, the outputs a1..aK and the predicted class, as CSV; for a regression "
            "project, the features and the predicted value of every target, in the target's "
            "own units, under the target's name. A header row is optional; when it names the "
            "project's features, those columns are used.",
            79,
        ),
        epilog="example:\n  mlpstudio predict xor.json points.csv --out predictions.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    pr.add_argument("project", metavar="PROJECT.json")
    pr.add_argument("points", metavar="POINTS.csv", help="the points ('-' reads stdin)")
    pr.add_argument("--features", metavar="A,B", help="feature columns by name or 0-based index")
    pr.add_argument("--out", metavar="FILE.csv", help="write here instead of stdout")
    return pr


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the predictions to ``--out`` or ``out``; say on ``err`` where they went."""
    p = project.load(args.project)
    features = items(args.features, "--features") if args.features else None
    names, X = read_points(args.points, features, p)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if p.regression:
        with np.errstate(all="ignore"):
            values = p.predict_values(X)
        writer.writerow([*names, *p.target_names])
        for x, v in zip(X.tolist(), values.tolist(), strict=True):
            writer.writerow([*map(repr, x), *map(repr, v)])
    else:
        with np.errstate(all="ignore"):
            A = p.network.predict_proba(p.network_input(X)).astype(np.float64)
        classes = p.network.classify(A)
        class_names = p.class_names
        writer.writerow([*names, *(f"a{c + 1}" for c in range(A.shape[1])), "class"])
        for x, a, c in zip(X.tolist(), A.tolist(), classes.tolist(), strict=True):
            writer.writerow([*map(repr, x), *map(repr, a), class_names[c]])
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            f.write(buffer.getvalue())
        print(f"mlpstudio predict: wrote {len(X):,} predictions to {args.out}", file=err)
    else:
        out.write(buffer.getvalue())
    return EXIT_OK


def read_points(
    path: str, features: list[str] | None, p: project.Project
) -> tuple[list[str], np.ndarray]:
    """The feature columns of a CSV file of points (``-``: stdin): their names and values.

    The rows and the header come from :mod:`~mlpstudio.core.csvio`, so a file reads here as it
    does in the app's import dialog and in ``train --data`` (and a pipe or a device given as a
    path is refused instead of blocking).
    """
    file, rows = _rows(path)
    d = p.network.n_inputs
    header = rows[0][1] if csvio.looks_like_header(rows) else None
    data = rows[1:] if header else rows
    if not data:
        raise datasets.DataError(f"{file}: a header but no points below it")
    n_columns = len(header) if header else len(data[0][1])

    if features is not None:
        index = _chosen_columns(features, header, n_columns, d, file)
    elif header and all(name in header for name in p.feature_names):
        index = [header.index(name) for name in p.feature_names]
    elif n_columns == d:
        index = list(range(d))
    else:
        wanted = ", ".join(p.feature_names)
        raise datasets.DataError(
            f"{file}: {n_columns} columns, but the network takes {d} features ({wanted}); "
            "name them in a header or choose the columns with --features"
        )

    names = [header[j] if header else p.feature_names[k] for k, j in enumerate(index)]
    X = np.empty((len(data), d))
    for i, (line, cells) in enumerate(data):
        if len(cells) != n_columns:
            raise datasets.DataError(
                f"{file} line {line}: {len(cells)} columns, expected {n_columns}"
            )
        for k, j in enumerate(index):
            try:
                X[i, k] = float(cells[j])
            except ValueError:
                raise datasets.DataError(
                    f"{file} line {line}, column {names[k]!r}: {cells[j]!r} is not a number"
                ) from None
            if not math.isfinite(X[i, k]):
                raise datasets.DataError(
                    f"{file} line {line}, column {names[k]!r}: {cells[j]!r} is not finite"
                )
    return names, X


def _rows(path: str) -> tuple[str, list[tuple[int, list[str]]]]:
    """How messages name the source, and its non-blank rows with their line numbers."""
    if path == "-":
        # As read_rows does for a file: a spreadsheet's byte-order mark is not part of a name.
        file, rows = "stdin", csvio.parse_rows(sys.stdin.read().removeprefix("\ufeff"), "stdin")
    else:
        file = os.path.basename(path) or path
        rows = csvio.read_rows(path, file)
    if not rows:
        raise datasets.DataError(f"{file}: no points in the file")
    return file, rows


def _chosen_columns(
    features: list[str], header: list[str] | None, n_columns: int, d: int, file: str
) -> list[int]:
    """The 0-based columns ``--features`` names, by header name or index."""
    if len(features) != d:
        raise UsageError(f"--features names {len(features)} columns; the network has {d} inputs")
    index = []
    for name in features:
        if name.lstrip("-").isdigit():
            j = int(name)
        elif header and name in header:
            j = header.index(name)
        else:
            raise UsageError(f"--features: no column {name!r} in {file}")
        if not -n_columns <= j < n_columns:
            raise UsageError(f"--features: column {j} is out of range ({n_columns} columns)")
        index.append(j % n_columns)
    return index
