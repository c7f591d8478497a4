"""From a parsed JSON document to a checked :class:`Project`, or a message naming the problem.

The order is part of the contract: the format and version first (a newer file says "update the
app", whatever it holds), then **every object's keys** against the schema, and only then the
values, block by block, converting arrays last. A file with one unknown key is therefore refused
at once, however large the value under that key. The first problem raises :class:`InvalidError`
with its place (``dataset.generator.points: expected an integer between 4 and 5000, found 9000``).

The checks of hand-set values (seeds, generator, standardisation, training settings) are also
run by the writer on a project before it is saved, so a project that saves also loads.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from .. import activations as act_table
from .. import features as features_mod
from .. import losses, optimizers, scaling
from ..datasets import DataError, Dataset
from ..network import INITS, MAX_LAYERS, MAX_UNITS, Network
from ..regression import RegressionData
from ..training import History, TrainingError, TrainSettings
from . import schema
from .checks import (
    InvalidError,
    at,
    found,
    integer,
    known_keys,
    list_,
    matrix,
    names,
    number,
    object_,
    plural,
    require,
    short,
    text,
    vector,
)
from .migrate import migrate
from .model import Project, network_classes

Array = np.ndarray


def check_keys(doc: dict) -> None:
    """Refuse any key the schema does not have, at the top level and in every nested object."""
    for path, allowed in schema.OBJECTS:
        obj: Any = doc
        for part in path.split(".") if path else ():
            obj = obj.get(part) if isinstance(obj, dict) else None
        if isinstance(obj, dict):  # a missing block or one of the wrong type is reported later
            known_keys(obj, allowed, path)


# ---- network -------------------------------------------------------------------------------


def network(block: Any, task: str = "classification") -> tuple[Network, dict | None, dict | None]:
    """The network, its input standardisation and (regression) its target standardisation."""
    where = "network"
    block = object_(block, where)
    sizes_value = list_(require(block, "sizes", where), "network.sizes")
    if not 2 <= len(sizes_value) <= MAX_LAYERS:
        raise InvalidError(
            "network.sizes",
            f"expected 2 to {MAX_LAYERS} layer sizes (input to output), found {len(sizes_value)}",
        )
    sizes = [integer(n, f"network.sizes[{i}]", 1, MAX_UNITS) for i, n in enumerate(sizes_value)]
    n_layers = len(sizes) - 1

    names_given = list_(require(block, "activations", where), "network.activations", n_layers)
    activations = []
    for i, name in enumerate(names_given):
        place = f"network.activations[{i}]"
        name = text(name, place)
        if name not in act_table.ACTIVATIONS:
            known = ", ".join(act_table.ACTIVATIONS)
            raise InvalidError(place, f"unknown activation {short(name)} (known: {known})")
        if act_table.ACTIVATIONS[name].output_only and i != n_layers - 1:
            raise InvalidError(place, f"{name} is allowed on the output layer only")
        activations.append(name)

    loss = text(require(block, "loss", where), "network.loss")
    if loss not in losses.LOSSES:
        raise InvalidError(
            "network.loss", f"unknown loss {short(loss)} (known: {', '.join(losses.LOSSES)})"
        )
    try:
        losses.check_pairing(loss, activations[-1], sizes[-1], task)
    except ValueError as exc:
        # A loss that pairs with no output says so at the loss; an output the task refuses
        # (softmax for regression) at the output's activation.
        place = "network.loss"
        try:
            losses.check_pairing(loss, activations[-1], sizes[-1])
        except ValueError:
            pass
        else:
            if loss == "squared_error":
                place = f"network.activations[{n_layers - 1}]"
        raise InvalidError(place, str(exc)) from None

    init = text(block.get("init", "xavier"), "network.init")
    if init not in INITS:
        raise InvalidError(
            "network.init", f"unknown initialisation {short(init)} (known: {', '.join(INITS)})"
        )
    seed = integer(block.get("seed", 0), "network.seed", 0, schema.SEED_MAX)
    dtype = text(block.get("dtype", "float64"), "network.dtype")
    if dtype not in schema.DTYPES:
        raise InvalidError(
            "network.dtype", f"expected one of {', '.join(schema.DTYPES)}, found {short(dtype)}"
        )
    features = None
    if block.get("features") is not None:
        features = input_features(block["features"], sizes[0])
    n_inputs = sizes[0] if features is None else features_mod.N_COORDINATES
    standardisation = None
    if block.get("standardisation") is not None:
        standardisation = stored_standardisation(block["standardisation"], n_inputs)
    target_standardisation = None
    if block.get("target_standardisation") is not None:
        target_standardisation = stored_target_standardisation(
            block["target_standardisation"], sizes[-1], task
        )

    # The arrays last: everything cheap to check has passed.
    weights = _weights(require(block, "weights", where), "network.weights", sizes)
    biases = _biases(require(block, "biases", where), "network.biases", sizes)
    # Files written by hand may leave out the initial weights: "reset" then returns to these.
    initial_weights, initial_biases = weights, biases
    if block.get("initial_weights") is not None:
        initial_weights = _weights(block["initial_weights"], "network.initial_weights", sizes)
    if block.get("initial_biases") is not None:
        initial_biases = _biases(block["initial_biases"], "network.initial_biases", sizes)

    try:
        net = Network(
            sizes, activations, loss, seed=seed, init=init, dtype=dtype, features=features
        )
    except ValueError as exc:
        raise InvalidError("network", str(exc)) from None
    net.set_params(np.concatenate([*(W.ravel() for W in weights), *biases]))
    net.initial_params = np.concatenate(
        [*(W.ravel() for W in initial_weights), *initial_biases]
    ).astype(net.dtype)
    if not (np.isfinite(net.params).all() and np.isfinite(net.initial_params).all()):
        raise InvalidError("network.weights", f"values too large for {dtype}")
    return net, standardisation, target_standardisation


def input_features(value: Any, n_units: int) -> tuple[str, ...] | None:
    """The derived inputs (``core/features.py``), one per input unit, each known and listed once."""
    where = "network.features"
    keys = list_(value, where, None)
    for i, key in enumerate(keys):
        if not isinstance(key, str):
            raise InvalidError(f"{where}[{i}]", f"expected a feature name, found {found(key)}")
        if key not in features_mod.KEYS:
            raise InvalidError(
                f"{where}[{i}]",
                f"unknown input feature {short(key)} (known: {', '.join(features_mod.KEYS)})",
            )
    try:
        checked = features_mod.check(keys)
    except ValueError as exc:
        raise InvalidError(where, str(exc)) from None
    if list(checked) != keys:
        raise InvalidError(where, f"list the features in this order: {', '.join(checked)}")
    if len(checked) != n_units:
        raise InvalidError(
            where, f"{len(checked)} features, but network.sizes[0] is {n_units} input units"
        )
    return features_mod.normalise(checked)


def stored_standardisation(
    value: Any, n_inputs: int, where: str = "network.standardisation"
) -> dict:
    """``{"mean": [...], "std": [...]}``, one value per input, within the scaling rule's bounds."""
    s = object_(value, where)
    known_keys(s, schema.STANDARDISATION_KEYS, where)
    mean = vector(require(s, "mean", where), f"{where}.mean", n_inputs)
    std = vector(require(s, "std", where), f"{where}.std", n_inputs)
    problem = scaling.problem(mean, std)
    if problem is not None:
        which, k, message = problem
        raise InvalidError(f"{where}.{which}[{k}]", message)
    return {"mean": mean.tolist(), "std": std.tolist()}


def stored_target_standardisation(value: Any, n_outputs: int, task: str) -> dict:
    """A regression network's target standardisation: one mean and std per output unit."""
    where = "network.target_standardisation"
    if task != "regression":
        raise InvalidError(
            where, f'only a regression project standardises targets (the task is "{task}")'
        )
    return stored_standardisation(value, n_outputs, where)


def _weights(value: Any, where: str, sizes: list[int]) -> list[Array]:
    list_(value, where, len(sizes) - 1, "matrix")
    return [matrix(W, f"{where}[{i}]", sizes[i + 1], sizes[i]) for i, W in enumerate(value)]


def _biases(value: Any, where: str, sizes: list[int]) -> list[Array]:
    list_(value, where, len(sizes) - 1, "list")
    return [vector(b, f"{where}[{i}]", sizes[i + 1]) for i, b in enumerate(value)]


# ---- dataset -------------------------------------------------------------------------------


def _task_keys(block: dict, task: str) -> None:
    """Refuse the keys of the other task: labels are classes, targets real numbers."""
    if task == "regression":
        other, owner = ("class_names", "labels"), "classification"
    else:
        other, owner = ("target_names", "targets"), "regression"
    for key in other:
        if key in block:
            raise InvalidError(
                at("dataset", key),
                f'only a {owner} project has {key}, and this one\'s task is "{task}" '
                '(the top-level "task" says which)',
            )


def _optimizer_fits(task: str, settings: TrainSettings) -> None:
    if task == "regression" and settings.optimizer == "perceptron":
        raise InvalidError(
            "training.optimizer",
            "the perceptron rule learns classes, not real targets: a regression project "
            "trains with gd, sgd, momentum or adam",
        )


def dataset(block: Any, net: Network, task: str = "classification") -> Dataset | RegressionData:
    where = "dataset"
    block = object_(block, where)
    _task_keys(block, task)
    if task == "regression":
        return regression_dataset(block, net)
    d = net.n_inputs
    generator = None
    if block.get("generator") is not None:
        generator = generator_settings(block["generator"])

    feature_names = None
    if block.get("feature_names") is not None:
        feature_names = names(block["feature_names"], "dataset.feature_names", d, "name")
    n_classes = network_classes(net)
    if block.get("class_names") is not None:
        class_names = names(block["class_names"], "dataset.class_names", None, "name")
        if len(class_names) != n_classes:
            units = plural(net.n_outputs, "output unit")
            raise InvalidError(
                "dataset.class_names",
                f"{plural(len(class_names), 'class')}, but the network's {units} "
                f"{'separates 2 classes' if net.n_outputs == 1 else 'are one per class'}",
            )
    else:
        class_names = [str(c) for c in range(n_classes)]

    X = matrix(
        require(block, "points", where), "dataset.points", None, d, " (one per network input)"
    )
    n = len(X)
    labels = list_(require(block, "labels", where), "dataset.labels", n, "label")
    for i, c in enumerate(labels):
        if type(c) is not int or not 0 <= c < n_classes:
            place = f"dataset.labels[{i}]"
            integer(c, place)
            raise InvalidError(place, f"label {found(c)} is out of range for {n_classes} classes")
    y = np.array(labels, dtype=np.int64).reshape(n)

    mask = split_mask(block, n)
    try:
        return Dataset(
            X=X,
            y=y,
            class_names=class_names,
            feature_names=feature_names or [],
            train_mask=mask,
            generator=generator,
        )
    except DataError as exc:
        raise InvalidError(where, str(exc)) from None


def split_mask(block: dict, n: int) -> Array:
    """The training mask ``dataset.split`` gives (every point for training without it)."""
    mask = np.ones(n, dtype=bool)
    if block.get("split") is not None:
        for i, part in enumerate(list_(block["split"], "dataset.split", n)):
            if isinstance(part, str) and part in ("train", "test"):
                mask[i] = part == "train"
            elif isinstance(part, bool):
                mask[i] = part
            else:
                raise InvalidError(
                    f"dataset.split[{i}]", f'expected "train" or "test", found {found(part)}'
                )
    return mask


def regression_dataset(block: dict, net: Network) -> RegressionData:
    """A regression dataset: points, one real target per output unit, names, split."""
    where = "dataset"
    d, m = net.n_inputs, net.n_outputs
    generator = None
    if block.get("generator") is not None:
        generator = generator_settings(block["generator"], "regression")
    feature_names = None
    if block.get("feature_names") is not None:
        feature_names = names(block["feature_names"], "dataset.feature_names", d, "name")
    target_names = None
    if block.get("target_names") is not None:
        target_names = names(
            block["target_names"], "dataset.target_names", m, "name (one per output unit)"
        )
    X = matrix(
        require(block, "points", where), "dataset.points", None, d, " (one per network input)"
    )
    n = len(X)
    T = matrix(require(block, "targets", where), "dataset.targets", n, m, " (one per output unit)")
    mask = split_mask(block, n)
    try:
        return RegressionData(
            X=X,
            targets=T,
            feature_names=feature_names or [],
            target_names=target_names or [],
            train_mask=mask,
            generator=generator,
        )
    except DataError as exc:
        raise InvalidError(where, str(exc)) from None


def generator_settings(value: Any, task: str = "classification") -> dict:
    """How the points were generated: a known generator and arguments the data panel can show.

    The keys keep the file's order (so a file saves back to the same bytes); every present key
    must hold a value, not null.
    """
    where = "dataset.generator"
    g = object_(value, where)
    known_keys(g, schema.GENERATOR_KEYS, where)
    name = text(require(g, "name", where), f"{where}.name")
    regression = task == "regression"
    known = schema.REGRESSION_GENERATORS if regression else schema.GENERATORS
    if name not in known:
        problem = f"unknown {'regression ' if regression else ''}generator {short(name)}"
        if name in (schema.GENERATORS if regression else schema.REGRESSION_GENERATORS):
            problem = f'"{name}" makes {"labelled points" if regression else "real targets"}'
            problem += f", not data for a {task} project"
        raise InvalidError(f"{where}.name", f"{problem} (known: {', '.join(known)})")
    out: dict[str, Any] = {}
    for key, v in g.items():
        place = f"{where}.{key}"
        if key == "name":
            out[key] = name
        elif key == "points":
            out[key] = integer(v, place, *schema.GENERATOR_POINTS)
        elif key == "classes" and regression:
            raise InvalidError(place, "a regression generator makes no classes")
        elif key == "classes":
            lo, hi = schema.generator_classes(name)
            if lo == hi and integer(v, place) != lo:
                raise InvalidError(place, f'"{name}" makes exactly {lo} classes, found {found(v)}')
            out[key] = integer(v, place, lo, hi)
        elif key == "seed":
            out[key] = integer(v, place, 0, schema.SEED_MAX)
        elif key == "noise":
            out[key] = number(v, place, *schema.GENERATOR_NOISE)
        else:  # test_ratio
            out[key] = number(v, place, *schema.GENERATOR_TEST_RATIO)
    return out


def task_of(doc: dict) -> str:
    """The top-level ``task`` (``"classification"`` when absent, as in every older file)."""
    task = text(doc.get("task", "classification"), "task")
    if task not in schema.TASKS:
        raise InvalidError(
            "task", f"expected one of {', '.join(schema.TASKS)}, found {short(task)}"
        )
    return task


# ---- training and history ------------------------------------------------------------------


def training(block: Any) -> tuple[TrainSettings, int]:
    where = "training"
    block = object_(block, where)
    known_keys(block, schema.TRAINING_KEYS, where)
    values: dict[str, Any] = {}
    for f in fields(TrainSettings):
        if f.name not in block:
            continue
        place, v = at(where, f.name), block[f.name]
        if f.name == "optimizer":
            v = text(v, place)
            if v not in optimizers.OPTIMIZERS:
                known = ", ".join(optimizers.OPTIMIZERS)
                raise InvalidError(place, f"unknown optimizer {short(v)} (known: {known})")
        elif f.name in schema.NULLABLE and v is None:
            pass  # null: no target, no maximum
        elif f.name in schema.TRAINING_INTEGERS:
            v = integer(v, place, *schema.TRAINING_INTEGERS[f.name])
        else:
            v = number(v, place)
        values[f.name] = v
    epoch = integer(block.get("epoch", 0), "training.epoch", 0, schema.COUNTER_MAX)
    # The ranges the panels offer (and the engine accepts), said in the file's own words.
    for name, (lo, hi) in schema.TRAINING_NUMBERS.items():
        if values.get(name) is not None:
            number(values[name], at(where, name), lo, hi)
    try:
        settings = TrainSettings(**values).validate()
    except TrainingError as exc:
        message = str(exc)
        for f in fields(TrainSettings):  # "learning_rate must be ..." → training.learning_rate
            if message.startswith(f.name + " "):
                raise InvalidError(at(where, f.name), message[len(f.name) + 1 :]) from None
        raise InvalidError(where, message) from None
    return settings, epoch


def history(block: Any) -> History:
    where = "history"
    block = object_(block, where)
    epochs = list_(block.get("epoch", []), "history.epoch")
    n = len(epochs)
    columns: dict[str, list] = {
        "epoch": [
            integer(e, f"history.epoch[{i}]", 0, schema.COUNTER_MAX) for i, e in enumerate(epochs)
        ]
    }
    for name in schema.HISTORY_KEYS[1:]:
        place = at(where, name)
        column = list_(block.get(name, [None] * n), place, n, "value")
        columns[name] = [
            float("nan") if v is None else number(v, f"{place}[{i}]") for i, v in enumerate(column)
        ]
    return History(**columns)


# ---- the document --------------------------------------------------------------------------


def project(doc: Any) -> Project:
    """A checked project from a parsed document; :class:`InvalidError` at the first problem."""
    if not isinstance(doc, dict):
        raise InvalidError(
            "", f"not a project file: expected a JSON object {{...}}, found {found(doc)}"
        )
    fmt = doc.get("format")
    if fmt is None:
        raise InvalidError("format", "missing: this is not an MLP Studio project file")
    if fmt != schema.FORMAT:
        raise InvalidError("format", f'expected "{schema.FORMAT}", found {found(fmt)}')
    doc = migrate(doc)
    check_keys(doc)  # before any value is converted: see the module docstring

    name = text(doc.get("name", ""), "name")
    notes = text(doc.get("notes", ""), "notes", schema.MAX_TEXT_CHARS)
    if doc.get("written_by") is not None:
        text(doc["written_by"], "written_by")
    task = task_of(doc)
    settings, epoch = TrainSettings(), 0
    if doc.get("training") is not None:
        settings, epoch = training(doc["training"])
    _optimizer_fits(task, settings)
    net, standardisation, target_standardisation = network(require(doc, "network", ""), task)
    ds = None if doc.get("dataset") is None else dataset(doc["dataset"], net, task)
    past = History() if doc.get("history") is None else history(doc["history"])
    shown = {} if doc.get("view") is None else view(doc["view"])
    return Project(
        network=net,
        dataset=ds,
        settings=settings,
        history=past,
        epoch=epoch,
        standardisation=standardisation,
        name=name,
        notes=notes,
        view=shown,
        task=task,
        target_standardisation=target_standardisation,
    )


def view(block: Any) -> dict:
    """The optional ``view`` block: the speed, what one Step trains, and the view switches."""
    where = "view"
    block = object_(block, where)
    known_keys(block, schema.VIEW_KEYS, where)
    shown: dict[str, Any] = {}
    if "speed" in block:
        speed = block["speed"]
        shown["speed"] = (
            None if speed is None else number(speed, at(where, "speed"), *schema.VIEW_SPEED)
        )
    if "step_unit" in block:
        unit = text(block["step_unit"], at(where, "step_unit"))
        if unit not in schema.STEP_UNITS:
            raise InvalidError(
                at(where, "step_unit"),
                f"expected one of {', '.join(schema.STEP_UNITS)}, found {found(unit)}",
            )
        shown["step_unit"] = unit
    for key in schema.VIEW_SWITCHES:
        if key in block:
            if not isinstance(block[key], bool):
                raise InvalidError(
                    at(where, key), f"expected true or false, found {found(block[key])}"
                )
            shown[key] = block[key]
    return shown


def hand_set_values(doc: dict) -> None:
    """Check what a writer took from settings rather than computed, in a document holding
    ``network`` (``sizes``, ``seed``, maybe ``standardisation`` and
    ``target_standardisation``), ``training``, maybe ``task`` and ``dataset.generator``: keys,
    task, seeds, generator, standardisations and training settings."""
    check_keys(doc)
    task = task_of(doc)
    net = doc["network"]
    integer(net["seed"], "network.seed", 0, schema.SEED_MAX)
    if net.get("standardisation") is not None:
        # One value per coordinate of the point: 2 when the input units are derived features.
        n_inputs = net["sizes"][0] if net.get("features") is None else features_mod.N_COORDINATES
        stored_standardisation(net["standardisation"], n_inputs)
    if net.get("target_standardisation") is not None:
        stored_target_standardisation(net["target_standardisation"], net["sizes"][-1], task)
    ds = doc.get("dataset")
    if ds is not None and ds.get("generator") is not None:
        generator_settings(ds["generator"], task)
    settings, _ = training(doc["training"])
    _optimizer_fits(task, settings)
    if doc.get("view") is not None:
        view(doc["view"])
