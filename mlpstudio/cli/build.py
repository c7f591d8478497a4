"""The project ``mlpstudio train`` starts from: data, network and settings built from its flags.

Either a new project (``--dataset`` or ``--data`` and the network flags) or a saved one to
continue (``--project``, with training flags as overrides). Every check of a flag against the
data happens here or in :mod:`.limits`, before any training, so a mistake costs nothing. The
data path is the app's: the CSV reader (:mod:`~mlpstudio.core.csvio`), the network's sizes
(:mod:`.architecture`, on :class:`~mlpstudio.core.specs.NetworkSpec`) and the standardisation
(:mod:`~mlpstudio.core.scaling`, fitted on the training points after the split).

The task is regression when ``--task regression`` says so, or ``--target`` names target columns,
or ``--dataset`` names a regression generator; a regression project standardises its points and
its targets unless ``--no-standardise`` is given, and trains with Adam (:data:`REGRESSION_TRAINING`)
unless told otherwise.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

import numpy as np

from mlpstudio.core import csvio, datasets, project, regression, scaling
from mlpstudio.core.training import History, TrainingError, TrainSettings

from .architecture import build_network
from .common import UsageError, items
from .limits import NO_TARGET

NETWORK_FLAGS = ("layers", "activation", "output_activation", "loss", "init", "dtype", "inputs")
DATA_FLAGS = (
    "points",
    "noise",
    "classes",
    "data_seed",
    "features",
    "label",
    "target",
    "standardise",
    "no_standardise",
    "task",
)
# Training defaults of a regression project: the lecture's gd at η = 0.5 diverges on a linear
# output (the squared error's gradient has no ½), and Adam at 0.01 fits sin 3x to its noise in
# 1,000 epochs.
REGRESSION_TRAINING = TrainSettings(optimizer="adam", learning_rate=0.01)


def target_cost(text: str) -> float | str:
    """argparse type of ``--target-cost``: a number, or ``none`` to drop a project's target."""
    if text.strip().lower() == NO_TARGET:
        return NO_TARGET
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'none', got {text!r}") from None


def task_of(args: argparse.Namespace) -> str:
    """``classification`` or ``regression``: ``--task``, else what ``--target`` or the
    generator's name imply. Flags of the other task are refused here, naming them."""
    implied = None
    if args.target is not None:
        implied = "regression", "--target"
    elif args.dataset in regression.GENERATORS:
        implied = "regression", f"--dataset {args.dataset}"
    elif args.dataset is not None:
        implied = "classification", f"--dataset {args.dataset}"
    task = args.task or (implied[0] if implied else "classification")
    if implied is not None and implied[0] != task:
        what = "makes real targets" if implied[0] == "regression" else "makes classes"
        if implied[1] == "--target":
            what = "chooses real-valued target columns"
        raise UsageError(f"--task {task}: {implied[1]} {what}, which is {implied[0]}")
    if task == "regression":
        for flag in ("label", "classes"):
            if getattr(args, flag) is not None:
                raise UsageError(f"--{flag} is for classification, not --task regression")
        if args.standardise and args.no_standardise:
            raise UsageError("--standardise and --no-standardise contradict each other")
    else:
        if args.no_standardise:
            raise UsageError(
                "--no-standardise is for regression (a classifier's points are raw unless "
                "--standardise is given)"
            )
    if task == "regression" and args.data is not None and args.target is None:
        raise UsageError("--task regression with --data needs --target COLUMN[,COLUMN...]")
    return task


def new_project(args: argparse.Namespace) -> project.Project:
    """A project from ``--dataset`` or ``--data`` and the network and training flags."""
    seed = args.seed or 0
    task = task_of(args)
    ds = _load_data(args)
    if args.test_ratio is not None:
        try:
            ds = datasets.split(ds, args.test_ratio, seed)
        except datasets.DataError as exc:
            raise UsageError(f"--test-ratio: {exc}") from None
    net = build_network(args, ds, seed)
    regressing = task == "regression"
    # After the split: the mean and spread are the training points' only.
    standardisation = target_standardisation = None
    if args.standardise or (regressing and not args.no_standardise):
        # Points near ±1e308 overflow the variance; the rule then refuses them by name (its
        # mean bound), so numpy's own warning would only repeat it less clearly.
        with np.errstate(over="ignore", invalid="ignore"):
            standardisation = scaling.fit_standardisation(ds).to_dict()
            if isinstance(ds, regression.RegressionData):
                target_standardisation = scaling.fit_target_standardisation(ds).to_dict()
    base = REGRESSION_TRAINING if regressing else TrainSettings(learning_rate=0.5)
    return project.Project(
        network=net,
        dataset=ds,
        settings=_settings(args, replace(base)),
        standardisation=standardisation,
        task=task,
        target_standardisation=target_standardisation,
    )


def continued_project(args: argparse.Namespace) -> project.Project:
    """The saved ``--project``, its settings overridden by the training flags given."""
    for flag in (*NETWORK_FLAGS, *DATA_FLAGS):
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
            if p.standardisation is not None:
                # The one rule: mean and spread of the training points. After a new split the
                # stored ones would include points that are test points now.
                p.standardisation = scaling.fit_standardisation(p.dataset).to_dict()
            if p.target_standardisation is not None:
                assert isinstance(p.dataset, regression.RegressionData)
                p.target_standardisation = scaling.fit_target_standardisation(p.dataset).to_dict()
        except datasets.DataError as exc:
            raise UsageError(f"--test-ratio: {exc}") from None
    p.settings = _settings(args, p.settings)
    return p


def _load_data(args: argparse.Namespace) -> datasets.Dataset | regression.RegressionData:
    if args.dataset:
        for flag in ("features", "label", "target"):
            if getattr(args, flag) is not None:
                raise UsageError(f"--{flag} is for --data FILE.csv, not --dataset")
        seed = args.data_seed if args.data_seed is not None else (args.seed or 0)
        kwargs: dict[str, Any] = {"noise": args.noise, "seed": seed}
        if args.points is not None:
            kwargs["points"] = args.points
        if args.dataset in regression.GENERATORS:
            try:
                return regression.generate(args.dataset, **kwargs)
            except datasets.DataError as exc:
                raise UsageError(f"--dataset {args.dataset}: {exc}") from None
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

    features = [column(f) for f in items(args.features, "--features")] if args.features else None
    if args.target is not None:
        targets = [column(t) for t in items(args.target, "--target")]
        return csvio.read_csv(args.data, features=features, targets=targets)
    label = column(args.label) if args.label is not None else None
    return csvio.read_csv(args.data, features=features, label=label)


def _settings(args: argparse.Namespace, base: TrainSettings) -> TrainSettings:
    changes = {
        "optimizer": args.optimizer,
        "learning_rate": args.lr,
        "batch_size": args.batch_size,
        "momentum": args.momentum,
        "l2": args.l2,
        "target_cost": None if args.target_cost == NO_TARGET else args.target_cost,
        "seed": args.seed,
    }
    settings = replace(base, **{k: v for k, v in changes.items() if v is not None})
    if args.target_cost == NO_TARGET:
        settings.target_cost = None
    try:
        return settings.validate()
    except TrainingError as exc:
        raise UsageError(str(exc)) from None
