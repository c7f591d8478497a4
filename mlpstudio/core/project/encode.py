"""A :class:`Project` as the text of a project file: the document, laid out for people.

The same project always gives the same text, and floats are written with ``repr`` (the shortest
text that reads back to the same double), so save → load → save gives the same bytes. Before
any text is made, the values a person set (seeds, generator, standardisation, training settings)
go through the loader's own checks (:func:`check`): a project that would not load again is not
written.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from ... import __version__
from ..datasets import DataError
from ..regression import RegressionData
from ..scaling import Standardisation
from .checks import InvalidError, has_surrogate
from .model import Project, ProjectError
from .schema import (
    FORMAT,
    MAX_HISTORY_ROWS,
    MAX_NAME_CHARS,
    MAX_TEXT_CHARS,
    VERSION,
    VIEW_KEYS,
)
from .validate import hand_set_values

Array = np.ndarray


def _floats(values: Array) -> list:
    # tolist() gives Python floats, whose repr is the shortest text that reads back exactly.
    return values.astype(np.float64).tolist()


def _plain(generator: dict | None) -> dict | None:
    # numpy scalars (np.int64 seeds, say) are not JSON; their .item() is the same number.
    if generator is None:
        return None
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in generator.items()}


class _Rows(list):
    """Rows of finite Python floats, written one row per line without json's per-row call."""


def _rows(values: Array) -> _Rows:
    return _Rows(_floats(values))


def _metric(values: list) -> list:
    # JSON has no NaN: a missing metric (no test set) is written as null.
    return [float(v) if math.isfinite(v) else None for v in values]


# UTF-8 cannot write half of a surrogate pair; the loader refuses one too (checks.text).
_SURROGATE_PROBLEM = "holds a lone surrogate, which is not text and cannot be written as UTF-8"


def check(project: Project) -> None:
    """Raise :class:`ProjectError` naming the first thing that keeps ``project`` from being saved.

    These are the loader's own checks on what a person set (names, seeds, generator,
    standardisation, training settings) plus finite weights, so a project that passes saves and
    loads again. Cheap: no array is converted, so callers may check before a long training run.
    """
    for what, text, limit in (
        ("name", project.name, MAX_NAME_CHARS),
        ("notes", project.notes, MAX_TEXT_CHARS),
    ):
        if len(text) > limit:
            raise ProjectError(f"cannot save: the {what} is longer than {limit:,} characters")
        if has_surrogate(text):
            raise ProjectError(f"cannot save: the {what} {_SURROGATE_PROBLEM}")
    net = project.network
    if not np.isfinite(net.params).all() or not np.isfinite(net.initial_params).all():
        raise ProjectError("cannot save: the network's weights contain NaN or infinity")
    ds = project.dataset
    if ds is not None:
        labels = ds.target_names if project.regression else ds.class_names
        what_labels = "target" if project.regression else "class"
        for what, names in ((what_labels, labels), ("feature", ds.feature_names)):
            if any(len(n) > MAX_NAME_CHARS for n in names):
                raise ProjectError(f"cannot save: a {what} name is longer than {MAX_NAME_CHARS}")
            bad = next((k for k, n in enumerate(names) if has_surrogate(n)), None)
            if bad is not None:
                raise ProjectError(f"cannot save: dataset.{what}_names[{bad}] {_SURROGATE_PROBLEM}")
    # The hand-set parts of the document, as the writer below lays them out.
    network: dict[str, Any] = {"sizes": list(net.sizes), "seed": net.seed}
    if net.features is not None:
        network["features"] = list(net.features)
    for key in ("standardisation", "target_standardisation"):
        stored = getattr(project, key)
        if stored is not None:
            try:
                network[key] = Standardisation.from_dict(stored).to_dict()
            except DataError as exc:
                raise ProjectError(f"cannot save: network.{key}: {exc}") from None
    doc: dict[str, Any] = {"network": network, "training": _training(project)}
    if project.regression:
        doc["task"] = project.task
    if ds is not None:
        doc["dataset"] = {"generator": _plain(ds.generator)}
    if project.view:
        doc["view"] = dict(project.view)
    try:
        hand_set_values(doc)
    except InvalidError as exc:
        raise ProjectError(f"cannot save: {exc}") from None


def _training(project: Project) -> dict[str, Any]:
    return {**project.settings.to_dict(), "epoch": int(project.epoch)}


def _network(project: Project) -> dict[str, Any]:
    net = project.network
    init_W, init_b = net._views(net.initial_params)
    block: dict[str, Any] = {
        "sizes": list(net.sizes),
        "activations": list(net.activations),
        "loss": net.loss,
        "weights": [_rows(W) for W in net.weights],
        "biases": [_floats(b) for b in net.biases],
        "init": net.init,
        "seed": net.seed,
        "dtype": net.dtype.name,
        "initial_weights": [_rows(W) for W in init_W],
        "initial_biases": [_floats(b) for b in init_b],
    }
    if net.features is not None:  # written only when used: older readers see what they know
        block["features"] = list(net.features)
    if project.standardisation is not None:
        block["standardisation"] = Standardisation.from_dict(project.standardisation).to_dict()
    if project.target_standardisation is not None:
        block["target_standardisation"] = Standardisation.from_dict(
            project.target_standardisation
        ).to_dict()
    return block


def _document(project: Project) -> dict:
    check(project)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "written_by": f"mlpstudio {__version__}",
    }
    if project.name:
        doc["name"] = project.name
    if project.notes:
        doc["notes"] = project.notes
    if project.regression:  # written only when not the default: older files read as before
        doc["task"] = project.task
    doc["network"] = _network(project)

    ds = project.dataset
    if isinstance(ds, RegressionData):
        doc["dataset"] = {
            "feature_names": list(ds.feature_names),
            "target_names": list(ds.target_names),
            "points": _rows(ds.X),
            "targets": _rows(ds.targets),
            "split": ["train" if m else "test" for m in ds.train_mask.tolist()],
            "generator": _plain(ds.generator),
        }
    elif ds is not None:
        doc["dataset"] = {
            "feature_names": list(ds.feature_names),
            "class_names": list(ds.class_names),
            "points": _rows(ds.X),
            "labels": ds.y.tolist(),
            "split": ["train" if m else "test" for m in ds.train_mask.tolist()],
            "generator": _plain(ds.generator),
        }

    doc["training"] = _training(project)
    h = project.history.thin(MAX_HISTORY_ROWS)
    doc["history"] = {
        "epoch": [int(e) for e in h.epoch],
        "train_cost": _metric(h.train_cost),
        "train_accuracy": _metric(h.train_accuracy),
        "test_cost": _metric(h.test_cost),
        "test_accuracy": _metric(h.test_accuracy),
    }
    if project.view:
        doc["view"] = {k: project.view[k] for k in VIEW_KEYS if k in project.view}
    return doc


def _dump(value: Any, level: int) -> str:
    """JSON laid out for people: one key per line, and a list of numbers on one line."""
    pad = "  " * (level + 1)
    if isinstance(value, _Rows) and value:
        # json writes a finite float as float.__repr__ too: the same text, several times faster.
        body = ",\n".join(f"{pad}[{', '.join(map(float.__repr__, row))}]" for row in value)
        return "[\n" + body + "\n" + "  " * level + "]"
    if isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: " for k in value]
        body = ",\n".join(
            i + _dump(v, level + 1) for i, v in zip(items, value.values(), strict=True)
        )
        return "{\n" + body + "\n" + "  " * level + "}"
    # The lists written here are homogeneous: the first item says whether they nest.
    if isinstance(value, list) and value and isinstance(value[0], (list, dict)):
        body = ",\n".join(pad + _dump(v, level + 1) for v in value)
        return "[\n" + body + "\n" + "  " * level + "]"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def to_json(project: Project) -> str:
    """The project as JSON text; the same project always gives the same text.

    Raises :class:`ProjectError` when the project holds something the file cannot (NaN weights,
    a seed or a setting outside the schema's bounds), naming it.
    """
    doc = _document(project)
    try:
        text = _dump(doc, 0)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ProjectError(f"cannot save: a value cannot be written as JSON ({exc})") from None
    return text + "\n"
