"""The bounds of ``mlpstudio train``'s flags: the project file's own bounds.

Whatever ``train`` accepts it must be able to save, so the ranges are not written here: they are
the schema's (:mod:`mlpstudio.core.project.schema`, the ranges of the app's panels).
:func:`check_limits` refuses a flag outside them before any data is read or generated;
:func:`check_savable` then asks the project module itself about the built project, so anything
else the file would refuse also fails before training, and the message names the flag.
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from mlpstudio.core import datasets, project
from mlpstudio.core.network import MAX_LAYERS
from mlpstudio.core.project import schema

from .architecture import layer_sizes
from .common import MAX_EPOCHS, UsageError, check_count, items

NO_TARGET = "none"  # --target-cost none: drop a project's target


def count_bounds() -> list[tuple[str, str, tuple[int, int]]]:
    """``(flag, argparse destination, inclusive bounds)`` of the whole-number flags."""
    # Looked up on each call, not copied at import: the schema is the only place they live.
    return [
        ("--points", "points", schema.GENERATOR_POINTS),
        ("--batch-size", "batch_size", schema.TRAINING_INTEGERS["batch_size"]),
        ("--seed", "seed", schema.TRAINING_INTEGERS["seed"]),
        ("--data-seed", "data_seed", (0, schema.SEED_MAX)),
    ]


def number_bounds() -> list[tuple[str, str, tuple[float, float]]]:
    """``(flag, argparse destination, inclusive bounds)`` of the real-number flags."""
    return [
        ("--noise", "noise", schema.GENERATOR_NOISE),
        ("--test-ratio", "test_ratio", schema.GENERATOR_TEST_RATIO),
        ("--lr", "lr", schema.TRAINING_NUMBERS["learning_rate"]),
        ("--momentum", "momentum", schema.TRAINING_NUMBERS["momentum"]),
        ("--l2", "l2", schema.TRAINING_NUMBERS["l2"]),
        ("--target-cost", "target_cost", schema.TRAINING_NUMBERS["target_cost"]),
    ]


# Where project.check points in the file → the flag that set the value found there.
_FLAG_OF_PLACE = (
    ("training.learning_rate", "--lr"),
    ("training.momentum", "--momentum"),
    ("training.l2", "--l2"),
    ("training.target_cost", "--target-cost"),
    ("training.batch_size", "--batch-size"),
    ("training.seed", "--seed"),
    ("network.seed", "--seed"),
    ("network.standardisation", "--standardise"),
    ("dataset.generator.points", "--points"),
    ("dataset.generator.noise", "--noise"),
    ("dataset.generator.seed", "--data-seed"),
    ("dataset.generator.classes", "--classes"),
    ("the name ", "--name"),
    ("the notes ", "--notes"),
)


def check_limits(args: argparse.Namespace) -> None:
    """Refuse a count, seed or setting out of range at once, before any data is touched."""
    # --epochs counts a run, not a stored number: its ceiling only guards against a slip.
    check_count(args.epochs, "--epochs", 0, MAX_EPOCHS)
    for flag, dest, (low, high) in count_bounds():
        check_count(getattr(args, dest), flag, low, high)
    for flag, dest, (low, high) in number_bounds():
        value = getattr(args, dest)
        if value is not None and value != NO_TARGET:
            check_number(value, flag, low, high)
    if args.layers is not None:
        layer_sizes(args.layers)
    elif args.activation and len(items(args.activation, "--activation")) > MAX_LAYERS - 2:
        # Without --layers every name is a hidden layer of its own.
        raise UsageError(f"--activation lists more than {MAX_LAYERS - 2} hidden layers")


def check_number(value: float, flag: str, low: float, high: float) -> None:
    """Refuse a number outside ``low..high`` (or not finite) with a message naming the flag."""
    if not (math.isfinite(value) and low <= value <= high):
        raise UsageError(f"{flag} must be between {low:g} and {high:g}, got {value:g}")


def check_inputs_fit(p: project.Project) -> None:
    """Refuse points the network's float type cannot hold, naming the first one.

    float32 ends at ±3.4e38: a larger input would be cast to infinity when the trainer takes
    the points (numpy then warns on stderr before the trainer refuses them), so it is refused
    here, in the command's own words, before any training.
    """
    ds = p.dataset
    if ds is None or p.dtype == np.float64:
        return
    with np.errstate(all="ignore"):  # (x − mean) / std may itself overflow: refused below
        X = p.network_input(ds.X)
    limit = float(np.finfo(p.dtype).max)
    bad = ~(np.abs(X) <= limit)
    if bad.any():
        i, k = (int(v) for v in np.argwhere(bad)[0])
        scaled = "standardised, " if p.standardisation is not None else ""
        raise datasets.DataError(
            f"point {i}, feature {ds.feature_names[k]!r} ({scaled}{X[i, k]:g}) is beyond "
            f"±{limit:.3g}, the range of {p.dtype.name}: train in float64"
            + ("" if p.standardisation is not None else " or standardise the data")
        )


def check_savable(p: project.Project) -> None:
    """Refuse a built project the file would refuse, naming the flag when one set the value.

    Cheap (no array is converted), so it runs before training rather than failing at the save.
    """
    try:
        project.check(p)
    except project.ProjectError as exc:
        text = str(exc).removeprefix("cannot save: ")
        for place, flag in _FLAG_OF_PLACE:
            if text.startswith(place):
                raise UsageError(f"{flag}: {text}") from None
        raise
