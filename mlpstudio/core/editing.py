"""The editable point set: a dataset a person draws, with undo and redo.

A :class:`PointSet` holds the points of a 2-D dataset (``X``, ``y``, the train/test mask, the
class and feature names) and changes them only through edits: add, delete, move, relabel, mark
train or test, re-split, add/rename/remove a class, clear, replace everything. It checks each
edit (``EditError`` says why one cannot be made), then hands it as a small reversible command to
an undo stack (:mod:`mlpstudio.core.undo`, :data:`UNDO_DEPTH` deep), so :meth:`undo` and
:meth:`redo` restore every array bit for bit. A drag made of many small edits (a spray stroke, a
moved point) can be gathered into one undo step with :meth:`PointSet.group`.

Removing a class deletes its points (relabel them first to keep them, or pass ``relabel_to``),
and the classes above it move down by one, so class indices stay ``0..K-1``.

The arrays are never changed in place: an edit builds new ones, so a :class:`Dataset` handed out
by :meth:`PointSet.dataset` (a fresh object after each change, compare with ``is``) and the read
only views of :attr:`X`, :attr:`y` and :attr:`train_mask` stay valid as they were.
"""

from __future__ import annotations

import contextlib
import copy
import math
from collections.abc import Iterator, Sequence

import numpy as np

from .datasets import MAX_TEST_RATIO, Dataset, split
from .undo import (
    AddClass,
    Command,
    Delete,
    DropClass,
    Insert,
    RenameClass,
    Replace,
    SetRows,
    State,
    UndoStack,
    frozen,
)

Array = np.ndarray

MAX_CLASSES = 8  # the class palette has 8 colours (ui.palette.CLASS_HEX)
MIN_CLASSES = 2  # a classifier needs two classes
UNDO_DEPTH = 500


class EditError(ValueError):
    """An edit that cannot be made (bad index, unknown class, too many classes, ...)."""


def spray_points(
    rng: np.random.Generator, centre: Sequence[float], radius: float | Sequence[float], count: int
) -> Array:
    """``count`` points uniform over the disc (or axis-aligned ellipse) around ``centre``."""
    rx, ry = (radius, radius) if np.isscalar(radius) else radius
    r = np.sqrt(rng.uniform(0.0, 1.0, size=count))  # sqrt: uniform over the area, not the radius
    angle = rng.uniform(0.0, 2 * np.pi, size=count)
    return np.column_stack([centre[0] + rx * r * np.cos(angle), centre[1] + ry * r * np.sin(angle)])


class PointSet:
    """A 2-D dataset edited through reversible commands. See the module docstring."""

    def __init__(self, dataset: Dataset | None = None, depth: int = UNDO_DEPTH) -> None:
        if depth < 1:
            raise EditError(f"the undo depth must be at least 1, got {depth}")
        self._s = self._state_of(dataset if dataset is not None else self.empty())
        self._history = UndoStack(depth)
        self._version = 0
        self._cached: tuple[int, Dataset] | None = None
        self._replaced_all = False

    @staticmethod
    def empty(classes: Sequence[str] = ("0", "1")) -> Dataset:
        """A dataset with no points and the given classes, to start drawing on."""
        return Dataset(
            X=np.zeros((0, 2)), y=np.zeros(0, dtype=np.int64), class_names=list(classes),
            feature_names=["x1", "x2"],
        )  # fmt: skip

    @staticmethod
    def _state_of(ds: Dataset) -> State:
        if ds.n_features != 2:
            raise EditError(f"the editor draws 2 features, this dataset has {ds.n_features}")
        return State(
            frozen(ds.X.copy()), frozen(ds.y.copy()), frozen(ds.train_mask.copy()),
            list(ds.class_names), list(ds.feature_names), copy.deepcopy(ds.generator),
        )  # fmt: skip

    # ---- reading ---------------------------------------------------------------------------

    @property
    def X(self) -> Array:
        """The points ``(n, 2)`` (read-only)."""
        return self._s.X

    @property
    def y(self) -> Array:
        return self._s.y

    @property
    def train_mask(self) -> Array:
        return self._s.mask

    @property
    def class_names(self) -> list[str]:
        return list(self._s.classes)

    @property
    def feature_names(self) -> list[str]:
        return list(self._s.features)

    @property
    def n_points(self) -> int:
        return len(self._s.X)

    @property
    def n_classes(self) -> int:
        return len(self._s.classes)

    @property
    def replaced_all(self) -> bool:
        """Whether the last change swapped the whole dataset (:meth:`replace`, or its undo/redo).

        A viewer then treats the data as new (fits the view) rather than as an edit.
        """
        return self._replaced_all

    @property
    def version(self) -> int:
        """Goes up by one with every change (edit, undo or redo)."""
        return self._version

    def dataset(self) -> Dataset:
        """The current points as a :class:`Dataset`: a new object after every change."""
        if self._cached is None or self._cached[0] != self._version:
            s = self._s
            ds = Dataset(
                X=s.X.copy(), y=s.y.copy(), class_names=list(s.classes),
                feature_names=list(s.features), train_mask=s.mask.copy(),
                generator=copy.deepcopy(s.generator),
            )  # fmt: skip
            self._cached = (self._version, ds)
        return self._cached[1]

    def nearest(
        self,
        x: float,
        y: float,
        max_dist: float = math.inf,
        scale: tuple[float, float] = (1.0, 1.0),
        among: Array | None = None,
    ) -> int:
        """The index of the point nearest to ``(x, y)``, or -1 if none is within ``max_dist``.

        Distances are measured in units of ``scale`` per axis (pass the size of a screen pixel
        in data units to measure in pixels); ``among`` (a boolean mask) limits the candidates.
        """
        X = self._s.X
        rows = np.arange(len(X)) if among is None else np.flatnonzero(among)
        if not len(rows):
            return -1
        sx, sy = scale
        d2 = ((X[rows, 0] - x) / sx) ** 2 + ((X[rows, 1] - y) / sy) ** 2
        i = int(np.argmin(d2))
        return int(rows[i]) if d2[i] <= max_dist**2 else -1

    def indices_in_box(self, x0: float, y0: float, x1: float, y1: float) -> Array:
        """Indices (ascending) of the points inside the box with these corners, edges included."""
        (xa, xb), (ya, yb) = sorted((x0, x1)), sorted((y0, y1))
        X = self._s.X
        inside = (X[:, 0] >= xa) & (X[:, 0] <= xb) & (X[:, 1] >= ya) & (X[:, 1] <= yb)
        return np.flatnonzero(inside)

    def indices_in_ellipse(self, x: float, y: float, rx: float, ry: float) -> Array:
        """Indices of the points inside the axis-aligned ellipse (a brush) around ``(x, y)``."""
        X = self._s.X
        return np.flatnonzero(((X[:, 0] - x) / rx) ** 2 + ((X[:, 1] - y) / ry) ** 2 <= 1.0)

    # ---- undo and redo ---------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    @property
    def undo_depth(self) -> int:
        """How many steps can be undone now."""
        return self._history.depth

    @property
    def max_depth(self) -> int:
        return self._history.max_depth

    def undo_text(self) -> str:
        return self._history.undo_text()

    def redo_text(self) -> str:
        return self._history.redo_text()

    def undo(self) -> bool:
        """Revert the last edit; False if there is nothing to undo."""
        cmd = self._history.undo(self._s)
        if cmd is None:
            return False
        self._changed(cmd.replaces_all)
        return True

    def redo(self) -> bool:
        """Make the last undone edit again; False if there is nothing to redo."""
        cmd = self._history.redo(self._s)
        if cmd is None:
            return False
        self._changed(cmd.replaces_all)
        return True

    def discard_redo(self) -> None:
        """Forget the undone edits (after an undo that only took back a refused edit)."""
        self._history.discard_redo()

    def clear_history(self) -> None:
        self._history.clear()

    def reset(self, dataset: Dataset) -> None:
        """Start again from ``dataset`` with an empty history (a new project, a loaded one)."""
        if self.in_group:
            raise EditError("cannot reset inside a group of edits")
        self._s = self._state_of(dataset)
        self.clear_history()
        self._changed(True)

    @contextlib.contextmanager
    def group(self, label: str) -> Iterator[None]:
        """Gather the edits made inside into one undo step (a drag, a spray stroke).

        Groups do not nest; a group with no edits leaves no step.
        """
        self.begin(label)
        try:
            yield
        finally:
            self.end()

    def begin(self, label: str) -> None:
        if self.in_group:
            raise EditError("a group of edits is already open")
        self._history.begin(label, self._s)

    def end(self) -> None:
        self._history.end(self._s)

    @property
    def in_group(self) -> bool:
        return self._history.in_group

    def _do(self, cmd: Command) -> None:
        self._history.do(cmd, self._s)
        self._changed(cmd.replaces_all)

    def _changed(self, replaced_all: bool = False) -> None:
        self._version += 1
        self._replaced_all = replaced_all

    # ---- edits -----------------------------------------------------------------------------

    def _indices(self, indices: object) -> Array:
        idx = np.unique(np.asarray(indices, dtype=np.int64).reshape(-1))
        n = self.n_points
        if len(idx) and (idx[0] < 0 or idx[-1] >= n):
            bad = int(idx[0] if idx[0] < 0 else idx[-1])
            raise EditError(f"no point {bad}: there are {n} points")
        return idx

    def _label(self, label: object) -> int:
        if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
            raise EditError(f"a class is chosen by its index, not {label!r}")
        if not 0 <= label < self.n_classes:
            raise EditError(f"no class {label}: there are {self.n_classes} classes")
        return int(label)

    @staticmethod
    def _points(X: object) -> Array:
        X = np.array(X, dtype=np.float64).reshape(-1, 2)
        if not np.isfinite(X).all():
            raise EditError("every coordinate must be a finite number")
        return X

    def add_points(self, X: object, label: int, train: bool = True) -> Array:
        """Append points of class ``label`` (training points unless ``train`` is False).

        Returns their indices.
        """
        X = self._points(X)
        k = self._label(label)
        n = self.n_points
        idx = np.arange(n, n + len(X), dtype=np.int64)
        if len(X):
            y = np.full(len(X), k, dtype=np.int64)
            self._do(Insert(idx, X, y, np.full(len(X), bool(train))))
        return idx

    def add_point(self, x: float, y: float, label: int, train: bool = True) -> int:
        return int(self.add_points([[x, y]], label, train)[0])

    def delete(self, indices: object) -> int:
        """Delete the points at ``indices``; returns how many were deleted."""
        idx = self._indices(indices)
        if len(idx):
            self._do(Delete(self._s, idx))
        return len(idx)

    def move(self, indices: object, to: object) -> None:
        """Put the points at ``indices`` at the positions ``to`` (one row per index)."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        if len(np.unique(idx)) != len(idx):
            raise EditError("each point can be moved only once in one edit")
        self._indices(idx)
        to = self._points(to)
        if len(to) != len(idx):
            raise EditError(f"{len(idx)} points to move but {len(to)} positions")
        if len(idx):
            self._do(SetRows(self._s, "X", idx, to, "move points"))

    def relabel(self, indices: object, label: int) -> None:
        idx, k = self._indices(indices), self._label(label)
        idx = idx[self._s.y[idx] != k]
        if len(idx):
            self._do(SetRows(self._s, "y", idx, np.full(len(idx), k, np.int64), "change class"))

    def set_train(self, indices: object, train: bool) -> None:
        """Mark the points as training (True) or test (False) points."""
        idx = self._indices(indices)
        idx = idx[self._s.mask[idx] != bool(train)]
        if len(idx):
            what = "mark as training" if train else "mark as test"
            self._do(SetRows(self._s, "mask", idx, np.full(len(idx), bool(train)), what))

    def resplit(self, test_ratio: float, seed: int) -> None:
        """Hold out ``round(n · test_ratio)`` random points for testing (``datasets.split``)."""
        if not 0.0 <= test_ratio <= MAX_TEST_RATIO:
            raise EditError(f"the test ratio must be between 0 and {MAX_TEST_RATIO}")
        mask = split(self.dataset(), test_ratio, seed).train_mask
        idx = np.flatnonzero(mask != self._s.mask)
        if len(idx):
            self._do(SetRows(self._s, "mask", idx, mask[idx], "re-split"))

    def clear(self) -> None:
        """Delete every point; the classes stay."""
        if self.n_points:
            self._do(Delete(self._s, np.arange(self.n_points, dtype=np.int64)))

    def _check_name(self, name: object, ignore: int | None = None) -> str:
        if not isinstance(name, str) or not name.strip():
            raise EditError("a class needs a name")
        name = name.strip()
        if "\n" in name or "\r" in name:
            raise EditError("a class name is one line")
        if any(c == name for j, c in enumerate(self._s.classes) if j != ignore):
            raise EditError(f"there is already a class named {name!r}")
        return name

    def new_class_name(self) -> str:
        """A free default name for the next class: ``"2"``, ``"3"``, ... as the generators do."""
        k = self.n_classes
        while str(k) in self._s.classes:
            k += 1
        return str(k)

    def add_class(self, name: str | None = None) -> int:
        """Add a class (at most :data:`MAX_CLASSES`); returns its index."""
        if self.n_classes >= MAX_CLASSES:
            raise EditError(f"there can be at most {MAX_CLASSES} classes")
        name = self._check_name(self.new_class_name() if name is None else name)
        self._do(AddClass(name))
        return self.n_classes - 1

    def rename_class(self, k: int, name: str) -> None:
        k = self._label(k)
        name = self._check_name(name, ignore=k)
        if name != self._s.classes[k]:
            self._do(RenameClass(k, self._s.classes[k], name))

    def remove_class(self, k: int, relabel_to: int | None = None) -> None:
        """Remove class ``k``: its points are deleted, or relabelled to ``relabel_to``.

        The classes above ``k`` move down by one. At least :data:`MIN_CLASSES` classes stay.
        """
        k = self._label(k)
        if self.n_classes <= MIN_CLASSES:
            raise EditError(f"a classifier needs at least {MIN_CLASSES} classes")
        if relabel_to is not None and self._label(relabel_to) == k:
            raise EditError("cannot relabel a class's points to the class being removed")
        name = self._s.classes[k]
        opened = not self.in_group
        if opened:
            self.begin(f"remove class {name!r}")
        try:
            rows = np.flatnonzero(self._s.y == k)
            if relabel_to is None:
                self.delete(rows)
            else:
                self.relabel(rows, relabel_to)
            self._do(DropClass(k, name))
        finally:
            if opened:
                self.end()

    def replace(self, dataset: Dataset) -> None:
        """Replace everything by ``dataset`` (an import) as one step that can be undone."""
        new = self._state_of(dataset)
        self._do(Replace(self._s, new))
