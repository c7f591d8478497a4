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


def network(block: Any) -> tuple[Network, dict | None]:
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
        losses.check_pairing(loss, activations[-1], sizes[-1])
    except ValueError as exc:
        raise InvalidError("network.loss", str(exc)) from None

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
    return net, standardisation


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


def stored_standardisation(value: Any, n_inputs: int) -> dict:
    """``{"mean": [...], "std": [...]}``, one value per input, within the scaling rule's bounds."""
    where = "network.standardisation"
    s = object_(value, where)
    known_keys(s, schema.STANDARDISATION_KEYS, where)
    mean = vector(require(s, "mean", where), f"{where}.mean", n_inputs)
    std = vector(require(s, "std", where), f"{where}.std", n_inputs)
    problem = scaling.problem(mean, std)
    if problem is not None:
        which, k, message = problem
        raise InvalidError(f"{where}.{which}[{k}]", message)
    return {"mean": mean.tolist(), "std": std.tolist()}


def _weights(value: Any, where: str, sizes: list[int]) -> list[Array]:
    list_(value, where, len(sizes) - 1, "matrix")
    return [matrix(W, f"{where}[{i}]", sizes[i + 1], sizes[i]) for i, W in enumerate(value)]


def _biases(value: Any, where: str, sizes: list[int]) -> list[Array]:
    list_(value, where, len(sizes) - 1, "list")
    return [vector(b, f"{where}[{i}]", sizes[i + 1]) for i, b in enumerate(value)]


# ---- dataset -------------------------------------------------------------------------------


def dataset(block: Any, net: Network) -> Dataset:
    where = "dataset"
    block = object_(block, where)
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


def generator_settings(value: Any) -> dict:
    """How the points were generated: a known generator and arguments the data panel can show.

    The keys keep the file's order (so a file saves back to the same bytes); every present key
    must hold a value, not null.
    """
    where = "dataset.generator"
    g = object_(value, where)
    known_keys(g, schema.GENERATOR_KEYS, where)
    name = text(require(g, "name", where), f"{where}.name")
    if name not in schema.GENERATORS:
        known = ", ".join(schema.GENERATORS)
        raise InvalidError(f"{where}.name", f"unknown generator {short(name)} (known: {known})")
    out: dict[str, Any] = {}
    for key, v in g.items():
        place = f"{where}.{key}"
        if key == "name":
            out[key] = name
        elif key == "points":
            out[key] = integer(v, place, *schema.GENERATOR_POINTS)
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
    settings, epoch = TrainSettings(), 0
    if doc.get("training") is not None:
        settings, epoch = training(doc["training"])
    net, standardisation = network(require(doc, "network", ""))
    ds = None if doc.get("dataset") is None else dataset(doc["dataset"], net)
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
    ``network`` (``sizes``, ``seed``, maybe ``standardisation``), ``training`` and maybe
    ``dataset.generator``: keys, seeds, generator, standardisation and training settings."""
    check_keys(doc)
    net = doc["network"]
    integer(net["seed"], "network.seed", 0, schema.SEED_MAX)
    if net.get("standardisation") is not None:
        # One value per coordinate of the point: 2 when the input units are derived features.
        n_inputs = net["sizes"][0] if net.get("features") is None else features_mod.N_COORDINATES
        stored_standardisation(net["standardisation"], n_inputs)
    ds = doc.get("dataset")
    if ds is not None and ds.get("generator") is not None:
        generator_settings(ds["generator"])
    training(doc["training"])
    if doc.get("view") is not None:
        view(doc["view"])
