"""What a person asks for before anything is built: the dataset to generate and the architecture.

The app's panels, the project loader and the command line all go through these two, so the rule
that turns data into a network's sizes (inputs from the features, outputs from the classes) is
written once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import datasets
from . import features as features_mod
from .network import Network

MAX_HIDDEN_LAYERS = 8  # what the app's network panel offers
MAX_WIDTH = 64  # units per hidden layer in the panel


@dataclass
class DataSpec:
    """A generated dataset: generator, point count, noise (a fraction), classes, seed, split."""

    generator: str = "xor-clusters"
    points: int = 200
    noise: float = 0.1
    classes: int = 2
    seed: int = 0
    test_ratio: float = 0.2

    def generate(self) -> datasets.Dataset:
        """The points, split into training and test points (bit-identical for the same spec)."""
        ds = datasets.generate(self.generator, self.points, self.noise, self.seed, self.classes)
        return datasets.split(ds, self.test_ratio, self.seed)

    @classmethod
    def from_dataset(cls, ds: datasets.Dataset) -> DataSpec | None:
        """The spec that made ``ds``, or None for drawn or loaded data."""
        gen = ds.generator
        if not gen:
            return None
        test_ratio = gen.get("test_ratio")
        if test_ratio is None:
            test_ratio = float(1.0 - ds.train_mask.mean()) if ds.n_points else 0.0
        return cls(
            generator=str(gen.get("name", "xor")),
            points=int(gen.get("points", 200)),
            noise=float(gen.get("noise", 0.0)),
            classes=int(gen.get("classes", 2)),
            seed=int(gen.get("seed", 0)),
            test_ratio=float(test_ratio),
        )


@dataclass
class NetworkSpec:
    """The hidden layers, output unit, loss and initialisation; widths at the ends follow data."""

    hidden: list[tuple[int, str]] = field(default_factory=lambda: [(4, "sigmoid")])
    output_activation: str = "sigmoid"
    loss: str = "squared_error"
    single_output: bool = True  # one output unit for two classes
    init: str = "xavier"
    dtype: str = "float64"
    # Derived inputs of 2-D points (core/features.py); None: the point's coordinates.
    features: tuple[str, ...] | None = None

    def sizes(self, n_inputs: int, n_classes: int) -> list[int]:
        """``[n_1, …, n_L]``: the inputs (one unit per feature), the hidden widths, one output
        per class (or one)."""
        n_out = 1 if (n_classes == 2 and self.single_output) else n_classes
        features = features_mod.normalise(self.features)
        if features is not None:
            if n_inputs != features_mod.N_COORDINATES:
                raise ValueError(
                    f"derived input features need data with 2 inputs, this data has {n_inputs}"
                )
            n_inputs = len(features)
        return [n_inputs, *(n for n, _ in self.hidden), n_out]

    def activations(self) -> list[str]:
        return [a for _, a in self.hidden] + [self.output_activation]

    def build(self, n_inputs: int, n_classes: int, seed: int) -> Network:
        """A freshly initialised network of this shape (raises ValueError when it cannot be)."""
        return Network(
            self.sizes(n_inputs, n_classes),
            self.activations(),
            self.loss,
            seed=seed,
            init=self.init,
            dtype=self.dtype,
            features=self.features,
        )

    @classmethod
    def of(cls, net: Network) -> NetworkSpec:
        """The spec that describes an existing network (e.g. one loaded from a file)."""
        return cls(
            hidden=list(zip(net.sizes[1:-1], net.activations[:-1], strict=True)),
            output_activation=net.output_activation,
            loss=net.loss,
            single_output=net.n_outputs == 1,
            init=net.init,
            dtype=str(net.dtype),
            features=net.features,
        )
