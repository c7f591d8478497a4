"""The trainer: epochs, batches, stop rules, history and the divergence guard.

One training step is the lecture's loop: forward, δ, gradients averaged over the batch, update.
The optimiser (a table entry of :mod:`optimizers`) says how many points an update takes (the whole
set, a mini-batch or one point), whether it needs the gradient, and which networks it can train.
Batches are slices of a copy of the training set shuffled once per epoch from the run's seed, so
a rerun with the same seed and settings is bit-identical. Settings are read at every step, so
they can change between steps.

The trainer fits classes (``task="classification"``: labels in, accuracy out) or real targets
(``task="regression"``: a float array of targets, shaped like the outputs, as the network should
produce them, i.e. already standardised). The history keeps one shape for both: its second
metric is the accuracy of a classifier and the R² (:func:`losses.r_squared`) of a regression.
"""

from __future__ import annotations

import bisect
import math
import time
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from . import losses, optimizers
from .network import Network, Workspace

Array = np.ndarray

STOP_REASONS = ("target", "max_epochs", "diverged")
STEP_UNITS = ("point", "batch", "epoch")
HISTORY_LIMIT = 200_000  # history rows kept in memory; past it the history is thinned evenly


class TrainingError(ValueError):
    """A setting or a pairing the trainer cannot use; the message says which and why."""


# The one range of each number that steers training: the panels offer exactly these, the
# project file accepts exactly these, and the command line refuses anything else up front.
SETTING_RANGES: dict[str, tuple[float, float]] = {
    "learning_rate": (1e-5, 100.0),
    "momentum": (0.0, 0.99),
    "l2": (0.0, 10.0),
    "target_cost": (0.0, 100.0),
}


@dataclass
class TrainSettings:
    """Everything that steers training (all may change between steps)."""

    optimizer: str = "gd"
    learning_rate: float = 0.5
    batch_size: int = 32
    momentum: float = 0.9
    l2: float = 0.0
    target_cost: float | None = None
    max_epochs: int | None = None
    seed: int = 0

    def validate(self) -> TrainSettings:
        """Raise :class:`TrainingError` naming the first absurd setting; return ``self``."""
        if self.optimizer not in optimizers.OPTIMIZERS:
            known = ", ".join(optimizers.OPTIMIZERS)
            raise TrainingError(f"unknown optimizer {self.optimizer!r} (known: {known})")
        for name, (lo, hi) in SETTING_RANGES.items():
            value = getattr(self, name)
            if name == "target_cost" and value is None:
                continue
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise TrainingError(f"{name} must be a finite number, got {value!r}")
            if not lo <= value <= hi:
                raise TrainingError(f"{name} must be between {lo:g} and {hi:g}, got {value:g}")
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise TrainingError(f"batch_size must be a positive integer, got {self.batch_size!r}")
        if self.max_epochs is not None and (
            not isinstance(self.max_epochs, int) or self.max_epochs < 0
        ):
            raise TrainingError("max_epochs must be a non-negative integer")
        return self

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> TrainSettings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class History:
    """Per-epoch metrics; ``epoch[0]`` is 0, the state before training. NaN where no test set.

    ``train_accuracy`` and ``test_accuracy`` hold the accuracy (0 to 1) when the trainer
    classifies and R² (at most 1, maybe negative) when it fits real targets: the project's task
    says which.
    """

    epoch: list[int] = field(default_factory=list)
    train_cost: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_cost: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)

    def append(self, epoch: int, metrics: tuple[float, float, float, float]) -> None:
        self.epoch.append(epoch)
        self.train_cost.append(metrics[0])
        self.train_accuracy.append(metrics[1])
        self.test_cost.append(metrics[2])
        self.test_accuracy.append(metrics[3])

    def __len__(self) -> int:
        return len(self.epoch)

    def extend(self, rows: History) -> None:
        """Append every row of ``rows``."""
        for name, values in rows.columns().items():
            getattr(self, name).extend(values)

    def columns(self) -> dict[str, list]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def copy(self, start: int = 0) -> History:
        return History(**{k: v[start:] for k, v in self.columns().items()})

    def thin(self, max_rows: int = 10_000) -> History:
        """Every k-th row (first and last always kept) so at most ``max_rows`` remain."""
        n = len(self)
        if n <= max_rows:
            return self.copy()
        keep = np.unique(np.linspace(0, n - 1, max_rows).round().astype(int))
        return History(**{k: [v[i] for i in keep] for k, v in self.columns().items()})

    def truncate(self, epoch: int) -> None:
        """Drop rows after ``epoch`` (used when the weights go back to an earlier state)."""
        n = bisect.bisect_right(self.epoch, epoch)  # epochs are increasing
        for v in self.columns().values():
            del v[n:]


@dataclass
class StepInfo:
    """What one call to :meth:`Trainer.step` did."""

    unit: str
    indices: Array  # training-set rows used by the last update
    epoch_done: bool


def _check_finite(X: Array, which: str) -> None:
    """Refuse NaN or infinite coordinates, naming the first one (row and column, from 0)."""
    bad = ~np.isfinite(X)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise TrainingError(
            f"the {which} points hold {X[row, col]} (point {row}, feature {col}): "
            "the data must be finite numbers"
        )


class Trainer:
    """Trains a :class:`Network` on labelled points or real targets; see the module docstring.

    For ``task="regression"``, ``y`` and ``y_test`` are float targets of shape (points, outputs)
    (one output may take a flat array), and ``n_classes`` is not used.
    """

    def __init__(
        self,
        net: Network,
        X: Array,
        y: Array,
        X_test: Array | None = None,
        y_test: Array | None = None,
        settings: TrainSettings | None = None,
        n_classes: int | None = None,
        task: str = "classification",
    ) -> None:
        self.net = net
        self.settings = (settings or TrainSettings()).validate()
        self.n_classes = n_classes
        try:
            losses.check_pairing(net.loss, net.output_activation, net.n_outputs, task)
        except ValueError as exc:
            raise TrainingError(str(exc)) from None
        self.task = task
        self.regression = task == "regression"
        self.epoch = 0
        self.position = 0  # training points consumed in the current epoch
        self.stopped: str | None = None
        self.message = ""
        self.history = History()
        self.history_limit = HISTORY_LIMIT
        self.history_version = 0  # changes whenever rows are dropped, not only appended
        self.frozen = np.zeros(net.n_params, dtype=bool)
        self._frozen_count = 0
        self.update = np.zeros(net.n_params, dtype=net.dtype)  # the last Δθ applied
        self._rng = np.random.default_rng(self.settings.seed)
        self._last_good = net.params.copy()
        self._spaces: dict[int, Workspace] = {}
        self._check_optimizer()
        self._optimizer = self._make_optimizer()
        self.set_data(X, y, X_test, y_test)
        self.history.append(0, self.evaluate())

    def __getstate__(self) -> dict:
        # Workspaces hold views into their gradient buffer that pickling would turn into
        # copies: they are left out and rebuilt on first use (the app sends its trainer to a
        # training process this way).
        state = self.__dict__.copy()
        state["_spaces"] = {}
        state["_fresh"] = False
        state.pop("_test_ws", None)
        state.pop("_test_ws_n", None)
        return state

    # ---- data and settings ---------------------------------------------------------------

    def set_data(
        self, X: Array, y: Array, X_test: Array | None = None, y_test: Array | None = None
    ) -> None:
        """Replace the training (and test) points; the current epoch starts over.

        Everything is checked before anything is stored, so a refusal keeps the old points.
        """
        net = self.net
        X = net.as_points(X)
        y = self._targets(y, "training") if self.regression else np.asarray(y, dtype=np.int64)
        if len(X) == 0:
            raise TrainingError("there are no training points")
        if len(y) != len(X):
            raise TrainingError(f"{len(X)} points but {len(y)} {self._y_word}")
        _check_finite(X, "training")
        # The input layer is computed once here (derived features), not on every batch.
        X = net.input_layer(X)
        Y = y if self.regression else net.encode(y, self.n_classes)
        if X_test is not None and len(X_test):
            X_test = net.as_points(X_test)
            if self.regression:
                y_test = self._targets(y_test, "test")
            else:
                y_test = np.asarray(y_test, dtype=np.int64)
            if len(y_test) != len(X_test):
                raise TrainingError(f"{len(X_test)} test points but {len(y_test)} {self._y_word}")
            _check_finite(X_test, "test")
            X_test = net.input_layer(X_test)
            Y_test = y_test if self.regression else net.encode(y_test, self.n_classes)
            test = (X_test, y_test, Y_test)
        else:
            test = (None, None, None)
        self.X, self.y, self.Y = X, y, Y
        self.X_test, self.y_test, self.Y_test = test
        self._Xs = self.X.copy()
        self._Ys = self.Y.copy()
        self._order = np.arange(len(self.X))
        self._shuffled = False  # _Xs no longer in the order of X
        self._fresh = False  # see _forward_is_fresh
        self.position = 0
        self._spaces.clear()

    @property
    def _y_word(self) -> str:
        return "rows of targets" if self.regression else "labels"

    def _targets(self, T: Array | None, which: str) -> Array:
        """Regression targets as a (points, outputs) array of the network's float type."""
        T = np.asarray(T, dtype=self.net.dtype)
        if T.ndim == 1 and self.net.n_outputs == 1:
            T = T.reshape(-1, 1)
        if T.ndim != 2 or T.shape[1] != self.net.n_outputs:
            raise TrainingError(
                f"the {which} targets must have one column per output unit "
                f"({self.net.n_outputs}), got shape {T.shape}"
            )
        _check_finite(T, f"{which} target")
        return T

    def _check_optimizer(self) -> None:
        if self.regression and self.settings.optimizer == "perceptron":
            raise TrainingError(
                "the perceptron rule learns classes (step outputs of 0 or 1), not real-valued "
                "targets: train a regression network with gd, sgd, momentum or adam"
            )
        reason = optimizers.get(self.settings.optimizer).check(self.net)
        if reason:
            raise TrainingError(reason)

    def _make_optimizer(self) -> optimizers.Optimizer:
        cls = optimizers.get(self.settings.optimizer)
        return cls.create(self.net.n_params, self.net.dtype, self.settings)

    def update_settings(self, **changes: object) -> None:
        """Change settings between steps; the optimiser keeps its state unless it changes."""
        new = TrainSettings(**{**self.settings.to_dict(), **changes}).validate()
        old = self.settings
        self.settings = new
        try:
            self._check_optimizer()
        except TrainingError:
            self.settings = old
            raise
        if new.optimizer != old.optimizer:
            self._optimizer = self._make_optimizer()
        self._optimizer.configure(new)
        if new.seed != old.seed:
            self._rng = np.random.default_rng(new.seed)

    @property
    def batch_size(self) -> int:
        """Points per update, as the optimiser's ``batch_rule`` says (all, a mini-batch, one)."""
        return self._optimizer.points_per_update(len(self.X), self.settings.batch_size)

    # ---- one step ------------------------------------------------------------------------

    def _space(self, m: int) -> Workspace:
        ws = self._spaces.get(m)
        if ws is None:
            ws = self._spaces[m] = self.net.workspace(m)
        return ws

    def _begin_epoch(self) -> None:
        self.position = 0
        if self._optimizer.batch_rule == "all":
            return  # the whole set per step: order does not matter
        self._order = self._rng.permutation(len(self.X))
        self._shuffled = True
        np.take(self.X, self._order, axis=0, out=self._Xs)
        np.take(self.Y, self._order, axis=0, out=self._Ys)

    def _update(self, start: int, stop: int) -> None:
        """One update from shuffled rows ``start:stop``."""
        X, Y = self._Xs[start:stop], self._Ys[start:stop]
        opt = self._optimizer
        grads = self._gradient(X, Y) if opt.needs_gradient else None
        opt.update(self.net, X, Y, grads, self.update)
        if self._any_frozen:
            self.update[self.frozen] = 0.0
        self.net.params += self.update

    def _gradient(self, X: Array, Y: Array) -> Array:
        """The mean gradient of the batch ``X``, ``Y`` (with the L2 term), in a workspace."""
        net = self.net
        ws = self._space(len(X))
        if not self._forward_is_fresh(len(X)):
            net.forward_into(X, ws)
        self._fresh = False
        net.backward_into(X, Y, ws)
        if self.settings.l2:
            # E + (λ/2) Σ w² adds λ w to every weight's gradient (biases are not penalised).
            ws.grads[: net.n_weights] += self.settings.l2 * net.params[: net.n_weights]
        return ws.grads

    def _forward_is_fresh(self, m: int) -> bool:
        """Whether the workspace already holds this update's forward pass.

        In ``gd`` the evaluation that closed the last epoch ran forward on the same points, in
        the same order, with the same weights: a third of an epoch's work need not be redone.
        The weights are compared because they may have been edited between steps.
        """
        return (
            self._fresh
            and m == len(self.X)
            and not self._shuffled
            and np.array_equal(self.net.params, self._last_good)
        )

    @property
    def _any_frozen(self) -> bool:
        return bool(self._frozen_count)

    def set_frozen(self, index: int, frozen: bool = True) -> None:
        """Freeze (or free) one parameter by its index in ``net.params``."""
        self.frozen[index] = frozen
        self._frozen_count = int(self.frozen.sum())

    def step(self, unit: str = "batch") -> StepInfo:
        """One point, one batch or one epoch; always ends with valid, finite weights."""
        if unit not in STEP_UNITS:
            raise TrainingError(f"unknown step unit {unit!r} (known: {', '.join(STEP_UNITS)})")
        self.stopped, self.message = None, ""  # a good step after a divergence is just a step
        if unit == "epoch":
            start = self.position
            self._finish_epoch()
            return StepInfo(unit, self._order[start:].copy(), True)
        n = len(self.X)
        if self.position == 0 or self.position >= n:
            self._begin_epoch()
        m = 1 if unit == "point" else self.batch_size
        start, stop = self.position, min(self.position + m, n)
        with np.errstate(all="ignore"):
            self._update(start, stop)
        self.position = stop
        done = stop >= n
        if done:
            self._end_epoch()
        elif not np.isfinite(self.net.params).all():
            self._diverged()
        return StepInfo(unit, self._order[start:stop].copy(), done)

    def _finish_epoch(self) -> None:
        """Run the rest of the current epoch (a whole one if none is under way)."""
        n = len(self.X)
        if self.position == 0 or self.position >= n:
            self._begin_epoch()
        m = self.batch_size
        with np.errstate(all="ignore"):
            for start in range(self.position, n, m):
                self._update(start, min(start + m, n))
        self.position = n
        self._end_epoch()

    def _end_epoch(self) -> None:
        self.epoch += 1
        self.position = 0
        metrics = self.evaluate()
        if not (math.isfinite(metrics[0]) and np.isfinite(self.net.params).all()):
            self._diverged()
            return
        np.copyto(self._last_good, self.net.params)
        self._fresh = True  # evaluate() left the forward pass of these weights on self.X
        self.history.append(self.epoch, metrics)
        if len(self.history) > self.history_limit:
            # A million epochs must not mean a million rows in memory: keep every other one.
            self.history = self.history.thin(self.history_limit // 2)
            self.history_version += 1
        s = self.settings
        if s.target_cost is not None and metrics[0] <= s.target_cost:
            self.stopped = "target"
            self.message = f"target reached: cost {metrics[0]:.4g} ≤ {s.target_cost:g}"
        elif s.max_epochs is not None and self.epoch >= s.max_epochs:
            self.stopped = "max_epochs"
            self.message = f"stopped after {self.epoch} epochs (the maximum)"

    def _diverged(self) -> None:
        np.copyto(self.net.params, self._last_good)
        # The failed Δθ was rolled back with the weights: show no update rather than inf/NaN.
        self.update.fill(0.0)
        self._fresh = False
        self.epoch = self.history.epoch[-1] if self.history.epoch else 0
        self.position = 0
        self._optimizer.reset()
        self.stopped = "diverged"
        self.message = (
            "the cost became infinite or not a number: lower the learning rate "
            f"(the weights of epoch {self.epoch} were kept)"
        )

    # ---- many steps ----------------------------------------------------------------------

    def run(self, epochs: int | None = None, seconds: float | None = None) -> str | None:
        """Train whole epochs until a stop rule fires, ``epochs`` are done or time runs out.

        Returns the stop reason (``target``, ``max_epochs``, ``diverged``) or ``None`` when the
        run ended by ``epochs``/``seconds`` and may go on.
        """
        self.stopped = None
        self.message = ""
        if self.settings.max_epochs is not None and self.epoch >= self.settings.max_epochs:
            self.stopped = "max_epochs"
            self.message = f"already at the maximum of {self.settings.max_epochs} epochs"
            return self.stopped
        deadline = None if seconds is None else time.perf_counter() + seconds
        done = 0
        while self.stopped is None:
            if epochs is not None and done >= epochs:
                break
            if deadline is not None and done and time.perf_counter() >= deadline:
                break
            self._finish_epoch()
            done += 1
        return self.stopped

    # ---- metrics -------------------------------------------------------------------------

    def _metrics(self, X: Array, Y: Array, y: Array) -> tuple[float, float]:
        ws = self._space(len(X)) if X is self.X else self.net.workspace(len(X))
        with np.errstate(all="ignore"):
            out = self.net.forward_into(X, ws)
            c = losses.cost(self.net.loss, self.net.output_activation, out, Y, ws.z[-1])
        return (c if math.isfinite(c) else float("inf")), self._second_metric(out, Y, y)

    def _second_metric(self, out: Array, Y: Array, y: Array) -> float:
        """Accuracy of a classifier, R² of a regression (see :class:`History`)."""
        if self.regression:
            with np.errstate(all="ignore"):
                return losses.r_squared(out, Y)
        # count_nonzero: np.mean of a boolean array costs ~3 µs more, every epoch.
        return np.count_nonzero(self.net.classify(out) == y) / len(y) if len(y) else float("nan")

    def evaluate(self) -> tuple[float, float, float, float]:
        """Training cost and accuracy (R² for regression), then the same on the test points
        (NaN without a test set)."""
        train = self._metrics(self.X, self.Y, self.y)
        if self.X_test is None:
            return (*train, float("nan"), float("nan"))
        if getattr(self, "_test_ws_n", None) != len(self.X_test):
            self._test_ws = self.net.workspace(len(self.X_test))
            self._test_ws_n = len(self.X_test)
        with np.errstate(all="ignore"):
            out = self.net.forward_into(self.X_test, self._test_ws)
            z = self._test_ws.z[-1]
            c = losses.cost(self.net.loss, self.net.output_activation, out, self.Y_test, z)
        return (*train, c, self._second_metric(out, self.Y_test, self.y_test))

    def reset(self) -> None:
        """Back to the initial weights, epoch 0 and an empty history (same seed)."""
        self.net.reset()
        self.restart()

    def restart(self) -> None:
        """Start the run over from the network's current weights."""
        self.epoch = 0
        self.position = 0
        self.stopped = None
        self.message = ""
        self.update.fill(0.0)
        self._fresh = False
        self._optimizer.reset()
        self._rng = np.random.default_rng(self.settings.seed)
        np.copyto(self._last_good, self.net.params)
        self.history = History()
        self.history_version += 1
        self.history.append(0, self.evaluate())


@dataclass(frozen=True)
class Snapshot:
    """A self-contained copy of a training state for the UI (nothing points into live arrays).

    ``history`` holds only the rows added since the previous snapshot (``history_start`` is the
    row index of its first row), so a snapshot stays small even after a million epochs.
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    params: Array
    update: Array
    epoch: int
    position: int
    metrics: tuple[float, float, float, float]
    history: History
    history_start: int
    stopped: str | None
    message: str

    def network(self) -> Network:
        """A new network with this snapshot's structure and weights."""
        net = Network(list(self.sizes), list(self.activations), self.loss)
        net.set_params(self.params)
        return net


def snapshot(
    trainer: Trainer,
    history_start: int = 0,
    metrics: tuple[float, float, float, float] | None = None,
) -> Snapshot:
    """Copy what the UI needs from ``trainer`` (history rows from ``history_start`` on).

    ``metrics`` overrides the last history row, e.g. after a weight edit between epochs.
    """
    net = trainer.net
    params = net.params.copy()
    update = trainer.update.copy()
    params.flags.writeable = False
    update.flags.writeable = False
    h = trainer.history
    if metrics is None:
        metrics = (h.train_cost[-1], h.train_accuracy[-1], h.test_cost[-1], h.test_accuracy[-1])
    return Snapshot(
        sizes=tuple(net.sizes),
        activations=tuple(net.activations),
        loss=net.loss,
        params=params,
        update=update,
        epoch=trainer.epoch,
        position=trainer.position,
        metrics=metrics,
        history=h.copy(history_start),
        history_start=history_start,
        stopped=trainer.stopped,
        message=trainer.message,
    )
