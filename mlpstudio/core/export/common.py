"""What every export shares: its error, the checks before exporting, and the atomic write.

An export describes the network exactly as the engine computes it (``Network.predict_proba`` on
``Project.network_input``): the points as the user gives them, the project's standardisation
``(x − mean) / std`` (in float64, as :mod:`~mlpstudio.core.scaling` applies it), the derived
input features (:mod:`~mlpstudio.core.features`, in the network's float type), then per layer
``z^(l) = W^(l) a^(l−1) + b^(l)``, ``a^(l) = g(z^(l))``. The predicted class is
``Network.classify`` of ``a^(L)``: the largest output unit, or one output unit against
``Network.threshold()``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..project import Project, tempfiles

Array = np.ndarray


class ExportError(ValueError):
    """A model that cannot be exported, or a file that may not be written; says which and why."""


@dataclass(frozen=True)
class Layer:
    """Layer ``l`` (the lecture's number, 2 … L): ``W`` ``(n_l, n_{l−1})``, ``b``, activation."""

    l: int
    W: Array
    b: Array
    activation: str

    @property
    def n_units(self) -> int:
        return int(self.W.shape[0])


def layers(project: Project) -> Iterator[Layer]:
    """The layers after the input layer, in order, with the lecture's numbers."""
    net = project.network
    for i, (W, b, name) in enumerate(zip(net.weights, net.biases, net.activations, strict=True)):
        yield Layer(i + 2, W, b, name)


def check_exportable(project: Project) -> None:
    """Refuse a network whose numbers an exported model could not hold (NaN or infinity), and a
    regression network, whose exports do not exist yet.

    A project file refuses them too, so such a network could not be saved either; in the app it
    is one whose training diverged past the last good weights. Every export writes classes and
    knows no target standardisation, so a regression model would come out as a classifier
    giving standardised values: it is refused rather than exported wrong.
    """
    if project.regression:
        raise ExportError(
            "a regression project cannot be exported yet (the exports write classes, not "
            "values in the targets' units): use mlpstudio predict"
        )
    for layer in layers(project):
        for what, values in (("weights", layer.W), ("biases", layer.b)):
            if not np.all(np.isfinite(values)):
                raise ExportError(
                    f"layer {layer.l}: the {what} hold a value that is not a finite number "
                    "(NaN or infinity): there is no model to export (reset or retrain it first)"
                )
    scaling = project.scaling
    n_inputs = project.network.n_inputs
    if scaling is not None and scaling.n_features != n_inputs:
        raise ExportError(
            f"the standardisation has {scaling.n_features} values per statistic but the network "
            f"reads points of {n_inputs} coordinates"
        )


def write_file(path: str | os.PathLike, data: bytes, overwrite: bool) -> None:
    """Write ``data`` to ``path`` atomically (as projects are saved); refuse to replace a file
    unless ``overwrite``, with an :class:`ExportError` naming it."""
    try:
        tempfiles.write_atomic(path, data, overwrite=overwrite)
    except FileExistsError:
        raise ExportError(f"{os.fspath(path)}: the file exists and was not replaced") from None
