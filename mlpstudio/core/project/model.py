"""The project in memory: a network, its data, its training settings and history.

This is what a project file holds once it has been read and checked (``validate.py``), and what
``encode.py`` writes. It knows how to turn points into the network's inputs (the stored
standardisation) and how to make a trainer that carries on where the file stopped.

A project's ``task`` is ``"classification"`` (the dataset a :class:`Dataset` of labelled points)
or ``"regression"`` (a :class:`RegressionData` of real targets, which the network learns
standardised by ``target_standardisation`` and :meth:`Project.predict_values` gives back in the
targets' own units).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as _replace

import numpy as np

from ..datasets import Dataset
from ..losses import TASKS
from ..network import Network
from ..regression import RegressionData
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

    ``task`` is ``"classification"`` or ``"regression"``; a regression project's
    ``target_standardisation`` (the same form, one value per output unit, fitted on the
    training targets) is what the network's outputs are in: see :meth:`network_targets` and
    :meth:`predict_values`.
    """

    network: Network
    dataset: Dataset | RegressionData | None = None
    settings: TrainSettings = field(default_factory=TrainSettings)
    history: History = field(default_factory=History)
    epoch: int = 0
    standardisation: dict | None = None
    name: str = ""
    notes: str = ""
    # How the app showed it (see schema.VIEW_KEYS): speed, step unit and view switches.
    view: dict = field(default_factory=dict)
    task: str = "classification"
    target_standardisation: dict | None = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise ProjectError(f"unknown task {self.task!r} (known: {', '.join(TASKS)})")
        if self.dataset is not None and self.dataset.task != self.task:
            raise ProjectError(
                f"a {self.task} project cannot hold {self.dataset.task} data "
                f"({type(self.dataset).__name__})"
            )

    @property
    def regression(self) -> bool:
        """Whether the network fits real-valued targets (else it classifies)."""
        return self.task == "regression"

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
    def target_names(self) -> list[str]:
        """A regression project's target names (``y``, or ``y1``, ``y2``, … without data)."""
        if isinstance(self.dataset, RegressionData):
            return list(self.dataset.target_names)
        m = self.network.n_outputs
        return ["y"] if m == 1 else [f"y{c + 1}" for c in range(m)]

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

    @property
    def target_scaling(self) -> Standardisation | None:
        """The stored target standardisation as an object that applies it, or None."""
        if self.target_standardisation is None:
            return None
        return Standardisation.from_dict(self.target_standardisation)

    def network_targets(self, T: Array) -> Array:
        """Regression targets as the network learns them: standardised when the project says
        so. One point's targets may be given as a 1-D array; the result is (points, targets)."""
        T = np.asarray(T, dtype=np.float64)
        if T.ndim == 1:
            T = T.reshape(1, -1)
        scaling = self.target_scaling
        return T if scaling is None else scaling.apply(T)

    def predict_values(self, X: Array) -> Array:
        """A regression network's predictions for points ``X`` as given, in the targets' own
        units: the outputs ``a^(L)`` with the target standardisation undone. Shape (points,
        targets), float64."""
        out = self.network.predict_proba(self.network_input(X)).astype(np.float64)
        scaling = self.target_scaling
        return out if scaling is None else scaling.invert(out)

    def trainer(self) -> Trainer:
        """A trainer on this project's data and settings that carries on from its epoch."""
        ds = self.dataset
        if ds is None:
            raise ProjectError("this project has no dataset to train on")
        if isinstance(ds, RegressionData):
            trainer = self._regression_trainer(ds)
        else:
            trainer = self._classification_trainer(ds)
        trainer.epoch = self.epoch
        if len(self.history):
            trainer.history = self.history.copy()
        else:
            trainer.history.epoch[0] = self.epoch
        return trainer

    def _regression_trainer(self, ds: RegressionData) -> Trainer:
        has_test = bool((~ds.train_mask).any())
        return Trainer(
            self.network,
            self.network_input(ds.X_train),
            self.network_targets(ds.targets_train),
            self.network_input(ds.X_test) if has_test else None,
            self.network_targets(ds.targets_test) if has_test else None,
            settings=_replace(self.settings),
            task=self.task,
        )

    def _classification_trainer(self, ds: Dataset) -> Trainer:
        X_test = self.network_input(ds.X_test) if len(ds.y_test) else None
        return Trainer(
            self.network,
            self.network_input(ds.X_train),
            ds.y_train,
            X_test,
            ds.y_test if X_test is not None else None,
            settings=_replace(self.settings),
            n_classes=ds.n_classes,
        )

    def record(self, trainer: Trainer) -> None:
        """Take the epoch, history and settings of ``trainer`` (which trains this network)."""
        self.epoch = trainer.epoch
        self.history = trainer.history.copy()
        self.settings = _replace(trainer.settings)


def network_classes(net: Network) -> int:
    """Classes a network tells apart: one output unit separates two; K > 1 units are K classes."""
    return 2 if net.n_outputs == 1 else net.n_outputs
