"""The universal approximation theorem, computed: what the 1-D views and the comparison show.

The lecture's slide: one hidden layer of enough units approximates any continuous function, two
hidden layers any function. Two pieces of arithmetic make it visible, and live here so that the
app, the command line and the benchmarks ask the engine rather than redo them:

- :func:`hidden_contributions`: for a network ``1 → N → 1`` with a linear output, the curve
  ``ŷ(x) = Σ_j w_j a_j(x) + b`` split into its terms, one thin curve per hidden unit, whose sum
  plus the bias is the network's curve (in the targets' own units);
- :func:`compare_depths`: fit the same data with 1 hidden layer of N units and with 2 hidden
  layers sharing the same N units, for several N, and measure the test error of each: the
  experiment behind the slide, as a table.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import losses, scaling
from .network import Network
from .project import Project
from .regression import RegressionData
from .scaling import Standardisation
from .training import TrainSettings

Array = np.ndarray


@dataclass(frozen=True)
class Contributions:
    """A 1-hidden-layer network's curve over ``x``, term by term, in the targets' units.

    ``units[:, j]`` is hidden unit j's term ``w_j a_j(x)``, ``offset`` the output bias ``b``
    (both scaled back to the targets' units: times the target std, plus its mean for the
    offset), so ``curve == units.sum(axis=1) + offset``, the network's prediction at ``x``.
    ``a`` holds the hidden activations ``a_j(x)`` themselves, ``weights`` the ``w_j``.
    """

    x: Array  # (n,) the points as given
    a: Array  # (n, N) hidden activations a_j(x)
    weights: Array  # (N,) output weights w_j, in the targets' units
    units: Array  # (n, N) contributions w_j a_j(x), in the targets' units
    offset: float  # the output bias b, in the targets' units
    curve: Array  # (n,) units.sum(1) + offset: the prediction


def hidden_contributions(
    net: Network,
    x: Array,
    input_scaling: Standardisation | None = None,
    target_scaling: Standardisation | None = None,
) -> Contributions:
    """Each hidden unit's term ``w_j a_j(x)`` of a ``1 → N → 1`` network with a linear output.

    ``x`` are the points as the user sees them (a 1-D grid, say ``np.linspace(-1, 1, 400)``);
    ``input_scaling`` and ``target_scaling`` are the project's standardisations (its
    ``scaling`` and ``target_scaling``), or None. One batched forward pass; raises
    ``ValueError`` for any other shape of network, or an output that is not linear (then the
    terms would not add up to the curve).
    """
    if len(net.sizes) != 3 or net.sizes[0] != 1 or net.sizes[2] != 1 or net.features:
        shape = "-".join(map(str, net.sizes))
        raise ValueError(
            f"hidden-unit contributions need a 1-N-1 network (one input, one hidden layer, one "
            f"output), not {shape}"
        )
    if net.output_activation != "linear":
        raise ValueError(
            f"hidden-unit contributions add up to the curve only for a linear output, not "
            f"{net.output_activation}"
        )
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    points = x.reshape(-1, 1)
    seen = points if input_scaling is None else input_scaling.apply(points)
    fw = net.astype(np.float64).forward(seen)
    a = fw.a[1]
    w = net.weights[1][0].astype(np.float64)
    b = float(net.biases[1][0])
    std, mean = 1.0, 0.0
    if target_scaling is not None:
        std, mean = float(target_scaling.std[0]), float(target_scaling.mean[0])
    weights = w * std
    units = a * weights
    offset = b * std + mean
    return Contributions(x, a, weights, units, offset, units.sum(axis=1) + offset)


# --------------------------------------------------------------------------------------------
# One hidden layer against two
# --------------------------------------------------------------------------------------------

DEFAULT_SETTINGS = TrainSettings(optimizer="adam", learning_rate=0.01)


def regression_project(
    data: RegressionData,
    hidden: Sequence[int],
    activation: str = "tanh",
    settings: TrainSettings = DEFAULT_SETTINGS,
    seed: int = 0,
) -> Project:
    """A new regression project on ``data``: hidden layers of ``hidden`` units, a linear output
    per target, the squared error, and the points and targets standardised on the training
    points (the command line's defaults, as ``mlpstudio train --task regression`` builds)."""
    sizes = [data.n_features, *hidden, data.n_targets]
    net = Network(sizes, [activation] * len(hidden) + ["linear"], seed=seed)
    return Project(
        network=net,
        dataset=data,
        settings=replace(settings, seed=seed),
        standardisation=scaling.fit_standardisation(data).to_dict(),
        task="regression",
        target_standardisation=scaling.fit_target_standardisation(data).to_dict(),
    )


@dataclass(frozen=True)
class Fit:
    """How one architecture fitted: R² and RMSE (targets' units) on the training and test
    points (NaN without test points), its parameter count and the seconds training took."""

    hidden: tuple[int, ...]
    parameters: int
    train_r2: float
    train_rmse: float
    test_r2: float
    test_rmse: float
    seconds: float


def fit(
    data: RegressionData,
    hidden: Sequence[int],
    epochs: int,
    activation: str = "tanh",
    settings: TrainSettings = DEFAULT_SETTINGS,
    seed: int = 0,
) -> tuple[Project, Fit]:
    """Train a :func:`regression_project` for ``epochs`` and measure it (RMSE of the first
    target; R² averaged over the targets)."""
    p = regression_project(data, hidden, activation, settings, seed)
    trainer = p.trainer()
    began = time.perf_counter()
    trainer.run(epochs=epochs)
    seconds = time.perf_counter() - began
    p.record(trainer)

    def measure(mask: Array) -> tuple[float, float]:
        if not mask.any():
            return float("nan"), float("nan")
        predicted, T = p.predict_values(data.X[mask]), data.targets[mask]
        return losses.r_squared(predicted, T), float(losses.rmse(predicted, T)[0])

    train, test = measure(data.train_mask), measure(~data.train_mask)
    return p, Fit(tuple(hidden), p.network.n_params, *train, *test, seconds)


@dataclass(frozen=True)
class DepthRow:
    """One row of the comparison: ``units`` hidden units in one layer, and split over two."""

    units: int
    one_layer: Fit
    two_layers: Fit


def compare_depths(
    data: RegressionData,
    units: Sequence[int] = (2, 4, 8, 16),
    epochs: int = 1000,
    activation: str = "tanh",
    settings: TrainSettings = DEFAULT_SETTINGS,
    seed: int = 0,
) -> list[DepthRow]:
    """Fit ``data`` with 1 hidden layer of N units and with 2 hidden layers of N/2 units each
    (the same number of hidden units), for every N of ``units`` (even numbers from 2).

    On a discontinuous target (``step``, ``square``) the slide predicts that two layers do
    better for the same units; every fit starts from the same seed, so the table is
    reproducible.
    """
    rows = []
    for n in units:
        if n < 2 or n % 2:
            raise ValueError(f"units must be even numbers from 2 (split over two layers), got {n}")
        _, one = fit(data, [n], epochs, activation, settings, seed)
        _, two = fit(data, [n // 2, n // 2], epochs, activation, settings, seed)
        rows.append(DepthRow(n, one, two))
    return rows
