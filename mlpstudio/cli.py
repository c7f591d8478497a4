"""The headless command line: ``mlpstudio train | predict | inspect | gradcheck | info``.

Everything here is a thin layer over :mod:`mlpstudio.core`; nothing imports Qt, so the commands
start fast and run on servers without display libraries. A bad argument or file gives one line
on stderr (``mlpstudio train: error: ...``) and a non-zero status, never a traceback: 2 for a
usage error, 1 for a file or data that cannot be used (and for a failed gradient check).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, NoReturn, TextIO

import numpy as np

from mlpstudio import __version__
from mlpstudio.core import activations as act_table
from mlpstudio.core import datasets, gradcheck, losses, optimizers, project
from mlpstudio.core.network import INITS, Network
from mlpstudio.core.training import History, TrainingError, TrainSettings

Array = np.ndarray

COMMANDS = ("train", "predict", "inspect", "gradcheck", "info")
DEFAULT_EPOCHS = 1000
DEFAULT_HIDDEN = 4
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """Arguments that do not fit together or do not fit the data (exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``mlpstudio train: error: ...`` and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


# --------------------------------------------------------------------------------------------
# Small parsers for argument values
# --------------------------------------------------------------------------------------------


def _items(text: str, flag: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if not text.strip() or any(not item for item in items):
        raise UsageError(f"{flag}: expected a comma-separated list, got {text!r}")
    return items


def _int_list(text: str, flag: str) -> list[int]:
    try:
        return [int(item) for item in _items(text, flag)]
    except ValueError:
        raise UsageError(f"{flag}: expected integers separated by commas, got {text!r}") from None


def _float_list(text: str, flag: str) -> list[float]:
    try:
        values = [float(item) for item in _items(text, flag)]
    except ValueError:
        raise UsageError(f"{flag}: expected numbers separated by commas, got {text!r}") from None
    if not all(math.isfinite(v) for v in values):
        raise UsageError(f"{flag}: every value must be a finite number, got {text!r}")
    return values


def _join_negative_values(argv: list[str]) -> list[str]:
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


def _fmt(x: float, digits: int = 6) -> str:
    """A number for people: ``digits`` significant digits, no ``-0``."""
    if isinstance(x, float) and math.isnan(x):
        return "n/a"
    text = f"{x:.{digits}g}"
    return "0" if text == "-0" else text


def _vec(values: Sequence[float], digits: int = 6) -> str:
    return "(" + ", ".join(_fmt(float(v), digits) for v in values) + ")"


def _pct(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{100 * x:.1f}%"


def _finite(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


# --------------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------------


def _load_data(args: argparse.Namespace) -> datasets.Dataset:
    if args.dataset:
        for flag in ("features", "label"):
            if getattr(args, flag) is not None:
                raise UsageError(f"--{flag} is for --data FILE.csv, not --dataset")
        seed = args.data_seed if args.data_seed is not None else (args.seed or 0)
        kwargs: dict[str, Any] = {"noise": args.noise, "seed": seed}
        if args.points is not None:
            kwargs["points"] = args.points
        if args.classes is not None:
            kwargs["classes"] = args.classes
        try:
            return datasets.generate(args.dataset, **kwargs)
        except datasets.DataError as exc:
            raise UsageError(f"--dataset {args.dataset}: {exc}") from None
    for flag in ("points", "classes", "data_seed"):
        if getattr(args, flag) is not None:
            raise UsageError(f"--{flag.replace('_', '-')} is for --dataset NAME, not --data")
    if args.noise:
        raise UsageError("--noise is for --dataset NAME, not --data")

    def column(item: str) -> str | int:
        # A number picks a column by 0-based index, anything else by its header name.
        return int(item) if item.lstrip("-").isdigit() else item

    features = [column(f) for f in _items(args.features, "--features")] if args.features else None
    label = column(args.label) if args.label is not None else None
    return datasets.read_csv(args.data, features=features, label=label)


def _hidden_activations(args: argparse.Namespace, n_hidden: int | None) -> list[str]:
    names = _items(args.activation, "--activation") if args.activation else ["sigmoid"]
    for name in names:
        act = act_table.ACTIVATIONS.get(name)
        if act is None or act.output_only:
            known = ", ".join(act_table.HIDDEN_ACTIVATIONS)
            raise UsageError(f"--activation: unknown hidden activation {name!r} (known: {known})")
    if n_hidden is None:
        return names
    if len(names) == 1:
        return names * n_hidden
    if len(names) != n_hidden:
        raise UsageError(
            f"--activation lists {len(names)} activations but --layers has {n_hidden} hidden "
            "layers: give one name for all of them or one per hidden layer"
        )
    return names


def _build_network(args: argparse.Namespace, ds: datasets.Dataset, seed: int) -> Network:
    d, C = ds.n_features, ds.n_classes
    loss = args.loss or "squared_error"
    perceptron = args.optimizer == "perceptron"
    out_act = args.output_activation
    if out_act is not None and out_act not in act_table.ACTIVATIONS:
        known = ", ".join(act_table.OUTPUT_ACTIVATIONS)
        raise UsageError(f"--output-activation: unknown activation {out_act!r} (known: {known})")

    if args.layers is None:
        if perceptron:
            hidden: list[int] = []
            hidden_acts: list[str] = []
        else:
            hidden_acts = _hidden_activations(args, None)
            hidden = [DEFAULT_HIDDEN] * len(hidden_acts)
        if out_act is None:
            out_act = _default_output(loss, perceptron and not hidden, C if C > 2 else 1)
        K = 1 if C == 2 and out_act != "softmax" else C
        sizes = [d, *hidden, K]
    else:
        sizes = _int_list(args.layers, "--layers")
        if len(sizes) < 2:
            raise UsageError("--layers: give at least the input and output sizes, e.g. 2,4,1")
        if sizes[0] != d:
            raise UsageError(
                f"--layers starts with {sizes[0]} inputs but the data has {d} "
                f"feature{'s' if d != 1 else ''}"
            )
        K = sizes[-1]
        if not (K == C or (K == 1 and C == 2)):
            hint = f"use {C}" + (", or 1 for two classes" if C == 2 else "")
            raise UsageError(
                f"--layers ends with {K} output unit{'s' if K != 1 else ''} but the data has "
                f"{C} classes ({hint})"
            )
        hidden_acts = _hidden_activations(args, len(sizes) - 2)
        if out_act is None:
            out_act = _default_output(loss, perceptron and len(sizes) == 2, K)
    if perceptron and (len(sizes) != 2 or out_act != "step"):
        raise UsageError(
            "--optimizer perceptron trains one layer of step units: use no hidden layer "
            f"(--layers {d},{K}) and --output-activation step"
        )
    try:
        return Network(
            sizes,
            [*hidden_acts, out_act],
            loss,
            seed=seed,
            init=args.init or "xavier",
            dtype=args.dtype or "float64",
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _default_output(loss: str, step: bool, n_outputs: int) -> str:
    # The lecture's sigmoid output; softmax when cross-entropy spreads over K > 1 units.
    if step:
        return "step"
    return "softmax" if loss == "cross_entropy" and n_outputs > 1 else "sigmoid"


_NETWORK_FLAGS = ("layers", "activation", "output_activation", "loss", "init", "dtype")
_DATA_FLAGS = ("points", "noise", "classes", "data_seed", "features", "label", "standardise")


_NO_TARGET = "none"


def _target_cost(text: str) -> float | str:
    """``--target-cost``: a number, or ``none`` to drop a project's target."""
    if text.strip().lower() == _NO_TARGET:
        return _NO_TARGET
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'none', got {text!r}") from None


def _settings(args: argparse.Namespace, base: TrainSettings) -> TrainSettings:
    changes = {
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "batch_size": args.batch_size,
        "momentum": args.momentum,
        "l2": args.l2,
        "target_cost": None if args.target_cost == _NO_TARGET else args.target_cost,
        "seed": args.seed,
    }
    settings = replace(base, **{k: v for k, v in changes.items() if v is not None})
    if args.target_cost == _NO_TARGET:
        settings.target_cost = None
    try:
        return settings.validate()
    except TrainingError as exc:
        raise UsageError(str(exc)) from None


def _new_project(args: argparse.Namespace) -> project.Project:
    seed = args.seed or 0
    ds = _load_data(args)
    if args.test_ratio is not None:
        try:
            ds = datasets.split(ds, args.test_ratio, seed)
        except datasets.DataError as exc:
            raise UsageError(f"--test-ratio: {exc}") from None
    net = _build_network(args, ds, seed)
    standardisation = None
    if args.standardise:
        _, mean, std = datasets.standardise(ds.X_train)
        standardisation = {"mean": mean.tolist(), "std": std.tolist()}
    return project.Project(
        network=net,
        dataset=ds,
        settings=_settings(args, TrainSettings(learning_rate=0.5)),
        standardisation=standardisation,
    )


def _continued_project(args: argparse.Namespace) -> project.Project:
    for flag in (*_NETWORK_FLAGS, *_DATA_FLAGS):
        value = getattr(args, flag)
        if value not in (None, False):
            raise UsageError(
                f"--{flag.replace('_', '-')} cannot be used with --project: the project fixes "
                "its network and data"
            )
    p = project.load(args.project)
    if p.dataset is None:
        raise project.ProjectError(
            f"{args.project}: the project has no dataset to train on (it holds a model only)"
        )
    if args.reset:
        p.network.reset()
        p.epoch = 0
        p.history = History()
    if args.test_ratio is not None:
        seed = args.seed if args.seed is not None else p.settings.seed
        try:
            p.dataset = datasets.split(p.dataset, args.test_ratio, seed)
        except datasets.DataError as exc:
            raise UsageError(f"--test-ratio: {exc}") from None
    p.settings = _settings(args, p.settings)
    return p


class _Progress:
    """A one-line ``\\r`` progress bar on a terminal."""

    WIDTH = 28

    def __init__(self, stream: TextIO, start: int, total: int) -> None:
        self.stream, self.start, self.total = stream, start, max(total, 1)

    def update(self, epoch: int, cost: float, accuracy: float) -> None:
        frac = min(max((epoch - self.start) / self.total, 0.0), 1.0)
        bar = "#" * round(self.WIDTH * frac)
        self.stream.write(
            f"\r[{bar:<{self.WIDTH}}] epoch {epoch:,}/{self.start + self.total:,}  "
            f"cost {_fmt(cost, 4)}  accuracy {_pct(accuracy)}   "
        )
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def cmd_train(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    sources = [f for f in ("dataset", "data", "project") if getattr(args, f)]
    if len(sources) != 1:
        raise UsageError(
            "choose the data with exactly one of --dataset NAME, --data FILE.csv "
            "or --project FILE.json"
        )
    if args.epochs < 0:
        raise UsageError(f"--epochs must be 0 or more, got {args.epochs}")
    for flag in ("seed", "data_seed"):
        value = getattr(args, flag)
        if value is not None and not 0 <= value < 2**63:
            raise UsageError(f"--{flag.replace('_', '-')} must be 0 or more, got {value}")
    if args.out:
        # Found out now rather than after a long run: the save would fail at the end.
        folder = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(folder):
            raise UsageError(f"--out: the folder {folder} does not exist")
    p = _continued_project(args) if args.project else _new_project(args)
    if args.name is not None:
        p.name = args.name
    if args.notes is not None:
        p.notes = args.notes
    if p.settings.optimizer != "perceptron":  # the warnings say what the perceptron rule fixes
        for warning in p.network.warnings():
            print(f"mlpstudio train: warning: {warning}", file=err)

    # The command line counts --epochs from where the project stands, whatever maximum the app
    # stored, so the stored maximum is set aside for the run and kept in the saved file.
    stored_max = p.settings.max_epochs
    p.settings = replace(p.settings, max_epochs=None)
    trainer = p.trainer()
    start, target = trainer.epoch, trainer.epoch + args.epochs
    bar = _Progress(err, start, args.epochs) if err.isatty() and not args.quiet else None
    stopped = None
    interrupted = False
    began = time.perf_counter()
    try:
        while stopped is None and trainer.epoch < target:
            stopped = trainer.run(epochs=target - trainer.epoch, seconds=0.1)
            if bar:
                h = trainer.history
                bar.update(trainer.epoch, h.train_cost[-1], h.train_accuracy[-1])
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
        "train_cost": _finite(h.train_cost[-1]),
        "train_accuracy": h.train_accuracy[-1],
    }
    has_test = bool(len(ds.y_test))
    if has_test:
        result["test_cost"] = _finite(h.test_cost[-1])
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
        out.write(json.dumps(result) + "\n")
    else:
        s = p.settings
        source = (ds.generator or {}).get("name") or args.data or args.project
        lines = [
            f"network:  {p.network.describe()} ({p.network.n_params} parameters)",
            f"data:     {source}: {ds.n_points:,} points ({result['train_points']:,} train, "
            f"{result['test_points']:,} test), {ds.n_classes} classes",
            f"training: {s.optimizer}, learning rate {_fmt(s.learning_rate)}"
            + (f", batch size {s.batch_size}" if s.optimizer in ("sgd", "momentum", "adam") else "")
            + (f", momentum {_fmt(s.momentum)}" if s.optimizer == "momentum" else "")
            + (f", L2 {_fmt(s.l2)}" if s.l2 else ""),
            f"stopped:  {result['stopped']} after {result['epochs_run']:,} epochs "
            f"(epoch {trainer.epoch:,}, {seconds:.2f} s)"
            + (f": {trainer.message}" if trainer.message else ""),
            f"train:    cost {_fmt(h.train_cost[-1])}, accuracy {_pct(h.train_accuracy[-1])}",
        ]
        if has_test:
            lines.append(
                f"test:     cost {_fmt(h.test_cost[-1])}, accuracy {_pct(h.test_accuracy[-1])}"
            )
        if args.out:
            lines.append(f"saved:    {args.out}")
        out.write("\n".join(lines) + "\n")
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


# --------------------------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------------------------


def _read_points(
    path: str, features: list[str] | None, p: project.Project
) -> tuple[list[str], Array]:
    """The feature columns of a CSV file of points: their names and values."""
    file = os.path.basename(path) or path
    if path == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(path, encoding="utf-8-sig", newline="") as f:
                text = f.read()
        except FileNotFoundError:
            raise datasets.DataError(f"{file}: file not found") from None
        except UnicodeDecodeError:
            raise datasets.DataError(f"{file}: not UTF-8 text") from None
    try:
        rows = [
            (n + 1, [c.strip() for c in row])
            for n, row in enumerate(csv.reader(io.StringIO(text, newline="")))
        ]
    except csv.Error as exc:
        raise datasets.DataError(f"{file}: {exc}") from None
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise datasets.DataError(f"{file}: no points in the file")
    d = p.network.n_inputs
    header = rows[0][1] if not all(datasets.is_number(c) for c in rows[0][1]) else None
    data = rows[1:] if header else rows
    if not data:
        raise datasets.DataError(f"{file}: a header but no points below it")
    n_columns = len(header) if header else len(data[0][1])

    if features is not None:
        if len(features) != d:
            raise UsageError(
                f"--features names {len(features)} columns; the network has {d} inputs"
            )
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


def cmd_predict(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    p = project.load(args.project)
    features = _items(args.features, "--features") if args.features else None
    names, X = _read_points(args.points, features, p)
    with np.errstate(all="ignore"):
        A = p.network.predict_proba(p.network_input(X)).astype(np.float64)
    classes = p.network.classify(A)
    class_names = p.class_names
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
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


# --------------------------------------------------------------------------------------------
# inspect
# --------------------------------------------------------------------------------------------


def _class_index(label: str, p: project.Project) -> int:
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


def _point_and_target(
    args: argparse.Namespace, p: project.Project
) -> tuple[Array, int | None, str]:
    """The chosen point (as given), its target class (None: predicted) and where that came from."""
    if (args.point is None) == (args.index is None):
        raise UsageError("choose one point: --point x1,x2,... or --index N (a dataset point)")
    label = _class_index(args.label, p) if args.label is not None else None
    if args.point is not None:
        x = np.array(_float_list(args.point, "--point"))
        if len(x) != p.network.n_inputs:
            raise UsageError(
                f"--point has {len(x)} values but the network has {p.network.n_inputs} inputs"
            )
        return x, label, "label" if label is not None else "prediction"
    ds = p.dataset
    if ds is None:
        raise UsageError("--index needs a project with a dataset; this one holds a model only")
    if not 0 <= args.index < ds.n_points:
        raise UsageError(f"--index must be between 0 and {ds.n_points - 1}, got {args.index}")
    if label is not None:
        return ds.X[args.index], label, "label"
    return ds.X[args.index], int(ds.y[args.index]), "dataset"


def _inspection(p: project.Project, x: Array, target: int | None, source: str) -> dict[str, Any]:
    net = p.network.astype(np.float64)
    a1 = p.network_input(x)
    fw = net.forward(a1)
    predicted = int(net.classify(fw.output)[0])
    target_class = predicted if target is None else target
    Y = net.encode(np.array([target_class]), p.n_classes)
    with np.errstate(all="ignore"):
        bw = net.backward(fw, Y)
    layers: list[dict[str, Any]] = [{"layer": 1, "a": fw.a[0][0].tolist()}]
    for i, name in enumerate(net.activations):
        layers.append(
            {
                "layer": i + 2,
                "activation": name,
                "z": fw.z[i][0].tolist(),
                "a": fw.a[i + 1][0].tolist(),
                "delta": bw.delta[i][0].tolist(),
                "grad_weights": bw.grad_W[i].tolist(),
                "grad_biases": bw.grad_b[i].tolist(),
            }
        )
    names = p.class_names
    return {
        "network": net.describe(),
        "point": np.asarray(x, dtype=np.float64).tolist(),
        "standardised": p.standardisation is not None,
        "target": Y[0].tolist(),
        "target_class": target_class,
        "target_name": names[target_class],
        "target_from": source,
        "output": fw.output[0].tolist(),
        "predicted_class": predicted,
        "predicted_name": names[predicted],
        "cost": bw.cost,
        "layers": layers,
    }


def _output_delta_formula(loss: str, activation: str, L: int) -> str:
    if loss == "cross_entropy":
        return f"δ_j^({L}) = a_j − y_j   (cross-entropy cancels g')"
    if activation == "softmax":
        return f"δ_j^({L}) = Σ_i 2 (a_i − y_i) ∂a_i/∂z_j   (softmax couples the outputs)"
    return f"δ_j^({L}) = 2 (a_j − y_j) g'(z_j^({L}))"


def _table(rows: list[list[str]], indent: str = "  ", numbers: bool = True) -> list[str]:
    """Rows of cells as aligned text: the first column to the left, the others to the right."""
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            cell.rjust(w) if c and numbers else cell.ljust(w)
            for c, (cell, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _error_formula(loss: str, activation: str) -> str:
    if loss == "squared_error":
        return "E_x = Σ_c (a_c − y_c)²"
    if activation == "softmax":
        return "E_x = −Σ_c y_c ln a_c"
    return "E_x = −Σ_c [y_c ln a_c + (1 − y_c) ln(1 − a_c)]"


def _inspection_text(info: dict[str, Any], source: str, p: project.Project) -> str:
    net = p.network
    L = net.n_layers
    layers = info["layers"]
    how = {
        "label": "given with --label",
        "dataset": "the dataset's label of this point",
        "prediction": "the network's own prediction (give --label to choose another)",
    }[source]
    lines = [
        f"Forward and backward pass of {info['network']} for one point",
        f"point    x = {_vec(info['point'])}",
    ]
    if info["standardised"]:
        lines.append(f"input    a^(1) = (x − mean) / std = {_vec(layers[0]['a'])}")
    lines += [
        f"target   class {info['target_name']!r}: {how}",
        f"         y = {_vec(info['target'])}",
        "",
        "Forward pass: z_j^(l) = Σ_k w_jk^(l) a_k^(l−1) + b_j^(l),  a_j^(l) = g(z_j^(l))",
        "Layer 1 (input)",
    ]
    lines += [f"  a_{k + 1}^(1) = {_fmt(v)}" for k, v in enumerate(layers[0]["a"])]
    for layer in layers[1:]:
        l = layer["layer"]
        kind = ", output" if l == L else ""
        lines.append(f"Layer {l} ({layer['activation']}{kind})")
        rows = [
            [f"z_{j + 1}^({l}) = {_fmt(z)}", f"a_{j + 1}^({l}) = {_fmt(a)}"]
            for j, (z, a) in enumerate(zip(layer["z"], layer["a"], strict=True))
        ]
        lines += _table(rows, numbers=False)
    lines += [
        f"Output   a^({L}) = {_vec(info['output'])}: predicted class {info['predicted_name']!r}",
        f"Error    {_error_formula(net.loss, net.output_activation)} = {_fmt(info['cost'])}",
        "",
        "Backward pass: δ_j^(l) = ∂E_x/∂z_j^(l)",
    ]
    for layer in reversed(layers[1:]):
        l = layer["layer"]
        if l == L:
            formula = _output_delta_formula(net.loss, layer["activation"], L)
        else:
            formula = f"δ_j^({l}) = (Σ_k δ_k^({l + 1}) w_kj^({l + 1})) g'(z_j^({l}))"
        lines.append(f"Layer {l}: {formula}")
        lines += [f"  δ_{j + 1}^({l}) = {_fmt(v)}" for j, v in enumerate(layer["delta"])]
        if not act_table.ACTIVATIONS[layer["activation"]].trainable:
            lines.append(
                "  (step units: g'(z) = 0, so δ = 0 and back-propagation cannot train them)"
            )
    lines += [
        "",
        "Gradients: ∂E_x/∂w_jk^(l) = δ_j^(l) a_k^(l−1),  ∂E_x/∂b_j^(l) = δ_j^(l)",
    ]
    for layer in layers[1:]:
        l = layer["layer"]
        lines.append(f"Layer {l} (row j: unit of layer {l}; column k: unit of layer {l - 1})")
        n_in = len(layer["grad_weights"][0])
        rows = [["", *(f"k={k + 1}" for k in range(n_in)), "bias"]]
        for j, (gw, gb) in enumerate(zip(layer["grad_weights"], layer["grad_biases"], strict=True)):
            rows.append([f"j={j + 1}", *(_fmt(v, 4) for v in gw), _fmt(gb, 4)])
        lines += _table(rows)
    return "\n".join(lines) + "\n"


def cmd_inspect(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    p = project.load(args.project)
    x, target, source = _point_and_target(args, p)
    info = _inspection(p, x, target, source)
    if args.json:
        out.write(json.dumps(info, allow_nan=False) + "\n")
    else:
        out.write(_inspection_text(info, source, p))
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# gradcheck
# --------------------------------------------------------------------------------------------


def cmd_gradcheck(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    p = project.load(args.project)
    net = p.network
    if args.initial:
        # Trained weights give tiny gradients whose numeric estimate is mostly round-off.
        net.reset()
    if args.h <= 0 or not math.isfinite(args.h):
        raise UsageError(f"--h must be a small positive number, got {args.h}")
    if args.point is not None or args.index is not None:
        x, target, _ = _point_and_target(args, p)
        X = p.network_input(x)
        y = np.array([int(net.predict(X)[0]) if target is None else target])
        what = "1 point"
    else:
        if p.dataset is None:
            raise UsageError("this project holds no data: check on a point with --point x1,x2,...")
        X, y = p.network_input(p.dataset.X_train), p.dataset.y_train
        if len(y) == 0:
            raise UsageError("the project has no training points: use --point x1,x2,...")
        if args.max_points < 1:
            raise UsageError(f"--max-points must be at least 1, got {args.max_points}")
        if len(y) > args.max_points:
            # Evenly spaced rows: generated datasets are grouped by class, so the first N
            # points could all be of one class.
            keep = np.unique(np.linspace(0, len(y) - 1, args.max_points).round().astype(int))
            X, y = X[keep], y[keep]
        what = f"{len(y):,} training point{'s' if len(y) != 1 else ''}"
    Y = net.encode(y, p.n_classes)
    with np.errstate(all="ignore"):
        result = gradcheck.check(net, X, Y, h=args.h)
    verdict = result.verdict
    if args.json:
        report = {
            "points": len(y),
            "h": args.h,
            "max_error": result.max_error,
            "worst": result.names[result.worst] if len(result.names) else None,
            "verdict": verdict,
            "parameters": [
                {
                    "name": result.names[i],
                    "analytic": _finite(result.analytic[i]),
                    "numeric": _finite(result.numeric[i]),
                    "relative_error": _finite(result.relative_error[i]),
                }
                for i in range(len(result.names))
            ],
        }
        out.write(json.dumps(report) + "\n")
    else:
        order = result.order()[: max(args.top, 0)]
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
        shown = f"the {len(order)} worst shown" if len(order) < net.n_params else "all shown"
        meaning = {
            "ok": f"back-propagation agrees with central differences (below {gradcheck.GOOD:g})",
            "suspect": (
                f"between {gradcheck.GOOD:g} and {gradcheck.SUSPECT:g}: usually round-off on tiny "
                "gradients or saturated units, or a kink (ReLU, step); look at the worst rows"
            ),
            "wrong": f"above {gradcheck.SUSPECT:g}: the analytic gradient is wrong",
        }[verdict]
        lines = [
            f"Gradient check of {net.describe()} on {what} (central differences, h = {args.h:g})",
            *_table(rows, ""),
            f"({net.n_params} parameters, {shown})",
            f"worst relative error: {result.max_error:.2e} at {result.names[result.worst]}",
            f"verdict: {verdict}: {meaning}",
        ]
        out.write("\n".join(lines) + "\n")
    return EXIT_FAILED if verdict == "wrong" else EXIT_OK


# --------------------------------------------------------------------------------------------
# info
# --------------------------------------------------------------------------------------------


def _current_metrics(p: project.Project) -> dict[str, float | None]:
    """Cost and accuracy of the current weights (recomputed: the history may be thinned)."""
    ds = p.dataset
    if ds is None:
        return {}
    net = p.network
    metrics: dict[str, float | None] = {}
    for part, mask in (("train", ds.train_mask), ("test", ~ds.train_mask)):
        if not mask.any():
            continue
        X, y = p.network_input(ds.X[mask]), ds.y[mask]
        with np.errstate(all="ignore"):
            out = net.predict_proba(X)
            cost = losses.cost(net.loss, net.output_activation, out, net.encode(y, p.n_classes))
        metrics[f"{part}_cost"] = _finite(cost)
        metrics[f"{part}_accuracy"] = float(np.mean(net.classify(out) == y))
    return metrics


def cmd_info(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    p = project.load(args.project)
    net, ds, s = p.network, p.dataset, p.settings
    metrics = _current_metrics(p)
    report: dict[str, Any] = {
        "file": args.project,
        "format": project.FORMAT,
        "version": project.VERSION,
        "name": p.name,
        "network": {
            "sizes": net.sizes,
            "activations": net.activations,
            "loss": net.loss,
            "parameters": net.n_params,
            "init": net.init,
            "seed": net.seed,
            "dtype": net.dtype.name,
            "standardised": p.standardisation is not None,
            "warnings": net.warnings(),
        },
        "dataset": None,
        "training": {**s.to_dict(), "epoch": p.epoch},
        "history_rows": len(p.history),
        **metrics,
    }
    if ds is not None:
        counts = np.bincount(ds.y, minlength=ds.n_classes).tolist()
        report["dataset"] = {
            "points": ds.n_points,
            "train": int(ds.train_mask.sum()),
            "test": int((~ds.train_mask).sum()),
            "features": ds.feature_names,
            "classes": ds.class_names,
            "class_counts": counts,
            "generator": ds.generator,
        }
    if args.json:
        out.write(json.dumps(report) + "\n")
        return EXIT_OK

    lines = [f"project:  {args.project}" + (f" ({p.name})" if p.name else "")]
    lines.append(
        f"network:  {'-'.join(map(str, net.sizes))}, activations {'/'.join(net.activations)}, "
        f"loss {net.loss}"
    )
    lines.append(
        f"          {net.n_params} parameters, {net.dtype.name}, initialised {net.init} "
        f"with seed {net.seed}" + (", inputs standardised" if p.standardisation is not None else "")
    )
    if ds is None:
        lines.append("dataset:  none (a model without data)")
    else:
        d = report["dataset"]
        classes = ", ".join(
            f"{n}: {c:,}" for n, c in zip(ds.class_names, d["class_counts"], strict=True)
        )
        lines.append(
            f"dataset:  {ds.n_points:,} points ({d['train']:,} train, {d['test']:,} test), "
            f"features {', '.join(ds.feature_names)}"
        )
        lines.append(f"          {ds.n_classes} classes ({classes})")
        if ds.generator:
            gen = ", ".join(f"{k} {v}" for k, v in ds.generator.items() if k != "name")
            lines.append(f"          generated by {ds.generator.get('name')} ({gen})")
    target = "none" if s.target_cost is None else _fmt(s.target_cost)
    lines.append(
        f"training: {s.optimizer}, learning rate {_fmt(s.learning_rate)}, batch size "
        f"{s.batch_size}, momentum {_fmt(s.momentum)}, L2 {_fmt(s.l2)}, seed {s.seed}, "
        f"target cost {target}"
    )
    lines.append(f"epoch:    {p.epoch:,} ({len(p.history):,} history rows)")
    for part in ("train", "test"):
        if f"{part}_accuracy" in metrics:
            cost = metrics[f"{part}_cost"]
            lines.append(
                f"{part + ':':<9} cost {_fmt(cost) if cost is not None else 'inf'}, "
                f"accuracy {_pct(metrics[f'{part}_accuracy'] or 0.0)}"
            )
    lines += [f"warning:  {w}" for w in net.warnings()]
    out.write("\n".join(lines) + "\n")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# The parser
# --------------------------------------------------------------------------------------------

_TOP_USAGE = """\
mlpstudio [FILE.json|FILE.csv]      start the desktop app (opening a project or data)
       mlpstudio COMMAND [options]         work headless (no display needed)"""

_EPILOG = """\
Run 'mlpstudio COMMAND --help' for the options of a command. Examples:
  mlpstudio train --dataset xor --layers 2,2,1 --lr 2 --target-cost 0.01 --out xor.json
  mlpstudio info xor.json
  mlpstudio inspect xor.json --point 1,0 --label 1
  mlpstudio predict xor.json points.csv --out predictions.csv
  mlpstudio gradcheck xor.json"""


def _wrap(text: str) -> str:
    return textwrap.fill(text, 79)


def _app_usage() -> str:
    """The desktop app's own options, for the top-level help only (its parser needs no Qt)."""
    try:
        from mlpstudio.ui.app import parser as app_parser
    except ImportError:
        return ""
    usage = app_parser().format_usage().strip().removeprefix("usage: ")
    return f"\n\nthe desktop app takes:\n  {usage}"


def build_parser(top_help: bool = False) -> argparse.ArgumentParser:
    """The argument parser of every command (``top_help``: also describe the app's options)."""
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="mlpstudio",
        usage=_TOP_USAGE + (_app_usage() if top_help else ""),
        description="MLP Studio: a desktop lab for multilayer perceptrons and backpropagation.",
        epilog=_EPILOG,
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"mlpstudio {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", prog="mlpstudio"
    )

    # -- train --
    t = sub.add_parser(
        "train",
        help="train a network and save the project",
        description=_wrap(
            "Train a network on generated points, a CSV file or a saved project, then print "
            "the final metrics (and save the project with --out)."
        ),
        epilog=(
            "examples:\n"
            "  mlpstudio train --dataset xor --layers 2,2,1 --lr 2 --epochs 5000 --out xor.json\n"
            "  mlpstudio train --dataset spirals --classes 3 --points 300 --layers 2,16,16,3 \\\n"
            "      --activation tanh --loss cross_entropy --optimizer adam --lr 0.01 \\\n"
            "      --test-ratio 0.2 --json\n"
            "  mlpstudio train --data iris.csv --label species --standardise --out iris.json\n"
            "  mlpstudio train --project xor.json --epochs 1000 --out xor.json"
        ),
        formatter_class=fmt,
    )
    data = t.add_argument_group("data (choose one source)")
    data.add_argument(
        "--dataset",
        metavar="NAME",
        choices=list(datasets.GENERATORS),
        help=f"a generated dataset: {', '.join(datasets.GENERATORS)} (xor alone: the "
        "lecture's 4 points)",
    )
    data.add_argument("--data", metavar="FILE.csv", help="points from a CSV file")
    data.add_argument("--project", metavar="FILE.json", help="continue training a saved project")
    data.add_argument(
        "--points", type=int, metavar="N", help="number of generated points (default 200)"
    )
    data.add_argument(
        "--noise", type=float, metavar="X", default=0.0, help="noise from 0 to 1 (default 0)"
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
        help="feed the network (x − mean) / std of the training points (kept in the project)",
    )

    net = t.add_argument_group("network")
    net.add_argument(
        "--layers",
        metavar="2,4,1",
        help="units per layer, input to output (default: features,4,1 for two classes; "
        "K outputs for K classes)",
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
        "--batch-size", type=int, metavar="N", help="points per step for sgd/momentum/adam (32)"
    )
    tr.add_argument("--momentum", type=float, metavar="MU", help="momentum μ (default 0.9)")
    tr.add_argument(
        "--l2", type=float, metavar="LAMBDA", help="L2 penalty λ on the weights (default 0)"
    )
    tr.add_argument(
        "--epochs",
        type=int,
        metavar="N",
        default=DEFAULT_EPOCHS,
        help=f"epochs to train (default {DEFAULT_EPOCHS}; 0 saves the untrained network)",
    )
    tr.add_argument(
        "--target-cost",
        type=_target_cost,
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
    o.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    t.set_defaults(func=cmd_train)

    # -- predict --
    pr = sub.add_parser(
        "predict",
        help="outputs and predicted class of points in a CSV file",
        description=_wrap(
            "Run the project's network on the points of a CSV file and write, per point, the "
            "features, the outputs a1..aK and the predicted class, as CSV. A header row is "
            "optional; when it names the project's features, those columns are used."
        ),
        epilog="example:\n  mlpstudio predict xor.json points.csv --out predictions.csv",
        formatter_class=fmt,
    )
    pr.add_argument("project", metavar="PROJECT.json")
    pr.add_argument("points", metavar="POINTS.csv", help="the points ('-' reads stdin)")
    pr.add_argument("--features", metavar="A,B", help="feature columns by name or 0-based index")
    pr.add_argument("--out", metavar="FILE.csv", help="write here instead of stdout")
    pr.set_defaults(func=cmd_predict)

    # -- inspect --
    ins = sub.add_parser(
        "inspect",
        help="the forward and backward pass for one point, in the lecture's notation",
        description=_wrap(
            "Show z, a and δ of every layer and the gradients δ_j a_k for one point. The "
            "target is --label if given, else the dataset's label (--index), else the "
            "network's own prediction."
        ),
        epilog=(
            "examples:\n"
            "  mlpstudio inspect xor.json --point 1,0 --label 1\n"
            "  mlpstudio inspect xor.json --index 2 --json"
        ),
        formatter_class=fmt,
    )
    ins.add_argument("project", metavar="PROJECT.json")
    _point_arguments(ins)
    ins.add_argument("--json", action="store_true", help="print the values as JSON")
    ins.set_defaults(func=cmd_inspect)

    # -- gradcheck --
    g = sub.add_parser(
        "gradcheck",
        help="back-propagation against numeric gradients",
        description=_wrap(
            "Compare back-propagation's gradient of the mean cost with central differences, "
            "parameter by parameter, on the training points (or one point). Exit status 1 "
            "when the gradients disagree (verdict 'wrong')."
        ),
        epilog="example:\n  mlpstudio gradcheck xor.json --top 5",
        formatter_class=fmt,
    )
    g.add_argument("project", metavar="PROJECT.json")
    _point_arguments(g)
    g.add_argument(
        "--max-points",
        type=int,
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
        "--h", type=float, metavar="H", default=1e-6, help="finite-difference step (1e-6)"
    )
    g.add_argument("--json", action="store_true", help="print every parameter as JSON")
    g.set_defaults(func=cmd_gradcheck)

    # -- info --
    i = sub.add_parser(
        "info",
        help="architecture, dataset, training state and costs of a project",
        description=_wrap("Summarise a project file: network, data, settings, epoch and costs."),
        formatter_class=fmt,
    )
    i.add_argument("project", metavar="PROJECT.json")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    i.set_defaults(func=cmd_info)
    return parser


def _point_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--point", metavar="X1,X2", help="the point's features, comma-separated")
    p.add_argument("--index", type=int, metavar="N", help="point N of the project's dataset")
    p.add_argument("--label", metavar="CLASS", help="the target class (name or index)")


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command with ``argv`` (default: the process arguments); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    # Only the top-level --help looks at the app's options: the commands never import the UI.
    parser = build_parser(top_help=bool(argv) and argv[0] in ("-h", "--help"))
    try:
        args = parser.parse_args(_join_negative_values(argv))
    except SystemExit as exc:  # --help, --version and usage errors end here
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    prog = f"mlpstudio {args.command}"
    func: Callable[[argparse.Namespace, TextIO, TextIO], int] = args.func
    try:
        return func(args, sys.stdout, sys.stderr)
    except UsageError as exc:
        print(f"{prog}: error: {_one_line(exc)} (see '{prog} --help')", file=sys.stderr)
        return EXIT_USAGE
    except (project.ProjectError, datasets.DataError, TrainingError, ValueError, OSError) as exc:
        if isinstance(exc, BrokenPipeError):
            return _broken_pipe()
        print(f"{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_FAILED
    except MemoryError:
        print(f"{prog}: error: not enough memory", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _tolerant_streams() -> None:
    # The notation (δ, Σ, ≤) cannot be encoded on some consoles and pipes (e.g. cp1252): show
    # an escape there rather than fail with UnicodeEncodeError in the middle of a report.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            with contextlib.suppress(ValueError, OSError, AttributeError):
                stream.reconfigure(errors="backslashreplace")


def _broken_pipe() -> int:
    # The reader (e.g. `| head`) went away: stop quietly, and keep Python from complaining
    # about the unflushed stdout at exit.
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_FAILED
