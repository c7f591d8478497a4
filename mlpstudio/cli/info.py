"""``mlpstudio info``: what a project file holds, and the costs of its current weights.

The costs are recomputed from the weights rather than read from the history, which may be
thinned or come from another build. A regression project shows its task, its targets, and the
cost (on the standardised targets, as trained), R² and RMSE (in the targets' own units) instead
of the accuracy.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any, TextIO

import numpy as np

from mlpstudio.core import losses, project
from mlpstudio.core import notation as nt
from mlpstudio.core.regression import RegressionData

from .common import EXIT_OK, finite, fmt, pct, to_json, vec

NAME = "info"


def add_arguments(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``info`` and its options to the command parsers; return its parser."""
    i = subparsers.add_parser(
        NAME,
        help="architecture, dataset, training state and costs of a project",
        description=textwrap.fill(
            "Summarise a project file: network, data, settings, epoch and costs.", 79
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    i.add_argument("project", metavar="PROJECT.json")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    return i


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the summary of ``args.project`` on ``out``."""
    p = project.load(args.project)
    report = _report(p, args.project)
    out.write((to_json(report) if args.json else _text(p, report, args.project)) + "\n")
    return EXIT_OK


def current_metrics(p: project.Project) -> dict[str, Any]:
    """Cost and accuracy of the current weights (recomputed: the history may be thinned).

    For regression: ``{part}_cost`` (mean E_x on the standardised targets, as trained),
    ``{part}_r2`` and ``{part}_rmse`` (in the targets' units: a number for one target, a list
    for several), for the parts (train, test) that have points.
    """
    ds = p.dataset
    if ds is None:
        return {}
    if isinstance(ds, RegressionData):
        return _regression_metrics(p, ds)
    net = p.network
    metrics: dict[str, float | None] = {}
    for part, mask in (("train", ds.train_mask), ("test", ~ds.train_mask)):
        if not mask.any():
            continue
        X, y = p.network_input(ds.X[mask]), ds.y[mask]
        with np.errstate(all="ignore"):
            out = net.predict_proba(X)
            cost = losses.cost(net.loss, net.output_activation, out, net.encode(y, p.n_classes))
        metrics[f"{part}_cost"] = finite(cost)
        metrics[f"{part}_accuracy"] = float(np.mean(net.classify(out) == y))
    return metrics


def _regression_metrics(p: project.Project, ds: RegressionData) -> dict[str, Any]:
    net = p.network
    metrics: dict[str, Any] = {}
    for part, mask in (("train", ds.train_mask), ("test", ~ds.train_mask)):
        if not mask.any():
            continue
        T = ds.targets[mask]
        with np.errstate(all="ignore"):
            predicted = p.predict_values(ds.X[mask])
            out = net.predict_proba(p.network_input(ds.X[mask]))
            cost = losses.cost(net.loss, net.output_activation, out, p.network_targets(T))
            r2 = losses.r_squared(predicted, T)
            rmse = [finite(v) for v in losses.rmse(predicted, T).tolist()]
        metrics[f"{part}_cost"] = finite(cost)
        metrics[f"{part}_r2"] = finite(r2)
        metrics[f"{part}_rmse"] = rmse[0] if len(rmse) == 1 else rmse
    return metrics


def fit_line(part: str, metrics: dict[str, Any]) -> str:
    """``train:    cost 0.02, R² 0.981, RMSE 0.097``: a regression fit for people."""
    cost, r2, rmse = (metrics[f"{part}_{key}"] for key in ("cost", "r2", "rmse"))
    if isinstance(rmse, list):
        rmse_text = vec([v if v is not None else float("nan") for v in rmse], 4)
    else:
        rmse_text = fmt(rmse, 4) if rmse is not None else "n/a"
    return (
        f"{part + ':':<9} cost {fmt(cost) if cost is not None else 'inf'}, "
        f"R² {fmt(r2, 4) if r2 is not None else 'n/a'}, RMSE {rmse_text}"
    )


def _report(p: project.Project, file: str) -> dict[str, Any]:
    net, ds, s = p.network, p.dataset, p.settings
    report: dict[str, Any] = {
        "file": file,
        "format": project.FORMAT,
        "version": project.VERSION,
        "name": p.name,
        "task": p.task,
        "network": {
            "sizes": net.sizes,
            "activations": net.activations,
            "loss": net.loss,
            "parameters": net.n_params,
            "init": net.init,
            "seed": net.seed,
            "dtype": net.dtype.name,
            "standardised": p.standardisation is not None,
            "targets_standardised": p.target_standardisation is not None,
            "features": None if net.features is None else list(net.features),
            "warnings": net.warnings(),
        },
        "dataset": None,
        "training": {**s.to_dict(), "epoch": p.epoch},
        "history_rows": len(p.history),
        **current_metrics(p),
    }
    if isinstance(ds, RegressionData):
        report["dataset"] = {
            "points": ds.n_points,
            "train": int(ds.train_mask.sum()),
            "test": int((~ds.train_mask).sum()),
            "features": ds.feature_names,
            "targets": ds.target_names,
            "generator": ds.generator,
        }
    elif ds is not None:
        report["dataset"] = {
            "points": ds.n_points,
            "train": int(ds.train_mask.sum()),
            "test": int((~ds.train_mask).sum()),
            "features": ds.feature_names,
            "classes": ds.class_names,
            "class_counts": np.bincount(ds.y, minlength=ds.n_classes).tolist(),
            "generator": ds.generator,
        }
    return report


def _text(p: project.Project, report: dict[str, Any], file: str) -> str:
    net, ds, s = p.network, p.dataset, p.settings
    lines = [f"project:  {file}" + (f" ({p.name})" if p.name else "")]
    if p.regression:
        lines.append("task:     regression (real-valued targets; R² and RMSE measure the fit)")
    lines.append(
        f"network:  {'-'.join(map(str, net.sizes))}, activations {'/'.join(net.activations)}, "
        f"loss {net.loss}"
    )
    lines.append(
        f"          {net.n_params} parameters, {net.dtype.name}, initialised {net.init} "
        f"with seed {net.seed}"
        + (", inputs standardised" if p.standardisation is not None else "")
        + (", targets standardised" if p.target_standardisation is not None else "")
    )
    if net.features is not None:
        names = ", ".join(nt.plain(nt.feature_name(k)) for k in net.features)
        lines.append(f"inputs:   {names} (derived from the point's x_1, x_2)")
    if ds is None:
        lines.append("dataset:  none (a model without data)")
    else:
        d = report["dataset"]
        lines.append(
            f"dataset:  {ds.n_points:,} points ({d['train']:,} train, {d['test']:,} test), "
            f"features {', '.join(ds.feature_names)}"
        )
    if isinstance(ds, RegressionData):
        names = ", ".join(ds.target_names)
        lines.append(f"          target{'s' if ds.n_targets != 1 else ''} {names}")
    elif ds is not None:
        classes = ", ".join(
            f"{n}: {c:,}"
            for n, c in zip(ds.class_names, report["dataset"]["class_counts"], strict=True)
        )
        lines.append(f"          {ds.n_classes} classes ({classes})")
    if ds is not None and ds.generator:
        gen = ", ".join(f"{k} {v}" for k, v in ds.generator.items() if k != "name")
        lines.append(f"          generated by {ds.generator.get('name')} ({gen})")
    target = "none" if s.target_cost is None else fmt(s.target_cost)
    lines.append(
        f"training: {s.optimizer}, learning rate {fmt(s.learning_rate)}, batch size "
        f"{s.batch_size}, momentum {fmt(s.momentum)}, L2 {fmt(s.l2)}, seed {s.seed}, "
        f"target cost {target}"
    )
    lines.append(f"epoch:    {p.epoch:,} ({len(p.history):,} history rows)")
    for part in ("train", "test"):
        if f"{part}_r2" in report:
            lines.append(fit_line(part, report))
        if f"{part}_accuracy" in report:
            cost = report[f"{part}_cost"]
            lines.append(
                f"{part + ':':<9} cost {fmt(cost) if cost is not None else 'inf'}, "
                f"accuracy {pct(report[f'{part}_accuracy'] or 0.0)}"
            )
    lines += [f"warning:  {w}" for w in net.warnings()]
    return "\n".join(lines)
