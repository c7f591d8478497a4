"""``mlpstudio train``: train a network headless, print the final metrics, save the project.

The project to train is built in :mod:`.build`; this module runs the trainer (with a progress bar
on a terminal), keeps what was learnt on Ctrl-C, and reports.
"""

from __future__ import annotations

import argparse
import os
import textwrap
import time
from dataclasses import replace
from typing import Any, TextIO

from mlpstudio.core import activations as act_table
from mlpstudio.core import datasets, losses, optimizers, project, regression
from mlpstudio.core import features as features_mod
from mlpstudio.core.network import INITS, MAX_UNITS
from mlpstudio.core.project import schema

from . import build, limits
from .architecture import REGRESSION_HIDDEN, REGRESSION_OUTPUT
from .common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    MAX_EPOCHS,
    UsageError,
    count,
    finite,
    fmt,
    pct,
    to_json,
)
from .info import current_metrics, fit_line

NAME = "train"
DEFAULT_EPOCHS = 1000
MIN_POINTS, MAX_POINTS = schema.GENERATOR_POINTS  # what the file (and the app's panel) accepts


def add_arguments(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``train`` and its options to the command parsers; return its parser."""
    t = subparsers.add_parser(
        NAME,
        help="train a network and save the project",
        description=textwrap.fill(
            "Train a network on generated points, a CSV file or a saved project, then print "
            "the final metrics (and save the project with --out). A classifier learns class "
            "labels; with --task regression (implied by --target or a regression --dataset) the "
            "network fits real-valued targets. Regression defaults: one hidden layer of "
            f"{REGRESSION_HIDDEN[0]} {REGRESSION_HIDDEN[1]} units, a {REGRESSION_OUTPUT} output "
            "unit per target, the squared error, inputs and targets standardised on the "
            "training points (--no-standardise: raw), and adam with learning rate "
            f"{build.REGRESSION_TRAINING.learning_rate:g}; the metrics are the cost (on the "
            "standardised targets), R² and the RMSE in the targets' own units.",
            79,
        ),
        epilog=(
            "examples:\n"
            "  mlpstudio train --dataset xor --layers 2,2,1 --lr 2 --epochs 5000 --out xor.json\n"
            "  mlpstudio train --dataset spirals --classes 3 --points 300 --layers 2,16,16,3 \\\n"
            "      --activation tanh --loss cross_entropy --optimizer adam --lr 0.01 \\\n"
            "      --test-ratio 0.2 --json\n"
            "  mlpstudio train --data iris.csv --label species --standardise --out iris.json\n"
            "  mlpstudio train --project xor.json --epochs 1000 --out xor.json\n"
            "  mlpstudio train --dataset sine --noise 0.1 --test-ratio 0.25 --out sine.json\n"
            "  mlpstudio train --data houses.csv --target price --test-ratio 0.2 --out houses.json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    data = t.add_argument_group("data (choose one source)")
    data.add_argument(
        "--task",
        choices=losses.TASKS,
        help="classification (default) or regression (real-valued targets; implied by "
        "--target or a regression --dataset)",
    )
    data.add_argument(
        "--dataset",
        metavar="NAME",
        choices=[*datasets.GENERATORS, *regression.GENERATORS],
        help=f"a generated dataset: classes: {', '.join(datasets.GENERATORS)} (xor alone: the "
        f"lecture's 4 points); regression: {', '.join(regression.GENERATORS)} (1-D on "
        "[-1, 1], e.g. sine: y = sin 3x; plane and gauss: 2-D)",
    )
    data.add_argument("--data", metavar="FILE.csv", help="points from a CSV file")
    data.add_argument("--project", metavar="FILE.json", help="continue training a saved project")
    data.add_argument(
        "--points",
        type=count,
        metavar="N",
        help=f"number of generated points (default 200; {MIN_POINTS} to {MAX_POINTS:,})",
    )
    data.add_argument(
        "--noise",
        type=float,
        metavar="X",
        default=0.0,
        help="noise from 0 to 1 (default 0); for a regression dataset the standard deviation "
        "of Gaussian noise added to y",
    )
    data.add_argument(
        "--classes", type=int, metavar="K", help="classes of circles/spirals/blobs (2 to 8)"
    )
    data.add_argument(
        "--data-seed", type=int, metavar="S", help="seed of the generator (default: --seed)"
    )
    data.add_argument(
        "--features", metavar="A,B", help="CSV feature columns by name or 0-based index"
    )
    data.add_argument("--label", metavar="C", help="CSV label column (default: the last)")
    data.add_argument(
        "--target",
        metavar="Y[,Y...]",
        help="regression: the CSV target column(s) of real numbers, by name or 0-based index "
        "(the features: every other column but split)",
    )
    data.add_argument(
        "--test-ratio",
        type=float,
        metavar="R",
        help="hold out this fraction of the points for testing (default 0: train on every "
        "point; a CSV split column or a project's split is kept)",
    )
    data.add_argument(
        "--standardise",
        "--standardize",
        action="store_true",
        help="feed the network (x − mean) / std of the training points (kept in the "
        "project); always on for regression, which standardises the targets too",
    )
    data.add_argument(
        "--no-standardise",
        "--no-standardize",
        action="store_true",
        help="regression: train on the raw points and targets",
    )

    net = t.add_argument_group("network")
    net.add_argument(
        "--layers",
        metavar="2,4,1",
        help="units per layer, input to output (default: features,4,1 for two classes; "
        f"K outputs for K classes; at most {MAX_UNITS:,} units a layer)",
    )
    net.add_argument(
        "--activation",
        metavar="NAME[,NAME...]",
        help=f"hidden activation, for every hidden layer or one per layer: "
        f"{', '.join(act_table.HIDDEN_ACTIVATIONS)} (default sigmoid)",
    )
    net.add_argument(
        "--output-activation",
        metavar="NAME",
        help="output activation (default sigmoid, as in the lecture; softmax for "
        "cross_entropy over K > 1 units; step for the perceptron rule)",
    )
    net.add_argument("--loss", choices=losses.LOSSES, help="default squared_error (the lecture's)")
    net.add_argument("--init", choices=INITS, help="initial weights (default xavier)")
    net.add_argument("--dtype", choices=project.DTYPES, help="float type (default float64)")
    net.add_argument(
        "--inputs",
        metavar="x1,x2,...",
        help="what the input units see, for 2-D points: x1,x2 (default) plus any derived "
        f"features of {', '.join(features_mod.KEYS)}; e.g. x1,x2,x1*x2",
    )

    tr = t.add_argument_group("training")
    tr.add_argument(
        "--optimizer",
        choices=optimizers.OPTIMIZERS,
        help="gd: the whole training set per step (the lecture's, default); sgd: mini-batches "
        "of --batch-size (1: online); momentum; adam; perceptron: the perceptron rule for a "
        "single layer of step units",
    )
    tr.add_argument("--lr", type=float, metavar="ETA", help="learning rate η (default 0.5)")
    tr.add_argument(
        "--batch-size", type=count, metavar="N", help="points per step for sgd/momentum/adam (32)"
    )
    tr.add_argument("--momentum", type=float, metavar="MU", help="momentum μ (default 0.9)")
    tr.add_argument(
        "--l2", type=float, metavar="LAMBDA", help="L2 penalty λ on the weights (default 0)"
    )
    tr.add_argument(
        "--epochs",
        type=count,
        metavar="N",
        default=DEFAULT_EPOCHS,
        help=f"epochs to train (default {DEFAULT_EPOCHS}, at most {MAX_EPOCHS:,}; 0 saves the "
        "untrained network)",
    )
    tr.add_argument(
        "--target-cost",
        type=build.target_cost,
        metavar="E",
        help="stop once the training cost is this low ('none': drop a project's target)",
    )
    tr.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed of the initial weights, the split and the shuffling (0)",
    )
    tr.add_argument(
        "--reset", action="store_true", help="with --project: start over from its initial weights"
    )

    o = t.add_argument_group("output")
    o.add_argument("--out", metavar="FILE.json", help="save the project here (default: no save)")
    o.add_argument("--name", help="a name for the project")
    o.add_argument("--notes", help="notes kept in the project")
    o.add_argument("--json", action="store_true", help="print the final metrics as JSON")
    return t


class Progress:
    """A one-line ``\\r`` progress bar on a terminal."""

    WIDTH = 28

    def __init__(self, stream: TextIO, start: int, total: int) -> None:
        self.stream, self.start, self.total = stream, start, max(total, 1)

    def update(self, epoch: int, cost: float, accuracy: float, regression: bool = False) -> None:
        frac = min(max((epoch - self.start) / self.total, 0.0), 1.0)
        bar = "#" * round(self.WIDTH * frac)
        second = f"R² {fmt(accuracy, 4)}" if regression else f"accuracy {pct(accuracy)}"
        self.stream.write(
            f"\r[{bar:<{self.WIDTH}}] epoch {epoch:,}/{self.start + self.total:,}  "
            f"cost {fmt(cost, 4)}  {second}   "
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Train as the arguments say; report on ``out`` (progress and warnings on ``err``)."""
    sources = [f for f in ("dataset", "data", "project") if getattr(args, f)]
    if len(sources) != 1:
        raise UsageError(
            "choose the data with exactly one of --dataset NAME, --data FILE.csv "
            "or --project FILE.json"
        )
    limits.check_limits(args)
    if args.out:
        # Found out now rather than after a long run: the save would fail at the end.
        folder = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(folder):
            raise UsageError(f"--out: the folder {folder} does not exist")
    p = build.continued_project(args) if args.project else build.new_project(args)
    if args.name is not None:
        p.name = args.name
    if args.notes is not None:
        p.notes = args.notes
    limits.check_savable(p)  # what would fail at the save fails now, before any training
    limits.check_inputs_fit(p)
    if args.project and args.test_ratio is not None and p.standardisation is not None:
        print(
            "mlpstudio train: warning: --test-ratio made a new split, so the standardisation was "
            "fitted again on the new training points: the network's inputs shift slightly",
            file=err,
        )
    if p.settings.optimizer != "perceptron":  # the warnings say what the perceptron rule fixes
        for warning in p.network.warnings():
            print(f"mlpstudio train: warning: {warning}", file=err)

    # The command line counts --epochs from where the project stands, whatever maximum the app
    # stored, so the stored maximum is set aside for the run and kept in the saved file.
    stored_max = p.settings.max_epochs
    p.settings = replace(p.settings, max_epochs=None)
    trainer = p.trainer()
    start, target = trainer.epoch, trainer.epoch + args.epochs
    bar = Progress(err, start, args.epochs) if err.isatty() else None
    stopped = None
    interrupted = False
    began = time.perf_counter()
    try:
        while stopped is None and trainer.epoch < target:
            stopped = trainer.run(epochs=target - trainer.epoch, seconds=0.1)
            if bar:
                h = trainer.history
                bar.update(trainer.epoch, h.train_cost[-1], h.train_accuracy[-1], p.regression)
    except KeyboardInterrupt:
        interrupted = True  # keep what was learnt: report it and save it below
    finally:
        if bar:
            bar.close()
    seconds = time.perf_counter() - began
    p.record(trainer)
    p.settings = replace(p.settings, max_epochs=stored_max)

    h = trainer.history
    ds = p.dataset
    assert ds is not None
    result: dict[str, Any] = {
        "epochs": trainer.epoch,
        "epochs_run": trainer.epoch - start,
        "stopped": "interrupted" if interrupted else (stopped or "max_epochs"),
        "message": trainer.message,
    }
    has_test = bool((~ds.train_mask).any())
    parts = ("train", "test") if has_test else ("train",)
    if p.regression:
        # The cost as trained (standardised targets), R², and the RMSE in the targets' units.
        result["task"] = p.task
        fit = current_metrics(p)
        for part in parts:
            result[f"{part}_cost"] = fit[f"{part}_cost"]
            result[f"{part}_r2"] = fit[f"{part}_r2"]
            result[f"{part}_rmse"] = fit[f"{part}_rmse"]
    else:
        result["train_cost"] = finite(h.train_cost[-1])
        result["train_accuracy"] = h.train_accuracy[-1]
        if has_test:
            result["test_cost"] = finite(h.test_cost[-1])
            result["test_accuracy"] = h.test_accuracy[-1]
    result.update(
        network=p.network.describe(),
        parameters=p.network.n_params,
        train_points=int(ds.train_mask.sum()),
        test_points=int((~ds.train_mask).sum()),
        seconds=round(seconds, 3),
        saved=os.fspath(args.out) if args.out else None,
    )
    if args.out:
        project.save(p, args.out)

    if args.json:
        out.write(to_json(result) + "\n")
    else:
        out.write(_summary(args, p, result, seconds) + "\n")
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


def _summary(
    args: argparse.Namespace, p: project.Project, result: dict[str, Any], seconds: float
) -> str:
    s, ds, h = p.settings, p.dataset, p.history
    assert ds is not None
    source = (ds.generator or {}).get("name") or args.data or args.project
    if isinstance(ds, regression.RegressionData):
        what = f"target{'s' if ds.n_targets != 1 else ''} {', '.join(ds.target_names)}"
    else:
        what = f"{ds.n_classes} classes"
    lines = [
        f"network:  {p.network.describe()} ({p.network.n_params} parameters)",
        f"data:     {source}: {ds.n_points:,} points ({result['train_points']:,} train, "
        f"{result['test_points']:,} test), {what}",
        f"training: {s.optimizer}, learning rate {fmt(s.learning_rate)}"
        + (f", batch size {s.batch_size}" if s.optimizer in ("sgd", "momentum", "adam") else "")
        + (f", momentum {fmt(s.momentum)}" if s.optimizer == "momentum" else "")
        + (f", L2 {fmt(s.l2)}" if s.l2 else ""),
        f"stopped:  {result['stopped']} after {result['epochs_run']:,} epochs "
        f"(epoch {result['epochs']:,}, {seconds:.2f} s)"
        + (f": {result['message']}" if result["message"] else ""),
    ]
    if p.regression:
        lines += [fit_line(part, result) for part in ("train", "test") if f"{part}_r2" in result]
    else:
        lines.append(
            f"train:    cost {fmt(h.train_cost[-1])}, accuracy {pct(h.train_accuracy[-1])}"
        )
        if "test_cost" in result:
            lines.append(
                f"test:     cost {fmt(h.test_cost[-1])}, accuracy {pct(h.test_accuracy[-1])}"
            )
    if args.out:
        lines.append(f"saved:    {args.out}")
    return "\n".join(lines)
