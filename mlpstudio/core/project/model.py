"""The project in memory: a network, its data, its training settings and history.

This is what a project file holds once it has been read and checked (``validate.py``), and what
``encode.py`` writes. It knows how to turn points into the network's inputs (the stored
standardisation) and how to make a trainer that carries on where the file stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as _replace

import numpy as np

from ..datasets import Dataset
from ..network import Network
from ..scaling import Standardisation
from ..training import History, Trainer, TrainSettings

Array = np.ndarray


class ProjectError(ValueError):
    """A project file that cannot be read or written; the message says what and where."""


@dataclass(eq=False)
class Project:
    """Everything needed to continue where the user stopped.

    ``standardisation`` (``{"mean": [...], "std": [...]}``, one value per feature, fitted on the
    training points: see :func:`mlpstudio.core.scaling.fit_standardisation`) means the network
    sees ``(x − mean) / std`` instead of the dataset's points, which stay as the user gave them;
    :meth:`network_input` applies it to any points.
    """

    network: Network
    dataset: Dataset | None = None
    settings: TrainSettings = field(default_factory=TrainSettings)
    history: History = field(default_factory=History)
    epoch: int = 0
    standardisation: dict | None = None
    name: str = ""
    notes: str = ""
    # How the app showed it (see schema.VIEW_KEYS): speed, step unit and view switches.
    view: dict = field(default_factory=dict)

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
        return network_classes(self.network)

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

    @property
    def scaling(self) -> Standardisation | None:
        """The stored standardisation as an object that applies it, or None."""
        if self.standardisation is None:
            return None
        return Standardisation.from_dict(self.standardisation)

    def network_input(self, X: Array) -> Array:
        """Points as the network sees them: standardised when the project says so.

        One point may be given as a 1-D array; the result is always (points, features).
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        scaling = self.scaling
        return X if scaling is None else scaling.apply(X)

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


def network_classes(net: Network) -> int:
    """Classes a network tells apart: one output unit separates two; K > 1 units are K classes."""
    return 2 if net.n_outputs == 1 else net.n_outputs
