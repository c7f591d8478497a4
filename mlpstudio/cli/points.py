"""One point and its target, as ``inspect`` and ``gradcheck`` take them: --point/--index and
--label (a class) or, for a regression project, --target (values in the targets' own units).

Also the rewrite that lets ``--point -1,0.5`` through argparse without an ``=``.
"""

from __future__ import annotations

import argparse

import numpy as np

from mlpstudio.core import project

from .common import UsageError, float_list


def add_point_arguments(p: argparse.ArgumentParser) -> None:
    """``--point``, ``--index`` and ``--label`` on a command's parser."""
    p.add_argument("--point", metavar="X1,X2", help="the point's features, comma-separated")
    p.add_argument("--index", type=int, metavar="N", help="point N of the project's dataset")
    p.add_argument("--label", metavar="CLASS", help="the target class (name or index)")
    p.add_argument(
        "--target",
        metavar="Y1,...",
        help="regression: the target values, one per output, in the targets' own units",
    )


def join_negative_values(argv: list[str]) -> list[str]:
    """``--point -1,0.5`` → ``--point=-1,0.5``: argparse would take ``-1,0.5`` for an option."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if (
            arg == "--point"
            and len(nxt) > 1
            and nxt[0] == "-"
            and (nxt[1].isdigit() or nxt[1] == ".")
        ):
            out.append(f"{arg}={nxt}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def class_index(label: str, p: project.Project) -> int:
    """The class ``--label`` names, by name or index."""
    names = p.class_names
    if label in names:
        return names.index(label)
    try:
        c = int(label)
    except ValueError:
        c = -1
    if not 0 <= c < len(names):
        raise UsageError(
            f"--label: {label!r} is neither a class name nor a class index "
            f"(classes: {', '.join(names)})"
        )
    return c


def _point(args: argparse.Namespace, p: project.Project) -> np.ndarray | None:
    """The ``--point`` given (None: ``--index`` chose a dataset point, checked here)."""
    if (args.point is None) == (args.index is None):
        raise UsageError("choose one point: --point x1,x2,... or --index N (a dataset point)")
    if args.point is not None:
        x = np.array(float_list(args.point, "--point"))
        if len(x) != p.network.n_inputs:
            raise UsageError(
                f"--point has {len(x)} values but the network has {p.network.n_inputs} inputs"
            )
        return x
    ds = p.dataset
    if ds is None:
        raise UsageError("--index needs a project with a dataset; this one holds a model only")
    if not 0 <= args.index < ds.n_points:
        raise UsageError(f"--index must be between 0 and {ds.n_points - 1}, got {args.index}")
    return None


def point_and_target(
    args: argparse.Namespace, p: project.Project
) -> tuple[np.ndarray, int | None, str]:
    """The chosen point (as given), its target class (None: predicted) and where that came from."""
    if p.regression:
        raise UsageError(f"{args.project} is a regression project: its targets are values")
    if args.target is not None:
        raise UsageError("--target gives the values of a regression target; use --label CLASS")
    x = _point(args, p)
    label = class_index(args.label, p) if args.label is not None else None
    if x is not None:
        return x, label, "label" if label is not None else "prediction"
    ds = p.dataset
    assert ds is not None
    if label is not None:
        return ds.X[args.index], label, "label"
    return ds.X[args.index], int(ds.y[args.index]), "dataset"


def point_and_values(
    args: argparse.Namespace, p: project.Project
) -> tuple[np.ndarray, np.ndarray | None, str]:
    """A regression project's point (as given), its target values in the targets' own units
    (None: the network's own prediction) and where they came from."""
    if args.label is not None:
        raise UsageError(
            "--label names a class; a regression project's target is --target Y1,... (values)"
        )
    x = _point(args, p)
    t = None
    if args.target is not None:
        t = np.array(float_list(args.target, "--target"))
        m = p.network.n_outputs
        if len(t) != m:
            raise UsageError(f"--target has {len(t)} values but the network has {m} outputs")
    if x is not None:
        return x, t, "target" if t is not None else "prediction"
    ds = p.dataset
    assert ds is not None and hasattr(ds, "targets")
    if t is not None:
        return ds.X[args.index], t, "target"
    return ds.X[args.index], ds.targets[args.index], "dataset"
