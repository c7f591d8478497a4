"""The training worker, on its QThread or in its process, driven only through its public commands
and signals.

Every expected state comes from a separate :class:`Trainer` run the same way in this thread, so
the worker must give bit-identical numbers, not merely plausible ones.
"""

from __future__ import annotations

import contextlib
import itertools

import numpy as np
import pytest
from PySide6.QtCore import QObject, Slot

from mlpstudio.core import Network, Snapshot, Trainer, TrainSettings, datasets
from mlpstudio.ui.worker import WorkerThread
from mlpstudio.ui.worker_process import WorkerProcess

XOR = datasets.generate("xor")  # the 4 truth-table points
CLUSTERS = datasets.generate("xor-clusters", points=12, noise=0.1, seed=1)
WAIT_MS = 5000  # generous: the machine is shared; no test asserts a duration


def make_trainer(
    ds: datasets.Dataset = XOR,
    hidden: int = 2,
    activation: str = "sigmoid",
    seed: int = 0,
    **settings: object,
) -> Trainer:
    net = Network([2, hidden, 1], activation, seed=seed)
    return Trainer(net, ds.X, ds.y, settings=TrainSettings(**settings))


class Recorder(QObject):
    """Lives on the test's (UI) thread, so the worker's signals arrive queued, as in the app."""

    def __init__(self, worker) -> None:
        super().__init__()
        self.snapshots: list[Snapshot] = []
        self.rates: list[float] = []
        self.finished: list[tuple[str, str]] = []
        self.failed: list[str] = []
        self.synced: list[int] = []
        worker.snapshotReady.connect(self.on_snapshot)
        worker.finished.connect(self.on_finished)
        worker.failed.connect(self.on_failed)
        worker.synced.connect(self.on_synced)

    @Slot(object, float)
    def on_snapshot(self, snap: Snapshot, rate: float) -> None:
        self.snapshots.append(snap)
        self.rates.append(rate)

    @Slot(str, str)
    def on_finished(self, reason: str, message: str) -> None:
        self.finished.append((reason, message))

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.failed.append(message)

    @Slot(int)
    def on_synced(self, token: int) -> None:
        self.synced.append(token)

    @property
    def last(self) -> Snapshot:
        return self.snapshots[-1]


class Harness:
    """A worker (on a thread, or in a process) and a recorder. ``qtbot.waitSignal`` is not used
    on the worker's signals: its blocker is a plain callable, so it would run (and stop its
    timer) in the worker thread.
    """

    def __init__(self, qtbot, kind: str = "thread") -> None:
        self.qtbot = qtbot
        self.thread = WorkerThread() if kind == "thread" else WorkerProcess()
        self.worker = self.thread.worker
        self.rec = Recorder(self.worker)
        self._tokens = itertools.count(1)

    def sync(self) -> Snapshot | None:
        """Wait until every earlier command has run; return the state it published."""
        token = next(self._tokens)
        self.worker.sync(token)
        self.qtbot.waitUntil(lambda: token in self.rec.synced, timeout=WAIT_MS)
        return self.rec.snapshots[-1] if self.rec.snapshots else None

    def load(self, trainer: Trainer) -> Snapshot:
        self.worker.load(trainer)
        return self.sync()

    def published(self, command) -> list[Snapshot]:
        """Send ``command``, wait until it has run, and return the snapshots it published."""
        start = len(self.rec.snapshots)
        command()
        self.sync()
        return self.rec.snapshots[start:-1]  # the last one is the sync's own

    def wait_finished(self) -> tuple[str, str]:
        self.qtbot.waitUntil(lambda: bool(self.rec.finished), timeout=WAIT_MS)
        return self.rec.finished[-1]

    def wait_snapshots(self, n: int) -> list[Snapshot]:
        """The next ``n`` snapshots published from now on."""
        start = len(self.rec.snapshots)
        self.qtbot.waitUntil(lambda: len(self.rec.snapshots) >= start + n, timeout=WAIT_MS)
        return self.rec.snapshots[start : start + n]


@pytest.fixture(
    params=["thread", pytest.param("process", marks=pytest.mark.slow)],
)
def h(qtbot, request):
    """The same commands and the same numbers whether the loop runs on a thread of this process
    or in a training process of its own (the app's default)."""
    harness = Harness(qtbot, request.param)
    yield harness
    assert harness.thread.stop()


# ---- load, step, run --------------------------------------------------------------------


def test_load_publishes_epoch_zero_with_the_trainers_params(h):
    trainer = make_trainer(hidden=4)
    expected = trainer.net.params.copy()
    (snap,) = h.published(lambda: h.worker.load(trainer))
    rate = h.rec.rates[0]
    assert snap.epoch == 0
    assert snap.position == 0
    assert snap.sizes == (2, 4, 1)
    np.testing.assert_array_equal(snap.params, expected)
    assert snap.history_start == 0 and snap.history.epoch == [0]
    assert rate == 0.0  # not running


@pytest.mark.parametrize(
    "settings",
    [{"optimizer": "gd"}, {"optimizer": "sgd", "batch_size": 5, "seed": 3}],
    ids=["gd", "sgd-shuffled"],
)
def test_one_epoch_step_equals_a_separate_trainer_bit_for_bit(h, settings):
    h.load(make_trainer(CLUSTERS, hidden=4, **settings))
    (snap,) = h.published(lambda: h.worker.step("epoch"))

    reference = make_trainer(CLUSTERS, hidden=4, **settings)
    reference.step("epoch")
    assert snap.epoch == 1
    assert snap.position == 0
    np.testing.assert_array_equal(snap.params, reference.net.params)
    np.testing.assert_array_equal(snap.update, reference.update)
    assert snap.metrics[0] == reference.history.train_cost[-1]
    assert snap.history_start == 1 and snap.history.epoch == [1]


def test_point_and_batch_steps_stay_inside_the_epoch(h):
    n = len(CLUSTERS.X)  # 12 points, batches of 4
    h.load(make_trainer(CLUSTERS, optimizer="sgd", batch_size=4))
    reference = make_trainer(CLUSTERS, optimizer="sgd", batch_size=4)

    (snap,) = h.published(lambda: h.worker.step("point"))
    reference.step("point")
    assert snap.epoch == 0
    assert snap.position == 1
    np.testing.assert_array_equal(snap.params, reference.net.params)
    assert not np.array_equal(snap.params, reference.net.initial_params)

    h.worker.step("batch")
    snap = h.sync()
    reference.step("batch")
    assert (snap.epoch, snap.position) == (0, 5)
    np.testing.assert_array_equal(snap.params, reference.net.params)

    for _ in range(n - 5):
        h.worker.step("point")
    snap = h.sync()
    assert (snap.epoch, snap.position) == (1, 0)  # the last point closed the epoch


def test_every_single_step_publishes_its_own_snapshot(h):
    h.load(make_trainer())
    before = len(h.rec.snapshots)
    for unit in ("point", "batch", "epoch", "point"):
        h.worker.step(unit)
    h.sync()
    # four steps and the sync: nothing coalesced, so the diagram can show each step
    assert len(h.rec.snapshots) - before == 5
    epochs = [s.epoch for s in h.rec.snapshots[before : before + 4]]
    assert epochs == [0, 1, 2, 2]


def test_run_epochs_equals_trainer_run(h):
    h.load(make_trainer(hidden=4))
    h.worker.run_epochs(25)
    snap = h.sync()
    reference = make_trainer(hidden=4)
    reference.run(epochs=25)
    assert snap.epoch == 25
    np.testing.assert_array_equal(snap.params, reference.net.params)
    assert h.rec.finished == []


def test_history_rows_arrive_once_each_across_snapshots(h):
    h.load(make_trainer())
    h.worker.step("epoch")
    h.worker.run_epochs(3)
    h.worker.step("epoch")
    h.sync()
    rows: list[int] = []
    for s in h.rec.snapshots:
        assert s.history_start == len(rows)
        rows.extend(s.history.epoch)
    assert rows == [0, 1, 2, 3, 4, 5]


# ---- play, pause, speed -----------------------------------------------------------------


def test_play_then_pause_stops_the_epoch_counter(h):
    h.load(make_trainer())
    h.worker.play()
    snaps = h.wait_snapshots(3)
    assert snaps[-1].epoch > 0
    assert snaps[-1].epoch >= snaps[0].epoch
    assert h.worker.running

    h.worker.pause()
    paused = h.sync()
    assert not h.worker.running
    h.qtbot.wait(100)  # the loop gets every chance to train on, if it wrongly would
    later = h.sync()
    assert later.epoch == paused.epoch
    np.testing.assert_array_equal(later.params, paused.params)
    assert h.rec.rates[-1] == 0.0


def test_max_epochs_while_playing_finishes_exactly_there(h):
    h.load(make_trainer(max_epochs=40))
    h.worker.play()
    reason, message = h.wait_finished()
    assert reason == "max_epochs"
    assert "40" in message
    snap = h.sync()
    assert snap.epoch == 40
    assert not h.worker.running
    reference = make_trainer(max_epochs=40)
    reference.run()
    np.testing.assert_array_equal(snap.params, reference.net.params)


def test_slow_motion_trains_far_fewer_epochs_per_snapshot(h):
    h.load(make_trainer())
    h.worker.set_speed(None)
    h.worker.play()
    fast = h.wait_snapshots(3)
    fast_epochs = fast[-1].epoch - fast[0].epoch

    h.worker.set_speed(5)
    h.sync()  # from here on the worker is in slow motion
    slow = h.wait_snapshots(3)
    slow_steps = [b.epoch - a.epoch for a, b in itertools.pairwise(slow)]
    h.worker.pause()
    # At 5 epochs/s there is about one epoch per snapshot (a few if the machine stalls);
    # flat out, one ~30 ms snapshot interval holds hundreds of 4-point epochs.
    assert max(slow_steps) <= 3
    assert fast_epochs > 10 * max(1, sum(slow_steps))


def test_set_speed_back_to_none_resumes_full_speed(h):
    h.load(make_trainer())
    h.worker.set_speed(5)
    h.worker.play()
    h.worker.set_speed(None)
    h.sync()
    snaps = h.wait_snapshots(3)
    h.worker.pause()
    assert snaps[-1].epoch - snaps[0].epoch > 20


# ---- reset and new weights --------------------------------------------------------------


def test_reset_returns_to_the_exact_initial_params(h):
    trainer = make_trainer(hidden=4)
    initial = trainer.net.params.copy()
    h.load(trainer)
    h.worker.run_epochs(30)
    h.worker.step("point")
    trained = h.sync()
    assert not np.array_equal(trained.params, initial)

    (snap,) = h.published(h.worker.reset)
    assert snap.epoch == 0 and snap.position == 0
    np.testing.assert_array_equal(snap.params, initial)
    assert snap.history_start == 0 and snap.history.epoch == [0]
    assert not snap.update.any()

    # and the run after a reset repeats the first run exactly
    h.worker.run_epochs(30)
    again = h.sync()
    reference = make_trainer(hidden=4)
    reference.run(epochs=30)
    np.testing.assert_array_equal(again.params, reference.net.params)


def test_reset_while_playing_stops_at_epoch_zero(h):
    trainer = make_trainer()
    initial = trainer.net.params.copy()
    h.load(trainer)
    h.worker.play()
    h.wait_snapshots(2)
    h.worker.reset()
    snap = h.sync()
    assert not h.worker.running
    assert snap.epoch == 0
    np.testing.assert_array_equal(snap.params, initial)


def test_reinitialise_gives_a_fresh_networks_params(h):
    h.load(make_trainer(hidden=4, seed=0))
    h.worker.run_epochs(10)
    h.sync()
    (snap,) = h.published(lambda: h.worker.reinitialise(7))
    fresh = Network([2, 4, 1], "sigmoid", seed=7)
    assert snap.epoch == 0
    np.testing.assert_array_equal(snap.params, fresh.params)
    assert not np.array_equal(snap.params, Network([2, 4, 1], "sigmoid", seed=0).params)
    assert snap.history.epoch == [0]

    # reset now goes back to the seed-7 weights, not the original ones
    h.worker.step("epoch")
    h.worker.reset()
    np.testing.assert_array_equal(h.sync().params, fresh.params)


# ---- settings ---------------------------------------------------------------------------


def test_an_absurd_setting_fails_with_its_name_and_the_worker_goes_on(h):
    h.load(make_trainer())
    h.worker.update_settings(learning_rate=-1.0)
    h.sync()
    assert len(h.rec.failed) == 1
    assert "learning_rate" in h.rec.failed[0]

    # the refused value was not applied: the next epoch uses the old learning rate
    (snap,) = h.published(lambda: h.worker.step("epoch"))
    reference = make_trainer()
    reference.step("epoch")
    assert snap.epoch == 1
    np.testing.assert_array_equal(snap.params, reference.net.params)
    assert len(h.rec.failed) == 1


def test_an_unknown_setting_name_fails_without_killing_the_thread(h):
    h.load(make_trainer())
    h.worker.update_settings(no_such_setting=1)
    h.sync()
    assert len(h.rec.failed) == 1
    assert "no_such_setting" in h.rec.failed[0]
    h.worker.step("epoch")
    assert h.sync().epoch == 1


def test_update_settings_applies_from_the_next_step_without_a_reset(h):
    h.load(make_trainer())
    h.worker.step("epoch")
    h.worker.update_settings(learning_rate=2.0)
    h.worker.step("epoch")
    snap = h.sync()
    reference = make_trainer()
    reference.step("epoch")
    reference.update_settings(learning_rate=2.0)
    reference.step("epoch")
    assert snap.epoch == 2
    np.testing.assert_array_equal(snap.params, reference.net.params)
    assert h.rec.failed == []


# ---- editing weights --------------------------------------------------------------------


def test_set_param_changes_exactly_one_parameter(h):
    trainer = make_trainer(hidden=4)
    before = trainer.net.params.copy()
    h.load(trainer)
    (snap,) = h.published(lambda: h.worker.set_param(3, 1.25))
    changed = np.flatnonzero(snap.params != before)
    assert changed.tolist() == [3]
    assert snap.params[3] == 1.25
    assert snap.epoch == 0

    # the snapshot's metrics describe the edited network, not the old one
    edited = make_trainer(hidden=4)
    edited.net.params[3] = 1.25
    assert snap.metrics[:2] == edited.evaluate()[:2]
    assert snap.metrics[:2] != make_trainer(hidden=4).evaluate()[:2]


def test_set_param_out_of_range_is_ignored(h):
    trainer = make_trainer()
    before = trainer.net.params.copy()
    h.load(trainer)
    h.worker.set_param(trainer.net.n_params, 9.0)
    h.worker.set_param(-1, 9.0)
    snap = h.sync()
    np.testing.assert_array_equal(snap.params, before)
    assert h.rec.failed == []


def test_set_params_replaces_all_and_copies_its_argument(h):
    trainer = make_trainer()
    h.load(trainer)
    new = np.linspace(-1.0, 1.0, trainer.net.n_params)
    expected = new.copy()
    h.worker.set_params(new)
    new[:] = 42.0  # the caller reusing its array must not reach the worker
    snap = h.sync()
    np.testing.assert_array_equal(snap.params, expected)


def test_a_frozen_weight_stays_put_through_training(h):
    trainer = make_trainer(hidden=4)
    initial = trainer.net.params.copy()
    weight, bias = 1, trainer.net.n_weights + 2
    h.load(trainer)
    h.worker.set_frozen(weight, True)
    h.worker.set_frozen(bias, True)
    h.worker.step("point")
    h.worker.step("epoch")
    h.worker.run_epochs(20)
    snap = h.sync()
    assert snap.params[weight] == initial[weight]
    assert snap.params[bias] == initial[bias]
    others = np.ones(len(initial), dtype=bool)
    others[[weight, bias]] = False
    assert (snap.params[others] != initial[others]).all()

    h.worker.set_frozen(weight, False)
    h.worker.step("epoch")
    assert h.sync().params[weight] != initial[weight]


# ---- data -------------------------------------------------------------------------------


def test_set_data_trains_on_the_new_points(h):
    h.load(make_trainer(XOR))
    split = datasets.split(CLUSTERS, 0.25, seed=0)
    h.worker.set_data(split.X_train, split.y_train, split.X_test, split.y_test)
    h.worker.step("epoch")
    snap = h.sync()
    reference = make_trainer(XOR)
    reference.set_data(split.X_train, split.y_train, split.X_test, split.y_test)
    reference.step("epoch")
    np.testing.assert_array_equal(snap.params, reference.net.params)
    assert np.isfinite(snap.metrics[2])  # a test set now
    assert h.rec.failed == []


def test_set_data_with_the_wrong_feature_count_fails_and_the_thread_survives(h):
    h.load(make_trainer())
    h.worker.play()
    h.worker.set_data(np.zeros((4, 3)), XOR.y)
    h.sync()
    assert len(h.rec.failed) == 1
    assert "3" in h.rec.failed[0] and "2" in h.rec.failed[0]
    assert not h.worker.running  # a refused data set stops the run
    before = h.sync().epoch
    h.worker.step("epoch")
    assert h.sync().epoch == before + 1


def test_set_data_with_nan_is_refused_naming_where_and_training_goes_on(h):
    """NaN in the points is said to be in the data (not "lower the learning rate")."""
    trainer = make_trainer()
    h.load(trainer)
    X = XOR.X.copy()
    X[2, 1] = np.nan
    h.worker.set_data(X, XOR.y)
    h.worker.step("epoch")
    snap = h.sync()
    assert len(h.rec.failed) == 1
    assert "nan" in h.rec.failed[0] and "point 2, feature 1" in h.rec.failed[0]
    assert h.rec.finished == []
    assert np.isfinite(snap.params).all()
    reference = make_trainer()
    reference.step("epoch")
    np.testing.assert_array_equal(snap.params, reference.net.params)


def test_refused_set_data_keeps_training_on_the_old_points(h):
    h.load(make_trainer())
    h.worker.set_data(XOR.X[:3], XOR.y)  # 3 points, 4 labels
    h.sync()
    assert len(h.rec.failed) == 1
    h.worker.step("epoch")
    snap = h.sync()
    assert len(h.rec.failed) == 1
    reference = make_trainer()
    reference.step("epoch")
    np.testing.assert_array_equal(snap.params, reference.net.params)


# ---- divergence -------------------------------------------------------------------------


def _diverging_trainer() -> Trainer:
    # Linear units have no saturation: at η = 100 the weights overflow within a few epochs.
    return make_trainer(hidden=4, activation="linear", learning_rate=100.0)


def test_divergence_while_playing_keeps_the_last_good_weights(h):
    h.load(_diverging_trainer())
    h.worker.play()
    reason, message = h.wait_finished()
    assert reason == "diverged"
    assert "learning rate" in message
    snap = h.sync()
    assert not h.worker.running
    assert snap.stopped == "diverged"
    assert np.isfinite(snap.params).all()
    assert np.isfinite(snap.update).all()
    reference = _diverging_trainer()
    assert reference.run() == "diverged"
    assert snap.epoch == reference.epoch
    np.testing.assert_array_equal(snap.params, reference.net.params)


def test_divergence_on_a_step_emits_finished(h):
    h.load(_diverging_trainer())
    for _ in range(10):
        h.worker.step("epoch")
    h.sync()
    assert [r for r, _ in h.rec.finished][:1] == ["diverged"]
    assert all(np.isfinite(s.params).all() for s in h.rec.snapshots)


def test_a_good_step_after_divergence_is_not_reported_as_diverged(h):
    h.load(_diverging_trainer())
    h.worker.run_epochs(100)
    h.sync()
    assert [r for r, _ in h.rec.finished] == ["diverged"]
    # Back to moderate weights by hand and a small rate: the next step is an ordinary one.
    h.worker.set_params(_diverging_trainer().net.params)
    h.worker.update_settings(learning_rate=0.01)
    h.worker.step("epoch")
    snap = h.sync()
    assert [r for r, _ in h.rec.finished] == ["diverged"]
    assert snap.stopped is None


# ---- snapshots are copies ---------------------------------------------------------------


def test_a_published_snapshot_never_changes_afterwards(h):
    trainer = make_trainer(hidden=4)
    first = h.load(trainer)
    params, update = first.params.copy(), first.update.copy()
    history_rows = list(first.history.epoch)

    h.worker.run_epochs(5)
    h.worker.set_param(0, 3.0)
    h.sync()
    assert not np.shares_memory(first.params, trainer.net.params)
    assert not np.shares_memory(first.update, trainer.update)
    np.testing.assert_array_equal(first.params, params)
    np.testing.assert_array_equal(first.update, update)
    assert first.history.epoch == history_rows

    # Writing into a snapshot (if it allows it at all) must not reach the live network.
    live = h.sync().params.copy()
    with contextlib.suppress(ValueError):  # read-only is fine too
        first.params[:] = 0.0
    h.worker.step("point")
    reference = make_trainer(hidden=4)
    reference.run(epochs=5)
    reference.net.params[0] = 3.0
    np.testing.assert_array_equal(reference.net.params, live)
    reference.step("point")
    np.testing.assert_array_equal(h.sync().params, reference.net.params)


# ---- stop and quit ----------------------------------------------------------------------


def test_stop_ends_the_thread_and_later_commands_are_harmless(qtbot):
    wt = WorkerThread()
    worker = wt.worker
    worker.load(make_trainer())
    worker.play()
    assert wt.stop()
    assert wt.thread.isFinished()
    trainer = make_trainer()
    for command in (
        lambda: worker.load(trainer),
        worker.play,
        worker.pause,
        lambda: worker.step("epoch"),
        worker.reset,
        lambda: worker.reinitialise(1),
        lambda: worker.update_settings(learning_rate=0.1),
        lambda: worker.set_speed(5),
        lambda: worker.set_param(0, 1.0),
        lambda: worker.set_params(trainer.net.params),
        lambda: worker.set_frozen(0, True),
        lambda: worker.set_data(XOR.X, XOR.y),
        lambda: worker.run_epochs(3),
        lambda: worker.sync(1),
        worker.quit,
    ):
        command()
    assert wt.stop()  # stopping twice is fine too


def test_commands_without_a_trainer_do_nothing(h):
    for unit in ("point", "batch", "epoch"):
        h.worker.step(unit)
    h.worker.play()
    h.worker.reset()
    h.worker.reinitialise(3)
    h.worker.update_settings(learning_rate=-1.0)
    h.worker.set_param(0, 1.0)
    h.worker.run_epochs(5)
    assert h.sync() is None  # nothing to publish
    assert h.rec.snapshots == []
    assert h.rec.failed == []
    assert not h.worker.running
    # and it still takes a trainer afterwards
    assert h.load(make_trainer()).epoch == 0
