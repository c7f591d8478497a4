"""``mlpstudio gradcheck``: back-propagation's gradient against central differences.

The exit status is the verdict (1 when the gradients disagree), so a script or CI can use it;
the numbers themselves come from :mod:`mlpstudio.core.gradcheck`.
"""

from __future__ import annotations

import argparse
import math
import textwrap
from typing import TextIO

import numpy as np

from mlpstudio.core import gradcheck as core_gradcheck
from mlpstudio.core import project
from mlpstudio.core.network import Network

from .common import (
    EXIT_OK,
    MAX_POINTS,
    CheckFailedError,
    UsageError,
    check_count,
    count,
    finite,
    table,
    to_json,
)
from .points import add_point_arguments, point_and_target, point_and_values

NAME = "gradcheck"
DEFAULT_H = 1e-6
# Outside this range central differences measure round-off (below) or the curvature of the
# cost (above) rather than the gradient, so the verdict would say nothing about back-propagation.
MIN_H, MAX_H = 1e-12, 0.1


def add_arguments(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``gradcheck`` and its options to the command parsers; return its parser."""
    g = subparsers.add_parser(
        NAME,
        help="back-propagation against numeric gradients",
        description=textwrap.fill(
            "Compare back-propagation's gradient of the mean cost with central differences, "
            "parameter by parameter, on the training points (or one point). Exit status 1 "
            "when the gradients disagree (verdict 'wrong').",
            79,
        ),
        epilog="example:\n  mlpstudio gradcheck xor.json --top 5",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    g.add_argument("project", metavar="PROJECT.json")
    add_point_arguments(g)
    g.add_argument(
        "--max-points",
        type=count,
        metavar="N",
        default=500,
        help="use at most this many training points, evenly spaced (default 500)",
    )
    g.add_argument(
        "--initial", action="store_true", help="check the initial weights, not the current ones"
    )
    g.add_argument(
        "--top", type=int, metavar="N", default=10, help="show the N worst parameters (10)"
    )
    g.add_argument(
        "--h",
        type=float,
        metavar="H",
        default=DEFAULT_H,
        help="finite-difference step (1e-6; from 1e-12 to 0.1)",
    )
    g.add_argument("--json", action="store_true", help="print every parameter as JSON")
    return g


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Check the gradients and report on ``out``; raise CheckFailedError when they disagree."""
    if not (math.isfinite(args.h) and MIN_H <= args.h <= MAX_H):
        raise UsageError(
            f"--h must be a small positive number, from {MIN_H:g} to {MAX_H:g} "
            f"(default 1e-6), got {args.h:g}"
        )
    if args.max_points < 1:
        raise UsageError(f"--max-points must be at least 1, got {args.max_points}")
    check_count(args.max_points, "--max-points", 1, MAX_POINTS)
    p = project.load(args.project)
    net = p.network
    if args.initial:
        # Trained weights give tiny gradients whose numeric estimate is mostly round-off.
        net.reset()
    if p.regression:
        X, Y, what = _regression_points(args, p)
        return _report_check(args, out, net, X, Y, what)
    if args.point is not None or args.index is not None:
        x, target, _ = point_and_target(args, p)
        X = p.network_input(x)
        y = np.array([int(net.predict(X)[0]) if target is None else target])
        what = "1 point"
    else:
        if p.dataset is None:
            raise UsageError("this project holds no data: check on a point with --point x1,x2,...")
        X, y = p.network_input(p.dataset.X_train), p.dataset.y_train
        if len(y) == 0:
            raise UsageError("the project has no training points: use --point x1,x2,...")
        if len(y) > args.max_points:
            # Evenly spaced rows: generated datasets are grouped by class, so the first N
            # points could all be of one class.
            keep = np.unique(np.linspace(0, len(y) - 1, args.max_points).round().astype(int))
            X, y = X[keep], y[keep]
        what = f"{len(y):,} training point{'s' if len(y) != 1 else ''}"
    return _report_check(args, out, net, X, net.encode(y, p.n_classes), what)


def _regression_points(
    args: argparse.Namespace, p: project.Project
) -> tuple[np.ndarray, np.ndarray, str]:
    """A regression project's points and targets as the network trains on them (standardised)."""
    if args.point is not None or args.index is not None:
        x, values, _ = point_and_values(args, p)
        X = p.network_input(x)
        if values is None:
            with np.errstate(all="ignore"):
                values = p.predict_values(x)[0]
        return X, p.network_targets(values), "1 point"
    ds = p.dataset
    if ds is None:
        raise UsageError("this project holds no data: check on a point with --point x1,x2,...")
    X, T = ds.X_train, ds.targets_train
    if len(X) == 0:
        raise UsageError("the project has no training points: use --point x1,x2,...")
    if len(X) > args.max_points:
        keep = np.unique(np.linspace(0, len(X) - 1, args.max_points).round().astype(int))
        X, T = X[keep], T[keep]
    what = f"{len(X):,} training point{'s' if len(X) != 1 else ''}"
    return p.network_input(X), p.network_targets(T), what


def _report_check(
    args: argparse.Namespace,
    out: TextIO,
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    what: str,
) -> int:
    """Run the check on ``X``, ``Y`` (as the network trains on them), report, give the status."""
    points = len(X)
    with np.errstate(all="ignore"):
        result = core_gradcheck.check(net, X, Y, h=args.h)
    if args.json:
        out.write(to_json(_report(result, points, args.h)) + "\n")
    else:
        out.write(_text(result, args.top, net.n_params, net.describe(), what, args.h) + "\n")
    if result.verdict == "wrong":
        # Said on stderr too, so that a failure is never silent (with --json or --quiet).
        raise CheckFailedError(
            f"back-propagation disagrees with central differences: worst relative error "
            f"{result.max_error:.2e} at {result.names[result.worst]} "
            f"(above {core_gradcheck.SUSPECT:g})"
        )
    return EXIT_OK


def _report(result: core_gradcheck.GradCheck, points: int, h: float) -> dict:
    return {
        "points": points,
        "h": h,
        "max_error": result.max_error,
        "worst": result.names[result.worst] if len(result.names) else None,
        "verdict": result.verdict,
        "parameters": [
            {
                "name": result.names[i],
                "analytic": finite(result.analytic[i]),
                "numeric": finite(result.numeric[i]),
                "relative_error": finite(result.relative_error[i]),
            }
            for i in range(len(result.names))
        ],
    }


def _text(
    result: core_gradcheck.GradCheck, top: int, n_params: int, network: str, what: str, h: float
) -> str:
    order = result.order()[: max(top, 0)]
    rows = [["parameter", "backprop", "numeric", "relative error"]]
    for i in order:
        rows.append(
            [
                result.names[i],
                f"{result.analytic[i]:.6e}",
                f"{result.numeric[i]:.6e}",
                f"{result.relative_error[i]:.1e}",
            ]
        )
    shown = f"the {len(order)} worst shown" if len(order) < n_params else "all shown"
    good, suspect = core_gradcheck.GOOD, core_gradcheck.SUSPECT
    meaning = {
        "ok": f"back-propagation agrees with central differences (below {good:g})",
        "suspect": (
            f"between {good:g} and {suspect:g}: usually round-off on tiny "
            "gradients or saturated units, or a kink (ReLU, step); look at the worst rows"
        ),
        "wrong": f"above {suspect:g}: the analytic gradient is wrong",
    }[result.verdict]
    lines = [
        f"Gradient check of {network} on {what} (central differences, h = {h:g})",
        *table(rows, ""),
        f"({n_params} parameters, {shown})",
        f"worst relative error: {result.max_error:.2e} at {result.names[result.worst]}",
        f"verdict: {result.verdict}: {meaning}",
    ]
    return "\n".join(lines)
