"""The engine of MLP Studio: networks, backpropagation, training, data and files.

Pure numpy and the standard library; nothing here imports Qt, so the command line and scripts
use it on machines without a display.
"""

from . import (
    activations,
    boundary,
    csvio,
    datasets,
    gradcheck,
    losses,
    optimizers,
    project,
    scaling,
)
from .network import Backward, Forward, Network
from .training import History, Snapshot, StepInfo, Trainer, TrainingError, TrainSettings, snapshot

__all__ = [
    "Backward",
    "Forward",
    "History",
    "Network",
    "Snapshot",
    "StepInfo",
    "TrainSettings",
    "Trainer",
    "TrainingError",
    "activations",
    "boundary",
    "csvio",
    "datasets",
    "gradcheck",
    "losses",
    "optimizers",
    "project",
    "scaling",
    "snapshot",
]
