"""The project file: one JSON document that holds a network, its data, its training and history.

The format is a public contract (``docs/file-format.md``): people share project files with a
class and script the command line around them. Three rules shape this module:

- **Loading never executes anything and trusts nothing.** The text is parsed by :mod:`json`
  (nothing is unpickled or evaluated); every value is checked for type, shape, range and
  finiteness before anything is built from it, and the first problem raises
  :class:`ProjectError` with a message naming the place, e.g.
  ``network.weights[1]: expected 1 row of 4 values, found 2 rows``.
  Files over :data:`MAX_FILE_BYTES` are refused before they are read, deep nesting stops the
  parser cleanly, and numbers that overflow a float (``1e999``) are reported, not turned into inf.
- **Float64 values round-trip bit for bit.** Floats are written with ``repr`` (the shortest text
  that reads back to the same double), so save → load → save gives the same bytes.
- **Saving is atomic.** The text is written to a temporary file in the same folder, flushed and
  fsynced, then moved over the old file; an error on the way leaves the old file untouched.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from dataclasses import replace as _replace
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from . import activations as act_table
from . import losses, optimizers
from .datasets import DataError, Dataset, standardise
from .network import INITS, MAX_LAYERS, MAX_UNITS, Network
from .training import History, Trainer, TrainingError, TrainSettings

Array = np.ndarray

FORMAT = "mlpstudio-project"
VERSION = 1
MAX_FILE_BYTES = 100_000_000  # a million 2-D points take about 45 MB
MAX_NAME_CHARS = 1_000  # a project, class or feature name
MAX_TEXT_CHARS = 1_000_000  # notes, and any string kept from an unknown key
MAX_DEPTH = 64  # nesting inside unknown keys that are kept
MAX_EXTRA_KEYS = 256
MAX_GENERATOR_KEYS = 64
MAX_HISTORY_ROWS = 10_000  # beyond this the history is thinned evenly when saved
_BIG = 2**63 - 1  # seeds and counters must fit numpy's integers
_MAX_INT_DIGITS = 300  # a longer integer is reported as too large instead of being parsed
DTYPES = ("float64", "float32")

_KNOWN_KEYS = ("format", "version", "written_by", "name", "notes")
_BLOCKS = ("network", "dataset", "training", "history")


class ProjectError(ValueError):
    """A project file that cannot be read or written; the message says what and where."""


# --------------------------------------------------------------------------------------------
# The project
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Project:
    """Everything needed to continue where the user stopped.

    ``standardisation`` (``{"mean": [...], "std": [...]}``, one value per feature) means the
    network sees ``(x − mean) / std`` instead of the dataset's points, which stay as the user
    gave them; :meth:`network_input` applies it to any points. ``extra`` keeps unknown top-level
    keys of a loaded file, so a newer app's additions survive a round trip through this one.
    """

    network: Network
    dataset: Dataset | None = None
    settings: TrainSettings = field(default_factory=TrainSettings)
    history: History = field(default_factory=History)
    epoch: int = 0
    standardisation: dict | None = None
    name: str = ""
    notes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def init(self) -> str:
        """How the initial weights were drawn (``uniform``, ``xavier``, ``he``)."""
        return self.network.init

    @property
    def dtype(self) -> np.dtype:
        """The float type the network computes in."""
        return self.network.dtype

    @property
    def n_classes(self) -> int:
        """Classes of the dataset, or those the network's outputs can tell apart."""
        if self.dataset is not None:
            return self.dataset.n_classes
        return _network_classes(self.network)

    @property
    def class_names(self) -> list[str]:
        if self.dataset is not None:
            return list(self.dataset.class_names)
        return [str(c) for c in range(self.n_classes)]

    @property
    def feature_names(self) -> list[str]:
        if self.dataset is not None:
            return list(self.dataset.feature_names)
        return [f"x{k + 1}" for k in range(self.network.n_inputs)]

    def network_input(self, X: Array) -> Array:
        """Points as the network sees them: standardised when the project says so."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if self.standardisation is None:
            return X
        s = self.standardisation
        return standardise(X, np.asarray(s["mean"]), np.asarray(s["std"]))[0]

    def trainer(self) -> Trainer:
        """A trainer on this project's data and settings that carries on from its epoch."""
        ds = self.dataset
        if ds is None:
            raise ProjectError("this project has no dataset to train on")
        X_test = self.network_input(ds.X_test) if len(ds.y_test) else None
        trainer = Trainer(
            self.network,
            self.network_input(ds.X_train),
            ds.y_train,
            X_test,
            ds.y_test if X_test is not None else None,
            settings=_replace(self.settings),
            n_classes=ds.n_classes,
        )
        trainer.epoch = self.epoch
        if len(self.history):
            trainer.history = self.history.copy()
        else:
            trainer.history.epoch[0] = self.epoch
        return trainer

    def record(self, trainer: Trainer) -> None:
        """Take the epoch, history and settings of ``trainer`` (which trains this network)."""
        self.epoch = trainer.epoch
        self.history = trainer.history.copy()
        self.settings = _replace(trainer.settings)


def _network_classes(net: Network) -> int:
    # One output unit separates two classes; K > 1 units are one class each (one-hot targets).
    return 2 if net.n_outputs == 1 else net.n_outputs


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


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


def _document(project: Project) -> dict:
    net = project.network
    if not np.isfinite(net.params).all() or not np.isfinite(net.initial_params).all():
        raise ProjectError("cannot save: the network's weights contain NaN or infinity")
    for what, text, limit in (
        ("name", project.name, MAX_NAME_CHARS),
        ("notes", project.notes, MAX_TEXT_CHARS),
    ):
        if len(text) > limit:
            raise ProjectError(f"cannot save: the {what} is longer than {limit:,} characters")

    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "written_by": f"mlpstudio {__version__}",
    }
    if project.name:
        doc["name"] = project.name
    if project.notes:
        doc["notes"] = project.notes

    init_W, init_b = net._views(net.initial_params)
    network: dict[str, Any] = {
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
    if project.standardisation is not None:
        network["standardisation"] = {
            "mean": _floats(np.asarray(project.standardisation["mean"])),
            "std": _floats(np.asarray(project.standardisation["std"])),
        }
    doc["network"] = network

    ds = project.dataset
    if ds is not None:
        for what, names in (("class", ds.class_names), ("feature", ds.feature_names)):
            if any(len(n) > MAX_NAME_CHARS for n in names):
                raise ProjectError(f"cannot save: a {what} name is longer than {MAX_NAME_CHARS}")
        doc["dataset"] = {
            "feature_names": list(ds.feature_names),
            "class_names": list(ds.class_names),
            "points": _rows(ds.X),
            "labels": ds.y.tolist(),
            "split": ["train" if m else "test" for m in ds.train_mask.tolist()],
            "generator": _plain(ds.generator),
        }

    doc["training"] = {**project.settings.to_dict(), "epoch": int(project.epoch)}
    h = project.history.thin(MAX_HISTORY_ROWS)
    doc["history"] = {
        "epoch": [int(e) for e in h.epoch],
        "train_cost": _metric(h.train_cost),
        "train_accuracy": _metric(h.train_accuracy),
        "test_cost": _metric(h.test_cost),
        "test_accuracy": _metric(h.test_accuracy),
    }
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
    """The project as JSON text; the same project always gives the same text."""
    doc = _document(project)
    extras = {k: v for k, v in project.extra.items() if k not in doc and k not in _BLOCKS}
    try:
        text = _dump(doc, 0)
        if extras:
            # Unknown keys are written on one line each, as they came: no layout is known.
            lines = [
                f"  {json.dumps(k, ensure_ascii=False)}: "
                f"{json.dumps(v, ensure_ascii=False, allow_nan=False)}"
                for k, v in extras.items()
            ]
            text = text[:-2] + ",\n" + ",\n".join(lines) + "\n}"
    except (TypeError, ValueError, RecursionError) as exc:
        raise ProjectError(f"cannot save: a value cannot be written as JSON ({exc})") from None
    return text + "\n"


def save(project: Project, path: str | os.PathLike) -> None:
    """Write the project to ``path`` atomically; on any error the old file stays as it was.

    Raises :class:`ProjectError` if the project cannot be represented (before the disk is
    touched) and ``OSError`` if the file cannot be written.
    """
    data = to_json(project).encode("utf-8")
    path = Path(path)
    try:  # keep the permissions of the file we replace; a new one gets the umask's default
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = None
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:  # name the file the user asked for, not our temporary one
        raise OSError(exc.errno, exc.strerror, os.fspath(path)) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; folders cannot be opened this way on Windows.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------
# Reading: parsing
# --------------------------------------------------------------------------------------------


class _InvalidError(Exception):
    """A problem at a place in the document; :func:`from_json` adds the file name."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}" if where else problem)


class _Literal(float):
    """A number the parser could not keep (NaN, Infinity, 1e999), with its text for messages."""

    text = ""


def _literal(text: str) -> _Literal:
    try:
        value = _Literal(float(text))
    except (ValueError, OverflowError):
        value = _Literal(math.inf)
    value.text = text if len(text) <= 24 else f"{text[:20]}… ({len(text)} characters)"
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else _literal(text)


def _parse_int(text: str) -> int | float:
    # int() of a huge digit string is slow (quadratic) and Python refuses over 4300 digits.
    return int(text) if len(text) <= _MAX_INT_DIGITS else _literal(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _InvalidError("", f"the key {_short(key)} appears twice in one object")
            seen.add(key)
    return out


def _parse(text: str) -> Any:
    try:
        return json.loads(
            text,
            parse_float=_parse_float,
            parse_int=_parse_int,
            parse_constant=_literal,
            object_pairs_hook=_unique_keys,
        )
    except json.JSONDecodeError as exc:
        raise _InvalidError(
            "", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise _InvalidError(
            "", "not a project file: lists or objects are nested far too deeply"
        ) from None


# --------------------------------------------------------------------------------------------
# Reading: checking values
# --------------------------------------------------------------------------------------------


def _short(value: str, limit: int = 40) -> str:
    if len(value) <= limit:
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value[:limit], ensure_ascii=False)[:-1] + f'…" ({len(value):,} characters)'


_PLURALS = {"matrix": "matrices", "class": "classes"}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {_PLURALS.get(word, word + 's')}"


def _found(value: Any) -> str:
    """How a message shows what the file holds."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _Literal):
        return value.text
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return f"the text {_short(value)}"
    if isinstance(value, list):
        return f"a list of {_plural(len(value), 'item')}"
    return "an object"


def _at(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise _InvalidError(where, f"expected an object {{...}}, found {_found(value)}")
    return value


def _require(obj: dict, key: str, where: str) -> Any:
    if key not in obj:
        raise _InvalidError(_at(where, key), "missing (this key is required)")
    return obj[key]


def _integer(value: Any, where: str, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _InvalidError(where, f"expected an integer, found {_found(value)}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if hi is None or (hi == _BIG and value < lo):
            raise _InvalidError(where, f"expected an integer of at least {lo}, found {value}")
        if hi == _BIG:
            raise _InvalidError(where, f"expected an integer below 2^63, found {_found(value)}")
        raise _InvalidError(where, f"expected an integer between {lo} and {hi}, found {value}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _InvalidError(where, f"expected a number, found {_found(value)}")
    if isinstance(value, _Literal) and not math.isfinite(value):
        raise _InvalidError(where, _not_finite(value))
    return float(value)


def _not_finite(value: _Literal) -> str:
    return (
        f"{value.text} is not a finite number "
        "(NaN, Infinity and numbers beyond ±1.8e308 are not allowed)"
    )


def _text(value: Any, where: str, limit: int = MAX_NAME_CHARS) -> str:
    if not isinstance(value, str):
        raise _InvalidError(where, f"expected a string, found {_found(value)}")
    if len(value) > limit:
        raise _InvalidError(
            where, f"{_short(value)} is longer than the {limit:,} characters allowed"
        )
    return value


def _list(value: Any, where: str, n: int | None = None, what: str = "value") -> list:
    if not isinstance(value, list):
        wanted = f"a list of {_plural(n, what)}" if n is not None else "a list"
        raise _InvalidError(where, f"expected {wanted}, found {_found(value)}")
    if n is not None and len(value) != n:
        raise _InvalidError(where, f"expected {_plural(n, what)}, found {len(value):,}")
    return value


def _names(value: Any, where: str, n: int | None, what: str) -> list[str]:
    names = [_text(v, f"{where}[{i}]") for i, v in enumerate(_list(value, where, n, what))]
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            raise _InvalidError(f"{where}[{i}]", f"{_short(name)} is already {where}[{seen[name]}]")
        seen[name] = i
    return names


def _row(row: Any, where: str, n: int) -> None:
    """Check one list of ``n`` numbers (fast for the common case of plain floats)."""
    if type(row) is not list or len(row) != n:
        _list(row, where, n)  # raises with the right message
    for k, x in enumerate(row):
        t = type(x)
        if t is not float and t is not int:
            _number(x, f"{where}[{k}]")


def _matrix(value: Any, where: str, rows: int | None, cols: int, what: str = "") -> Array:
    """A list of ``rows`` lists of ``cols`` finite numbers, as a float64 array."""
    if not isinstance(value, list) or (rows is not None and len(value) != rows):
        want = f"{_plural(rows, 'row')} of " if rows is not None else "rows of "
        found = _plural(len(value), "row") if isinstance(value, list) else _found(value)
        raise _InvalidError(where, f"expected {want}{_plural(cols, 'value')}{what}, found {found}")
    for i, row in enumerate(value):
        _row(row, f"{where}[{i}]", cols)
    return np.array(value, dtype=np.float64).reshape(len(value), cols)


def _vector(value: Any, where: str, n: int) -> Array:
    _row(value, where, n)
    return np.array(value, dtype=np.float64).reshape(n)


def _json_value(value: Any, where: str) -> Any:
    """Check a value of an unknown key before keeping it: finite, short, not too deep."""
    stack = [(value, where, 0)]
    while stack:
        v, at, depth = stack.pop()
        if depth > MAX_DEPTH:
            place = at if len(at) <= 60 else f"{at[:50]}…"
            raise _InvalidError(place, f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(v, dict):
            stack.extend((x, f"{at}.{k}", depth + 1) for k, x in v.items())
        elif isinstance(v, list):
            stack.extend((x, f"{at}[{i}]", depth + 1) for i, x in enumerate(v))
        elif isinstance(v, str):
            _text(v, at, MAX_TEXT_CHARS)
        elif isinstance(v, float):
            _number(v, at)
    return value


# --------------------------------------------------------------------------------------------
# Reading: the blocks
# --------------------------------------------------------------------------------------------


def _network(block: Any) -> tuple[Network, dict | None]:
    where = "network"
    block = _object(block, where)
    sizes_value = _list(_require(block, "sizes", where), "network.sizes")
    if not 2 <= len(sizes_value) <= MAX_LAYERS:
        raise _InvalidError(
            "network.sizes",
            f"expected 2 to {MAX_LAYERS} layer sizes (input to output), found {len(sizes_value)}",
        )
    sizes = [_integer(n, f"network.sizes[{i}]", 1, MAX_UNITS) for i, n in enumerate(sizes_value)]
    n_layers = len(sizes) - 1

    names = _list(_require(block, "activations", where), "network.activations", n_layers)
    activations = []
    for i, name in enumerate(names):
        at = f"network.activations[{i}]"
        name = _text(name, at)
        if name not in act_table.ACTIVATIONS:
            known = ", ".join(act_table.ACTIVATIONS)
            raise _InvalidError(at, f"unknown activation {_short(name)} (known: {known})")
        if act_table.ACTIVATIONS[name].output_only and i != n_layers - 1:
            raise _InvalidError(at, f"{name} is allowed on the output layer only")
        activations.append(name)

    loss = _text(_require(block, "loss", where), "network.loss")
    if loss not in losses.LOSSES:
        raise _InvalidError(
            "network.loss", f"unknown loss {_short(loss)} (known: {', '.join(losses.LOSSES)})"
        )
    try:
        losses.check_pairing(loss, activations[-1], sizes[-1])
    except ValueError as exc:
        raise _InvalidError("network.loss", str(exc)) from None

    weights = _weights(_require(block, "weights", where), "network.weights", sizes)
    biases = _biases(_require(block, "biases", where), "network.biases", sizes)
    # Files written by hand may leave out the initial weights: "reset" then returns to these.
    initial_weights, initial_biases = weights, biases
    if block.get("initial_weights") is not None:
        initial_weights = _weights(block["initial_weights"], "network.initial_weights", sizes)
    if block.get("initial_biases") is not None:
        initial_biases = _biases(block["initial_biases"], "network.initial_biases", sizes)

    init = _text(block.get("init", "xavier"), "network.init")
    if init not in INITS:
        raise _InvalidError(
            "network.init", f"unknown initialisation {_short(init)} (known: {', '.join(INITS)})"
        )
    seed = _integer(block.get("seed", 0), "network.seed", 0, _BIG)
    dtype = _text(block.get("dtype", "float64"), "network.dtype")
    if dtype not in DTYPES:
        raise _InvalidError(
            "network.dtype", f"expected one of {', '.join(DTYPES)}, found {_short(dtype)}"
        )

    standardisation = None
    if block.get("standardisation") is not None:
        at = "network.standardisation"
        s = _object(block["standardisation"], at)
        mean = _vector(_require(s, "mean", at), f"{at}.mean", sizes[0])
        std = _vector(_require(s, "std", at), f"{at}.std", sizes[0])
        if (std <= 0).any():
            k = int(np.argmax(std <= 0))
            raise _InvalidError(
                f"{at}.std[{k}]", f"a standard deviation must be above 0, found {std[k]}"
            )
        standardisation = {"mean": mean.tolist(), "std": std.tolist()}

    try:
        net = Network(sizes, activations, loss, seed=seed, init=init, dtype=dtype)
    except ValueError as exc:
        raise _InvalidError("network", str(exc)) from None
    net.set_params(np.concatenate([*(W.ravel() for W in weights), *biases]))
    net.initial_params = np.concatenate(
        [*(W.ravel() for W in initial_weights), *initial_biases]
    ).astype(net.dtype)
    if not (np.isfinite(net.params).all() and np.isfinite(net.initial_params).all()):
        raise _InvalidError("network.weights", f"values too large for {dtype}")
    return net, standardisation


def _weights(value: Any, where: str, sizes: list[int]) -> list[Array]:
    n = len(sizes) - 1
    _list(value, where, n, "matrix")
    return [_matrix(W, f"{where}[{i}]", sizes[i + 1], sizes[i]) for i, W in enumerate(value)]


def _biases(value: Any, where: str, sizes: list[int]) -> list[Array]:
    _list(value, where, len(sizes) - 1, "list")
    return [_vector(b, f"{where}[{i}]", sizes[i + 1]) for i, b in enumerate(value)]


def _dataset(block: Any, net: Network) -> Dataset:
    where = "dataset"
    block = _object(block, where)
    d = net.n_inputs
    points = _require(block, "points", where)
    X = _matrix(points, "dataset.points", None, d, " (one per network input)")
    n = len(X)

    feature_names = None
    if block.get("feature_names") is not None:
        feature_names = _names(block["feature_names"], "dataset.feature_names", d, "name")

    n_classes = _network_classes(net)
    if block.get("class_names") is not None:
        class_names = _names(block["class_names"], "dataset.class_names", None, "name")
        if len(class_names) != n_classes:
            units = _plural(net.n_outputs, "output unit")
            raise _InvalidError(
                "dataset.class_names",
                f"{_plural(len(class_names), 'class')}, but the network's {units} "
                f"{'separates 2 classes' if net.n_outputs == 1 else 'are one per class'}",
            )
    else:
        class_names = [str(c) for c in range(n_classes)]

    labels = _list(_require(block, "labels", where), "dataset.labels", n, "label")
    for i, c in enumerate(labels):
        if type(c) is not int or not 0 <= c < n_classes:
            at = f"dataset.labels[{i}]"
            _integer(c, at)
            raise _InvalidError(at, f"label {c} is out of range for {n_classes} classes")
    y = np.array(labels, dtype=np.int64).reshape(n)

    mask = np.ones(n, dtype=bool)
    if block.get("split") is not None:
        split = _list(block["split"], "dataset.split", n)
        for i, part in enumerate(split):
            if part in ("train", "test") and isinstance(part, str):
                mask[i] = part == "train"
            elif isinstance(part, bool):
                mask[i] = part
            else:
                raise _InvalidError(
                    f"dataset.split[{i}]", f'expected "train" or "test", found {_found(part)}'
                )

    generator = None
    if block.get("generator") is not None:
        generator = _object(block["generator"], "dataset.generator")
        if len(generator) > MAX_GENERATOR_KEYS:
            raise _InvalidError("dataset.generator", f"more than {MAX_GENERATOR_KEYS} keys")
        for key, v in generator.items():
            at = f"dataset.generator.{key}"
            if isinstance(v, (list, dict)):
                raise _InvalidError(
                    at, f"expected a string, number, true, false or null, found {_found(v)}"
                )
            _json_value(v, at)
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
        raise _InvalidError(where, str(exc)) from None


def _training(block: Any) -> tuple[TrainSettings, int]:
    where = "training"
    block = _object(block, where)
    values: dict[str, Any] = {}
    for f in fields(TrainSettings):
        if f.name not in block:
            continue
        at = _at(where, f.name)
        v = block[f.name]
        if f.name == "optimizer":
            v = _text(v, at)
            if v not in optimizers.OPTIMIZERS:
                known = ", ".join(optimizers.OPTIMIZERS)
                raise _InvalidError(at, f"unknown optimizer {_short(v)} (known: {known})")
        elif f.name in ("target_cost", "max_epochs") and v is None:
            pass  # null: no target, no maximum
        elif f.name in ("batch_size", "max_epochs", "seed"):
            v = _integer(v, at, 1 if f.name == "batch_size" else 0, _BIG)
        else:
            v = _number(v, at)
        values[f.name] = v
    epoch = _integer(block.get("epoch", 0), "training.epoch", 0, _BIG)
    try:
        settings = TrainSettings(**values).validate()
    except TrainingError as exc:
        message = str(exc)
        for f in fields(TrainSettings):  # "learning_rate must be ..." → training.learning_rate
            if message.startswith(f.name + " "):
                raise _InvalidError(_at(where, f.name), message[len(f.name) + 1 :]) from None
        raise _InvalidError(where, message) from None
    return settings, epoch


def _history(block: Any) -> History:
    where = "history"
    block = _object(block, where)
    epochs = _list(block.get("epoch", []), "history.epoch")
    n = len(epochs)
    columns: dict[str, list] = {
        "epoch": [_integer(e, f"history.epoch[{i}]", 0) for i, e in enumerate(epochs)]
    }
    for name in ("train_cost", "train_accuracy", "test_cost", "test_accuracy"):
        at = _at(where, name)
        column = _list(block.get(name, [None] * n), at, n, "value")
        columns[name] = [
            math.nan if v is None else _number(v, f"{at}[{i}]") for i, v in enumerate(column)
        ]
    return History(**columns)


# --------------------------------------------------------------------------------------------
# Reading: versions
# --------------------------------------------------------------------------------------------


def _from_v0(doc: dict) -> dict:
    """Version 0 (pre-release drafts) called the training block ``settings``, the loss ``cost``."""
    doc = dict(doc)
    if "settings" in doc and "training" not in doc:
        doc["training"] = doc.pop("settings")
    if isinstance(doc.get("network"), dict) and "cost" in doc["network"]:
        network = dict(doc["network"])
        network.setdefault("loss", network.pop("cost"))
        doc["network"] = network
    doc["version"] = 1
    return doc


# MIGRATIONS[v] turns a version-v document into a version-(v + 1) one.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {0: _from_v0}


def _migrate(doc: dict) -> dict:
    version = _integer(_require(doc, "version", ""), "version")
    if version > VERSION:
        raise _InvalidError(
            "",
            f"version {version} is newer than this MLP Studio understands ({VERSION}): "
            "update the app",
        )
    if version < min(MIGRATIONS, default=VERSION):
        raise _InvalidError("version", f"{version} is not a known version (0 to {VERSION})")
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    return doc


# --------------------------------------------------------------------------------------------
# Reading: the document
# --------------------------------------------------------------------------------------------


def _project(doc: Any) -> Project:
    if not isinstance(doc, dict):
        raise _InvalidError(
            "", f"not a project file: expected a JSON object {{...}}, found {_found(doc)}"
        )
    fmt = doc.get("format")
    if fmt is None:
        raise _InvalidError("format", "missing: this is not an MLP Studio project file")
    if fmt != FORMAT:
        raise _InvalidError("format", f'expected "{FORMAT}", found {_found(fmt)}')
    doc = _migrate(doc)

    network, standardisation = _network(_require(doc, "network", ""))
    dataset = None if doc.get("dataset") is None else _dataset(doc["dataset"], network)
    settings, epoch = TrainSettings(), 0
    if doc.get("training") is not None:
        settings, epoch = _training(doc["training"])
    history = History() if doc.get("history") is None else _history(doc["history"])
    name = _text(doc.get("name", ""), "name")
    notes = _text(doc.get("notes", ""), "notes", MAX_TEXT_CHARS)

    extra = {k: v for k, v in doc.items() if k not in _KNOWN_KEYS and k not in _BLOCKS}
    if len(extra) > MAX_EXTRA_KEYS:
        raise _InvalidError("", f"more than {MAX_EXTRA_KEYS} unknown top-level keys")
    for key, value in extra.items():
        _json_value(value, key)
    return Project(
        network=network,
        dataset=dataset,
        settings=settings,
        history=history,
        epoch=epoch,
        standardisation=standardisation,
        name=name,
        notes=notes,
        extra=extra,
    )


def from_json(text: str | bytes, source: str = "<string>") -> Project:
    """Parse and validate project text; ``source`` names it in messages (usually the path)."""
    try:
        if isinstance(text, (bytes, bytearray)):
            text = _decode(bytes(text))
        if len(text) > MAX_FILE_BYTES:
            raise _InvalidError("", f"larger than the {MAX_FILE_BYTES // 1_000_000} MB allowed")
        if not text.strip():
            raise _InvalidError("", "the file is empty")
        return _project(_parse(text))
    except _InvalidError as exc:
        raise ProjectError(f"{source}: {exc}") from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _InvalidError(
            "", f"not a project file: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line})"
        ) from None


def load(path: str | os.PathLike) -> Project:
    """Read and validate the project file at ``path``; any problem raises :class:`ProjectError`."""
    source = os.fspath(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ProjectError(f"{source}: is a folder, not a project file")
        if info.st_size > MAX_FILE_BYTES:
            raise ProjectError(
                f"{source}: the file is {info.st_size / 1e6:,.0f} MB; project files are limited "
                f"to {MAX_FILE_BYTES // 1_000_000} MB"
            )
        with open(path, "rb") as f:
            # Read one byte past the limit: a file that grew, or a device, is still refused.
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ProjectError(f"{source}: file not found") from None
    except OSError as exc:
        raise ProjectError(f"{source}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ProjectError(f"{source}: larger than the {MAX_FILE_BYTES // 1_000_000} MB allowed")
    return from_json(data, source)
