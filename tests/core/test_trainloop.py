"""The Qt-free training loop and what a training process needs of the engine: a trainer that
survives pickling and trains on bit for bit."""

from __future__ import annotations

import multiprocessing
import pickle
import threading

import numpy as np
import pytest

from mlpstudio.core import Trainer, TrainSettings, datasets, trainloop
from mlpstudio.core.specs import NetworkSpec

SPIRALS = datasets.split(datasets.generate("spirals", points=120, noise=0.1, seed=2), 0.25, 2)


def _trainer(optimizer: str = "adam", features=None) -> Trainer:
    net = NetworkSpec(hidden=[(6, "tanh")], features=features).build(2, 2, seed=1)
    s = TrainSettings(optimizer=optimizer, learning_rate=0.05, batch_size=16)
    return Trainer(net, SPIRALS.X_train, SPIRALS.y_train, SPIRALS.X_test, SPIRALS.y_test, s)


@pytest.mark.parametrize("optimizer", ["gd", "sgd", "momentum", "adam"])
@pytest.mark.parametrize("features", [None, ("x1", "x2", "x1*x2")])
def test_a_pickled_trainer_trains_on_bit_for_bit(optimizer, features):
    original = _trainer(optimizer, features)
    original.run(epochs=3)
    copy = pickle.loads(pickle.dumps(original))
    original.run(epochs=4)
    copy.run(epochs=4)
    np.testing.assert_array_equal(copy.net.params, original.net.params)
    assert copy.history.columns() == original.history.columns()
    # The copy's weight matrices are still views of its parameters: editing one edits the net.
    copy.net.weights[0][0, 0] = 7.0
    assert copy.net.params[0] == 7.0


class _Collector:
    def __init__(self) -> None:
        self.events: list[tuple[str, tuple]] = []
        self.synced = threading.Event()

    def __call__(self, kind: str, args: tuple) -> None:
        self.events.append((kind, args))
        if kind == "synced":
            self.synced.set()


def test_the_loop_runs_commands_in_order_and_answers_sync():
    out = _Collector()
    loop = trainloop.TrainingLoop(out)
    worker = threading.Thread(target=loop.run)
    worker.start()
    try:
        loop.post("load", _trainer())
        loop.post("run_epochs", 5)
        loop.post("sync", 1)
        assert out.synced.wait(30)
    finally:
        loop.quit()
        worker.join(30)
    kinds = [k for k, _ in out.events]
    assert kinds[-1] == "synced" and kinds.count("snapshot") >= 3
    last = [a for k, a in out.events if k == "snapshot"][-1][0]
    reference = _trainer()
    reference.run(epochs=5)
    assert last.epoch == 5
    np.testing.assert_array_equal(last.params, reference.net.params)


def test_a_bad_command_is_reported_and_the_loop_goes_on():
    out = _Collector()
    loop = trainloop.TrainingLoop(out)
    worker = threading.Thread(target=loop.run)
    worker.start()
    try:
        loop.post("load", _trainer())
        loop.post("update_settings", {"learning_rate": -1.0})
        loop.post("sync", 1)
        assert out.synced.wait(30)
    finally:
        loop.quit()
        worker.join(30)
    failed = [a[0] for k, a in out.events if k == "failed"]
    assert failed and "learning" in failed[0].lower()


def test_serve_answers_over_a_pipe_and_ends_when_told():
    ctx = multiprocessing.get_context("spawn")
    here, there = ctx.Pipe()
    process = ctx.Process(target=trainloop.serve, args=(there,), daemon=True)
    process.start()
    there.close()
    try:
        here.send(("load", (_trainer(),)))
        here.send(("run_epochs", (2,)))
        here.send(("sync", (9,)))
        seen = []
        while not seen or seen[-1][0] != "synced":
            assert here.poll(60)
            seen.append(here.recv())
        _, args, running = seen[-1]
        assert args == (9,) and running is False
        snaps = [a[0] for k, a, _ in seen if k == "snapshot"]
        assert snaps[-1].epoch == 2
    finally:
        here.send(("quit", ()))
        process.join(30)
    assert not process.is_alive()
