"""The editable point set: every edit, undo and redo restore exactly, search helpers (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from mlpstudio.core import datasets
from mlpstudio.core.datasets import Dataset
from mlpstudio.core.editing import (
    MAX_CLASSES,
    UNDO_DEPTH,
    EditError,
    PointSet,
    spray_points,
)
from mlpstudio.core.undo import Group, Insert, SetRows, State


def state(ps: PointSet) -> tuple:
    """Everything an edit can change, as plain values that compare exactly."""
    ds = ps.dataset()
    return (
        ds.X.tobytes(),
        ds.X.shape,
        ds.y.tolist(),
        ds.train_mask.tolist(),
        list(ds.class_names),
        list(ds.feature_names),
        ds.generator,
    )


def sample(n: int = 12, classes: int = 3, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    mask = np.ones(n, dtype=bool)
    mask[::3] = False
    return Dataset(
        X=rng.normal(size=(n, 2)),
        y=np.arange(n) % classes,
        class_names=[f"c{k}" for k in range(classes)],
        feature_names=["a", "b"],
        train_mask=mask,
    )


# ---- single edits --------------------------------------------------------------------------


def test_an_empty_point_set_has_two_classes_and_no_points():
    ps = PointSet()
    ds = ps.dataset()
    assert ds.n_points == 0 and ds.X.shape == (0, 2)
    assert ds.class_names == ["0", "1"] and ds.feature_names == ["x1", "x2"]
    assert not ps.can_undo and not ps.can_redo


def test_adding_points_appends_them_with_the_class_and_as_training_points():
    ps = PointSet()
    i = ps.add_point(0.25, -0.5, 1)
    idx = ps.add_points([[1.0, 2.0], [3.0, 4.0]], 0, train=False)
    assert i == 0 and idx.tolist() == [1, 2]
    ds = ps.dataset()
    assert ds.X.tolist() == [[0.25, -0.5], [1.0, 2.0], [3.0, 4.0]]
    assert ds.y.tolist() == [1, 0, 0] and ds.y.dtype == np.int64
    assert ds.train_mask.tolist() == [True, False, False]


def test_delete_then_undo_puts_the_rows_back_in_their_places():
    ps = PointSet(sample())
    before = state(ps)
    assert ps.delete([7, 2, 2, 10]) == 3
    assert ps.n_points == 9
    ps.undo()
    assert state(ps) == before
    ps.redo()
    assert ps.n_points == 9
    assert np.array_equal(ps.X, np.delete(sample().X, [2, 7, 10], axis=0))


def test_move_relabel_and_split_marks_round_trip():
    ps = PointSet(sample())
    before = state(ps)
    ps.move([4], [[9.0, -9.0]])
    ps.relabel([0, 1, 2], 2)
    ps.set_train([0, 3], True)
    ps.set_train([1], False)
    assert ps.X[4].tolist() == [9.0, -9.0]
    assert ps.y[:3].tolist() == [2, 2, 2]
    assert ps.train_mask[[0, 1, 3]].tolist() == [True, False, True]
    assert ps.undo_depth == 4
    while ps.undo():
        pass
    assert state(ps) == before


def test_edits_that_change_nothing_leave_no_undo_step():
    ps = PointSet(sample())
    ps.relabel([0], int(ps.y[0]))
    ps.set_train([1], bool(ps.train_mask[1]))
    ps.delete([])
    ps.rename_class(0, "c0")
    assert ps.undo_depth == 0


def test_resplit_matches_datasets_split_and_undoes():
    base = sample(40)
    ps = PointSet(base)
    ps.resplit(0.25, seed=3)
    assert np.array_equal(ps.train_mask, datasets.split(base, 0.25, 3).train_mask)
    assert (~ps.train_mask).sum() == 10
    ps.undo()
    assert np.array_equal(ps.train_mask, base.train_mask)
    with pytest.raises(EditError):
        ps.resplit(0.95, 0)


def test_clear_deletes_every_point_but_keeps_the_classes():
    ps = PointSet(sample())
    before = state(ps)
    ps.clear()
    assert ps.n_points == 0 and ps.class_names == ["c0", "c1", "c2"]
    ps.undo()
    assert state(ps) == before


# ---- classes -------------------------------------------------------------------------------


def test_add_and_rename_classes():
    ps = PointSet(sample(classes=2))
    assert ps.add_class() == 2
    assert ps.class_names == ["c0", "c1", "2"]
    ps.rename_class(2, "  third ")
    assert ps.class_names[2] == "third"
    with pytest.raises(EditError, match="already"):
        ps.rename_class(0, "third")
    with pytest.raises(EditError, match="name"):
        ps.add_class("  ")
    ps.undo()
    ps.undo()
    assert ps.class_names == ["c0", "c1"]


def test_no_more_than_eight_classes_and_no_fewer_than_two():
    ps = PointSet()
    while ps.n_classes < MAX_CLASSES:
        ps.add_class()
    with pytest.raises(EditError, match="at most 8"):
        ps.add_class()
    two = PointSet()
    with pytest.raises(EditError, match="at least 2"):
        two.remove_class(0)


def test_removing_a_class_deletes_its_points_and_shifts_the_classes_above():
    ps = PointSet(sample(12, classes=3))
    before = state(ps)
    ps.remove_class(1)
    assert ps.class_names == ["c0", "c2"]
    assert ps.n_points == 8
    # the old class 2 is class 1 now, class 0 stays
    old = sample(12, classes=3)
    kept = old.y != 1
    assert np.array_equal(ps.X, old.X[kept])
    assert ps.y.tolist() == np.where(old.y[kept] == 2, 1, 0).tolist()
    assert ps.undo_depth == 1  # one step, though made of a delete and a drop
    ps.undo()
    assert state(ps) == before


def test_removing_a_class_can_relabel_its_points_instead():
    ps = PointSet(sample(12, classes=3))
    before = state(ps)
    ps.remove_class(0, relabel_to=2)
    assert ps.n_points == 12 and ps.class_names == ["c1", "c2"]
    # class 0's points joined class 2, then every class moved down one: c1 -> 0, c2 -> 1
    assert ps.y.tolist() == [1, 0, 1] * 4
    ps.undo()
    assert state(ps) == before
    with pytest.raises(EditError):
        ps.remove_class(1, relabel_to=1)


# ---- history -------------------------------------------------------------------------------


def test_a_new_edit_clears_redo():
    ps = PointSet()
    ps.add_point(0, 0, 0)
    ps.undo()
    assert ps.can_redo
    ps.add_point(1, 1, 1)
    assert not ps.can_redo
    assert not ps.redo()


def test_undo_and_redo_with_nothing_to_do_return_false():
    ps = PointSet()
    assert ps.undo() is False and ps.redo() is False


def test_long_random_chains_restore_every_state_exactly():
    rng = np.random.default_rng(1)
    ps = PointSet(sample(20, classes=3))
    states = [state(ps)]
    for _ in range(150):
        op = rng.integers(0, 9)
        n = ps.n_points
        if op == 0 or n < 3:
            ps.add_points(rng.normal(size=(int(rng.integers(1, 4)), 2)), int(rng.integers(3)))
        elif op == 1:
            ps.delete(rng.choice(n, size=int(rng.integers(1, 3)), replace=False))
        elif op == 2:
            ps.move([int(rng.integers(n))], rng.normal(size=(1, 2)))
        elif op == 3:
            ps.relabel(rng.choice(n, size=2, replace=False), int(rng.integers(3)))
        elif op == 4:
            ps.set_train(rng.choice(n, size=2, replace=False), bool(rng.integers(2)))
        elif op == 5:
            ps.resplit(0.3, int(rng.integers(100)))
        elif op == 6:
            ps.rename_class(int(rng.integers(3)), f"n{rng.integers(1_000_000)}")
        elif op == 7:
            ps.add_class()
            states.append(state(ps))
            ps.remove_class(int(rng.integers(ps.n_classes)))
        else:
            with ps.group("spray"):
                for _ in range(3):
                    ps.add_points(rng.normal(size=(2, 2)), 1)
        if ps.undo_depth == len(states):  # the edit made a step (not every one changes a thing)
            states.append(state(ps))
        assert ps.undo_depth == len(states) - 1
    assert len(states) > 100
    assert ps.undo_depth == len(states) - 1
    for expected in reversed(states[:-1]):
        assert ps.undo()
        assert state(ps) == expected
    assert not ps.undo()
    for expected in states[1:]:
        assert ps.redo()
        assert state(ps) == expected


def test_the_history_is_capped_at_its_depth():
    assert UNDO_DEPTH >= 100
    ps = PointSet(depth=120)
    for i in range(130):
        ps.add_point(i, i, 0)
    assert ps.undo_depth == 120 and ps.max_depth == 120
    while ps.undo():
        pass
    assert ps.n_points == 10  # the 10 oldest edits can no longer be undone


def test_a_group_is_one_undo_step_and_merges_appends_and_moves():
    ps = PointSet()
    ps.add_point(0, 0, 0)
    with ps.group("spray"):
        for k in range(5):
            ps.add_points([[k, k], [k, -k]], 1)
        assert not ps.can_undo  # no undo in the middle of a stroke
    assert ps.undo_depth == 2 and ps.n_points == 11 and ps.undo_text() == "spray"
    with ps.group("move"):
        for t in np.linspace(0, 1, 10):
            ps.move([0], [[t, 2 * t]])
    assert ps.X[0].tolist() == [1.0, 2.0]
    ps.undo()
    assert ps.X[0].tolist() == [0.0, 0.0]
    ps.undo()
    assert ps.n_points == 1
    with ps.group("nothing"):
        pass
    assert ps.undo_depth == 1


def empty_state() -> State:
    return State(np.zeros((0, 2)), np.zeros(0, np.int64), np.zeros(0, bool), ["0", "1"], [], None)


def test_a_group_merges_appends_in_a_row_and_moves_of_the_same_points():
    s = empty_state()
    stroke = Group("spray")
    for k in range(5):  # what a spray stroke makes: appends, one after another
        rows = np.arange(2 * k, 2 * k + 2)
        cmd = Insert(rows, np.full((2, 2), k), np.ones(2, np.int64), np.ones(2, bool))
        cmd.apply(s)
        stroke.add(cmd)
    assert len(stroke.parts) == 1 and len(s.X) == 10
    drag = Group("move")
    for t in (0.25, 0.5, 1.0):
        cmd = SetRows(s, "X", np.array([0]), np.array([[t, t]]), "move points")
        cmd.apply(s)
        drag.add(cmd)
    assert len(drag.parts) == 1 and s.X[0].tolist() == [1.0, 1.0]
    drag.revert(s)
    assert s.X[0].tolist() == [0.0, 0.0]  # the first "before" was kept
    stroke.revert(s)
    assert len(s.X) == 0


def test_an_edit_clears_the_generator_record_and_undo_brings_it_back():
    gen = datasets.generate("blobs", points=30, classes=3, seed=2)
    ps = PointSet(gen)
    assert ps.dataset().generator == gen.generator
    ps.add_point(0, 0, 2)
    assert ps.dataset().generator is None
    ps.undo()
    assert ps.dataset().generator == gen.generator
    ps.redo()
    assert ps.dataset().generator is None


def test_replace_is_one_undoable_step_with_the_new_names():
    ps = PointSet(sample())
    before = state(ps)
    new = datasets.generate("moons", points=20, seed=1)
    ps.replace(new)
    assert ps.n_points == 20 and ps.class_names == ["0", "1"]
    assert ps.feature_names == ["x1", "x2"] and ps.dataset().generator == new.generator
    assert ps.replaced_all
    ps.add_point(0, 0, 0)
    assert not ps.replaced_all
    ps.undo()
    assert not ps.replaced_all
    ps.undo()
    assert state(ps) == before and ps.replaced_all
    ps.redo()
    assert np.array_equal(ps.X, new.X) and ps.replaced_all


def test_reset_starts_over_with_no_history():
    ps = PointSet()
    ps.add_point(0, 0, 0)
    ps.reset(sample())
    assert not ps.can_undo and ps.n_points == 12


# ---- the dataset handed out ----------------------------------------------------------------


def test_dataset_is_a_fresh_object_after_each_change_and_owns_its_arrays():
    ps = PointSet(sample())
    a = ps.dataset()
    assert ps.dataset() is a  # no change, same object
    v = ps.version
    ps.add_point(5, 5, 0)
    b = ps.dataset()
    assert b is not a and ps.version == v + 1
    assert a.n_points == 12 and b.n_points == 13  # the old dataset is untouched
    b.X[0, 0] = 1e9
    assert ps.X[0, 0] != 1e9
    with pytest.raises(ValueError):
        ps.X[0, 0] = 0.0  # the views are read-only
    ps.undo()
    assert ps.dataset() is not b


def test_bad_edits_raise_and_change_nothing():
    ps = PointSet(sample())
    before = state(ps)
    with pytest.raises(EditError, match="no point 12"):
        ps.delete([12])
    with pytest.raises(EditError, match="no class 3"):
        ps.add_point(0, 0, 3)
    with pytest.raises(EditError, match="finite"):
        ps.add_point(np.nan, 0, 0)
    with pytest.raises(EditError):
        ps.move([0, 1], [[0, 0]])
    with pytest.raises(EditError):
        PointSet(Dataset(X=np.zeros((2, 3)), y=[0, 1]))
    assert state(ps) == before and ps.undo_depth == 0


# ---- finding points ------------------------------------------------------------------------


def test_nearest_with_scale_limit_and_candidates():
    ps = PointSet(Dataset(X=[[0.0, 0.0], [1.0, 0.0], [0.0, 10.0]], y=[0, 1, 0]))
    assert ps.nearest(0.9, 0.1) == 1
    assert ps.nearest(0.5, 4.0) == 0
    # with y measured in units of 10, the third point is nearer to (0, 8)
    assert ps.nearest(0.6, 8.0, scale=(1.0, 10.0)) == 2
    assert ps.nearest(5.0, 5.0, max_dist=1.0) == -1
    assert ps.nearest(0.9, 0.0, among=np.array([True, False, True])) == 0
    assert PointSet().nearest(0, 0) == -1


def test_points_in_a_box_and_in_a_brush():
    ps = PointSet(Dataset(X=[[0.0, 0.0], [1.0, 1.0], [2.0, 0.5], [-1.0, 3.0]], y=[0, 1, 0, 1]))
    assert ps.indices_in_box(2.0, 1.0, 0.0, 0.0).tolist() == [0, 1, 2]  # corners in any order
    assert ps.indices_in_box(-2, 2, -0.5, 4).tolist() == [3]
    assert ps.indices_in_ellipse(0.0, 0.0, 1.5, 1.5).tolist() == [0, 1]
    assert ps.indices_in_ellipse(0.0, 0.0, 3.0, 0.9).tolist() == [0, 2]


def test_spray_points_fill_the_disc_reproducibly():
    a = spray_points(np.random.default_rng(4), (1.0, -2.0), 0.5, 500)
    b = spray_points(np.random.default_rng(4), (1.0, -2.0), 0.5, 500)
    assert a.shape == (500, 2) and np.array_equal(a, b)
    r = np.hypot(a[:, 0] - 1.0, a[:, 1] + 2.0)
    assert r.max() <= 0.5 and (r < 0.25).mean() == pytest.approx(0.25, abs=0.06)
    e = spray_points(np.random.default_rng(0), (0.0, 0.0), (2.0, 0.1), 200)
    assert np.abs(e[:, 0]).max() > 1.0 and np.abs(e[:, 1]).max() <= 0.1
