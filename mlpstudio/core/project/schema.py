"""The project file's schema: its keys, the kinds of their values and the bounds of every number.

One rule shapes it: **a file is accepted only if the app can show and train exactly what it
holds.** So every object has a closed set of keys (anything else is refused by name, before a
single array is converted), and every number the app puts in a spin box or a generator lies in
the range of that box: a value the app would silently clamp is refused instead. Loading checks a
file against these tables and saving checks a project against the same tables, so whatever is
saved loads again. ``docs/file-format.md`` describes the same schema for people.
"""

from __future__ import annotations

from dataclasses import fields

from .. import datasets, losses, regression
from ..training import SETTING_RANGES, TrainSettings

FORMAT = "mlpstudio-project"
VERSION = 1

# ---- sizes of the file and its texts ---------------------------------------------------------

MAX_FILE_BYTES = 100_000_000  # a million 2-D points take about 45 MB
MAX_NAME_CHARS = 1_000  # a project, class or feature name
MAX_TEXT_CHARS = 1_000_000  # the notes
MAX_HISTORY_ROWS = 10_000  # beyond this the history is thinned evenly when saved
MAX_INT_DIGITS = 300  # a longer integer is reported as too large instead of being parsed

# ---- the keys of each object, in the order a file is written ---------------------------------

TOP_LEVEL_KEYS = (
    "format",
    "version",
    "written_by",
    "name",
    "notes",
    "task",
    "network",
    "dataset",
    "training",
    "history",
    "view",
)
NETWORK_KEYS = (
    "sizes",
    "activations",
    "loss",
    "weights",
    "biases",
    "init",
    "seed",
    "dtype",
    "initial_weights",
    "initial_biases",
    "standardisation",
    "target_standardisation",
    "features",
)
STANDARDISATION_KEYS = ("mean", "std")
# class_names and labels belong to classification, target_names and targets to regression.
DATASET_KEYS = (
    "feature_names",
    "class_names",
    "target_names",
    "points",
    "labels",
    "targets",
    "split",
    "generator",
)
# test_ratio is optional: the app reads it back into the data panel when a file has it.
GENERATOR_KEYS = ("name", "points", "noise", "seed", "classes", "test_ratio")
TRAINING_KEYS = (*(f.name for f in fields(TrainSettings)), "epoch")
HISTORY_KEYS = ("epoch", "train_cost", "train_accuracy", "test_cost", "test_accuracy")
# How the app showed the project: the speed (epochs per second, null: full speed), what one
# Step trains, and the view switches. Optional; a file without it opens with the defaults.
VIEW_SWITCHES = ("show_test", "hard_regions", "log_cost", "whole_batch")
VIEW_KEYS = ("speed", "step_unit", *VIEW_SWITCHES)
VIEW_SPEED = (0.1, 1_000_000.0)
STEP_UNITS = ("epoch", "batch", "point")

# Where each object sits (a dotted path from the top) and the keys it may have. Checked in this
# order, parents first, on the parsed document before anything is converted.
OBJECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("", TOP_LEVEL_KEYS),
    ("network", NETWORK_KEYS),
    ("network.standardisation", STANDARDISATION_KEYS),
    ("network.target_standardisation", STANDARDISATION_KEYS),
    ("dataset", DATASET_KEYS),
    ("dataset.generator", GENERATOR_KEYS),
    ("training", TRAINING_KEYS),
    ("history", HISTORY_KEYS),
    ("view", VIEW_KEYS),
)

# ---- names ---------------------------------------------------------------------------------

DTYPES = ("float64", "float32")
TASKS = losses.TASKS  # absent from a file: "classification", what every older file is
GENERATORS = tuple(datasets.GENERATORS)
REGRESSION_GENERATORS = regression.GENERATORS  # names distinct from GENERATORS'

# ---- bounds of numbers (inclusive) -----------------------------------------------------------
# The ranges of the app's panels (ui/views/panels.py): DataPanel and TrainingPanel.

SEED_MAX = 2**31 - 1  # every seed box holds 0 .. 2^31 − 1
COUNT_MAX = 2**31 - 1  # batch size, max epochs: a Qt spin box holds a 32-bit int
COUNTER_MAX = 2**63 - 1  # epochs reached: numpy's int64

GENERATOR_POINTS = (4, 5000)  # DataPanel.points
GENERATOR_NOISE = (0.0, 1.0)  # a fraction; the panel shows it as 0 to 100 %
GENERATOR_TEST_RATIO = (0.0, datasets.MAX_TEST_RATIO)  # the panel: 0 to 90 %


def generator_classes(name: str) -> tuple[int, int]:
    """How many classes the named generator makes (the panel clamps to the same range)."""
    return datasets.GENERATOR_CLASSES[name]


# TrainingPanel's ranges for the training block's numbers; null is allowed where noted in
# NULLABLE (no target cost, no maximum epoch).
TRAINING_NUMBERS: dict[str, tuple[float, float]] = SETTING_RANGES
TRAINING_INTEGERS: dict[str, tuple[int, int]] = {
    "batch_size": (1, COUNT_MAX),
    "max_epochs": (0, COUNT_MAX),
    "seed": (0, SEED_MAX),
}
NULLABLE = ("target_cost", "max_epochs")

# The stored standardisation keeps the scaling rule's bounds (core/scaling.py: STD_FLOOR,
# MAX_ABS_MEAN, checked by scaling.problem), so whatever the rule fits can be saved.
