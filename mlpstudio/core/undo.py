"""Undo and redo for the point set: reversible commands on its state and the stack that keeps them.

A :class:`State` is everything an edit of a :class:`~mlpstudio.core.editing.PointSet` can change.
A :class:`Command` applies one change to a state and reverts it exactly (bit for bit). A
:class:`UndoStack` applies commands, keeps the last ``depth`` of them for undo, and gathers the
commands of one gesture (a drag, a spray stroke) into a :class:`Group` that is undone as one
step. The arrays of a state are never changed in place: a command builds new ones and marks
them read-only, so arrays handed out earlier stay as they were.

This module checks nothing: :class:`~mlpstudio.core.editing.PointSet` validates every edit
before it makes a command.
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass
class State:
    """Everything an edit can change; the arrays are treated as immutable."""

    X: Array
    y: Array
    mask: Array
    classes: list[str]
    features: list[str]
    generator: dict | None

    def copy(self) -> State:
        return State(
            self.X, self.y, self.mask, list(self.classes), list(self.features),
            copy.deepcopy(self.generator),
        )  # fmt: skip


def frozen(a: Array) -> Array:
    """``a``, made read-only (a state's arrays are shared, never written)."""
    a.flags.writeable = False
    return a


# --------------------------------------------------------------------------------------------
# Commands: each knows how to apply itself to a state and how to revert that exactly.
# --------------------------------------------------------------------------------------------


class Command:
    label = "edit"
    #: Whether the command swaps the whole dataset (a viewer then treats the data as new).
    replaces_all = False

    def apply(self, s: State) -> None:
        raise NotImplementedError

    def revert(self, s: State) -> None:
        raise NotImplementedError

    def merge(self, other: Command) -> bool:
        """Absorb ``other`` (the edit right after this one in a group); False if it cannot."""
        return False


def _insert_rows(s: State, idx: Array, X: Array, y: Array, mask: Array) -> None:
    """Put rows at the sorted final positions ``idx``; the other rows keep their order."""
    m = len(s.X) + len(idx)
    keep = np.ones(m, dtype=bool)
    keep[idx] = False
    newX = np.empty((m, s.X.shape[1]), dtype=np.float64)
    newy = np.empty(m, dtype=np.int64)
    newm = np.empty(m, dtype=bool)
    newX[keep], newX[idx] = s.X, X
    newy[keep], newy[idx] = s.y, y
    newm[keep], newm[idx] = s.mask, mask
    s.X, s.y, s.mask = frozen(newX), frozen(newy), frozen(newm)


def _delete_rows(s: State, idx: Array) -> None:
    s.X = frozen(np.delete(s.X, idx, axis=0))
    s.y = frozen(np.delete(s.y, idx))
    s.mask = frozen(np.delete(s.mask, idx))


class Insert(Command):
    """Rows put at the positions ``idx``: appended points (the only kind the point set makes)."""

    label = "add points"

    def __init__(self, idx: Array, X: Array, y: Array, mask: Array) -> None:
        self.idx, self.X, self.y, self.mask = idx, X, y, mask

    def apply(self, s: State) -> None:
        _insert_rows(s, self.idx, self.X, self.y, self.mask)

    def revert(self, s: State) -> None:
        _delete_rows(s, self.idx)

    def merge(self, other: Command) -> bool:
        # Appends right after one another (a spray stroke) become one append. Only appends are
        # made, so consecutive indices mean "at the end".
        if type(other) is not Insert or not len(self.idx) or not len(other.idx):
            return False
        if other.idx[0] != self.idx[-1] + 1:
            return False
        self.idx = np.concatenate([self.idx, other.idx])
        self.X = np.concatenate([self.X, other.X])
        self.y = np.concatenate([self.y, other.y])
        self.mask = np.concatenate([self.mask, other.mask])
        return True


class Delete(Command):
    label = "delete points"

    def __init__(self, s: State, idx: Array) -> None:
        self.idx = idx
        self.X, self.y, self.mask = s.X[idx], s.y[idx], s.mask[idx]

    def apply(self, s: State) -> None:
        _delete_rows(s, self.idx)

    def revert(self, s: State) -> None:
        _insert_rows(s, self.idx, self.X, self.y, self.mask)


class SetRows(Command):
    """New values for some rows of one array: ``X`` (move), ``y`` (relabel), ``mask`` (split)."""

    def __init__(self, s: State, name: str, idx: Array, new: Array, label: str) -> None:
        self.name, self.idx, self.label = name, idx, label
        self.old = getattr(s, name)[idx].copy()
        self.new = new

    def _put(self, s: State, values: Array) -> None:
        a = getattr(s, self.name).copy()
        a[self.idx] = values
        setattr(s, self.name, frozen(a))

    def apply(self, s: State) -> None:
        self._put(s, self.new)

    def revert(self, s: State) -> None:
        self._put(s, self.old)

    def merge(self, other: Command) -> bool:
        # A point dragged across the plot: keep the first "before" and the last "after".
        if (
            isinstance(other, SetRows)
            and other.name == self.name
            and np.array_equal(other.idx, self.idx)
        ):
            self.new = other.new
            return True
        return False


class AddClass(Command):
    label = "add class"

    def __init__(self, name: str) -> None:
        self.name = name

    def apply(self, s: State) -> None:
        s.classes = [*s.classes, self.name]

    def revert(self, s: State) -> None:
        s.classes = s.classes[:-1]


class RenameClass(Command):
    label = "rename class"

    def __init__(self, k: int, old: str, new: str) -> None:
        self.k, self.old, self.new = k, old, new

    def _name(self, s: State, name: str) -> None:
        s.classes = [name if j == self.k else c for j, c in enumerate(s.classes)]

    def apply(self, s: State) -> None:
        self._name(s, self.new)

    def revert(self, s: State) -> None:
        self._name(s, self.old)


class DropClass(Command):
    """Remove the name of class ``k`` (which has no points); the classes above move down."""

    label = "remove class"

    def __init__(self, k: int, name: str) -> None:
        self.k, self.name = k, name

    def apply(self, s: State) -> None:
        s.y = frozen(np.where(s.y > self.k, s.y - 1, s.y))
        s.classes = [c for j, c in enumerate(s.classes) if j != self.k]

    def revert(self, s: State) -> None:
        s.y = frozen(np.where(s.y >= self.k, s.y + 1, s.y))
        s.classes = [*s.classes[: self.k], self.name, *s.classes[self.k :]]


class Replace(Command):
    label = "replace the data"
    replaces_all = True

    def __init__(self, old: State, new: State) -> None:
        self.old, self.new = old.copy(), new.copy()

    def _set(self, s: State, to: State) -> None:
        t = to.copy()
        s.X, s.y, s.mask, s.classes, s.features = t.X, t.y, t.mask, t.classes, t.features

    def apply(self, s: State) -> None:
        self._set(s, self.new)

    def revert(self, s: State) -> None:
        self._set(s, self.old)


class Group(Command):
    """Commands undone and redone together; each one merges into the one before if it can."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.parts: list[Command] = []

    def add(self, cmd: Command) -> None:
        if not (self.parts and self.parts[-1].merge(cmd)):
            self.parts.append(cmd)

    def apply(self, s: State) -> None:
        for cmd in self.parts:
            cmd.apply(s)

    def revert(self, s: State) -> None:
        for cmd in reversed(self.parts):
            cmd.revert(s)


# --------------------------------------------------------------------------------------------
# The undo stack
# --------------------------------------------------------------------------------------------


@dataclass
class Step:
    """One undo step: the command and the generator record before and after it."""

    command: Command
    generator_before: dict | None
    generator_after: dict | None


class UndoStack:
    """The undo and redo stacks of a state, ``depth`` steps deep, and the group being gathered.

    The state itself belongs to the caller, who passes it to each call.
    """

    def __init__(self, depth: int) -> None:
        self._undo: deque[Step] = deque(maxlen=depth)
        self._redo: list[Step] = []
        self._group: Group | None = None
        self._group_gen: dict | None = None

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) and self._group is None

    @property
    def can_redo(self) -> bool:
        return bool(self._redo) and self._group is None

    @property
    def depth(self) -> int:
        """How many steps can be undone now."""
        return len(self._undo)

    @property
    def max_depth(self) -> int:
        return int(self._undo.maxlen or 0)

    @property
    def in_group(self) -> bool:
        return self._group is not None

    def undo_text(self) -> str:
        return self._undo[-1].command.label if self._undo else ""

    def redo_text(self) -> str:
        return self._redo[-1].command.label if self._redo else ""

    def do(self, cmd: Command, s: State) -> None:
        """Apply ``cmd`` to ``s`` and keep it: a step of its own, or part of the open group."""
        before = copy.deepcopy(s.generator)
        cmd.apply(s)
        # Edited points are no longer what a generator makes; a replacement brings its own.
        s.generator = copy.deepcopy(cmd.new.generator if isinstance(cmd, Replace) else None)
        if self._group is not None:
            self._group.add(cmd)
        else:
            self._redo.clear()
            self._undo.append(Step(cmd, before, copy.deepcopy(s.generator)))

    def undo(self, s: State) -> Command | None:
        """Revert the last step on ``s``; the command reverted, or None if there was none."""
        if not self.can_undo:
            return None
        step = self._undo.pop()
        step.command.revert(s)
        s.generator = copy.deepcopy(step.generator_before)
        self._redo.append(step)
        return step.command

    def redo(self, s: State) -> Command | None:
        """Apply the last undone step to ``s`` again; the command, or None if there was none."""
        if not self.can_redo:
            return None
        step = self._redo.pop()
        step.command.apply(s)
        s.generator = copy.deepcopy(step.generator_after)
        self._undo.append(step)
        return step.command

    def begin(self, label: str, s: State) -> None:
        """Open a group: the commands until :meth:`end` become one step (groups do not nest)."""
        self._group = Group(label)
        self._group_gen = copy.deepcopy(s.generator)

    def end(self, s: State) -> None:
        """Close the group; one with no commands leaves no step."""
        group, self._group = self._group, None
        if group is None or not group.parts:
            return
        self._redo.clear()
        self._undo.append(Step(group, self._group_gen, copy.deepcopy(s.generator)))

    def discard_redo(self) -> None:
        self._redo.clear()

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
