"""A whole set-up in one line of text, to share a run the way a link shares a Playground.

The line holds the data generator and its seed, the architecture and the training settings:

    mlpstudio 1 data=spirals points=200 noise=0.1 classes=3 data-seed=0 test=0.2
    hidden=8:tanh,8:tanh out=sigmoid loss=squared_error single=yes init=xavier dtype=float64
    [inputs=x1,x2,x1*x2] opt=adam lr=0.01 batch=32 momentum=0.9 l2=0 target=none max=none seed=0

(one line in practice; ``inputs`` appears only when the network has derived input features,
see ``core/features.py``). Pasting it back makes exactly the same points and initial weights.
Points drawn by hand or loaded from a file are not in it: only generated data travels this way.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import datasets
from . import features as features_mod
from .project import schema
from .specs import MAX_HIDDEN_LAYERS, MAX_WIDTH, DataSpec, NetworkSpec
from .training import TrainingError, TrainSettings

MAGIC = "mlpstudio"
VERSION = "1"
MAX_LENGTH = 2_000  # a set-up is a short line; anything longer is not one of ours


class SetupError(ValueError):
    """Text that is not a set-up; the message names the word at fault."""


@dataclass
class Setup:
    data: DataSpec
    network: NetworkSpec
    settings: TrainSettings
    standardise: bool = False


def _number(text: str) -> str:
    return f"{text:g}" if isinstance(text, float) else str(text)


def to_text(setup: Setup) -> str:
    """The set-up as one line (see the module docstring)."""
    d, n, s = setup.data, setup.network, setup.settings
    hidden = ",".join(f"{w}:{a}" for w, a in n.hidden) or "none"
    words = [
        MAGIC,
        VERSION,
        f"data={d.generator}",
        f"points={d.points}",
        f"noise={_number(d.noise)}",
        f"classes={d.classes}",
        f"data-seed={d.seed}",
        f"test={_number(d.test_ratio)}",
        f"std={'yes' if setup.standardise else 'no'}",
        f"hidden={hidden}",
        f"out={n.output_activation}",
        f"loss={n.loss}",
        f"single={'yes' if n.single_output else 'no'}",
        f"init={n.init}",
        f"dtype={n.dtype}",
        *([f"inputs={features_mod.text(n.features)}"] if n.features is not None else []),
        f"opt={s.optimizer}",
        f"lr={_number(s.learning_rate)}",
        f"batch={s.batch_size}",
        f"momentum={_number(s.momentum)}",
        f"l2={_number(s.l2)}",
        f"target={'none' if s.target_cost is None else _number(s.target_cost)}",
        f"max={'none' if s.max_epochs is None else s.max_epochs}",
        f"seed={s.seed}",
    ]
    return " ".join(words)


def _parse_number(key: str, text: str, kind: type) -> float | int:
    try:
        value = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SetupError(f"{key}: expected {what}, found {text!r}") from None
    if kind is float and value != value:  # NaN
        raise SetupError(f"{key}: expected a number, found {text!r}")
    return value


def _hidden(text: str) -> list[tuple[int, str]]:
    if text == "none":
        return []
    layers = []
    for part in text.split(","):
        width, _, activation = part.partition(":")
        if not activation:
            raise SetupError(f"hidden: expected WIDTH:ACTIVATION, found {part!r}")
        layers.append((int(_parse_number("hidden", width, int)), activation))
    return layers


KEYS = (
    *("data", "points", "noise", "classes", "data-seed", "test", "std"),
    *("hidden", "out", "loss", "single", "init", "dtype", "inputs"),
    *("opt", "lr", "batch", "momentum", "l2", "target", "max", "seed"),
)
OPTIONAL = ("inputs",)  # absent from lines written before derived features existed


def from_text(text: str) -> Setup:
    """Read a set-up line; :class:`SetupError` names the first word that is wrong."""
    if len(text) > MAX_LENGTH:
        raise SetupError(f"a set-up is one short line, this text has {len(text):,} characters")
    words = text.split()
    if len(words) < 2 or words[0] != MAGIC:
        raise SetupError(f"a set-up starts with '{MAGIC} {VERSION}'")
    if words[1] != VERSION:
        raise SetupError(f"set-up version {words[1]!r} is not known (this app reads {VERSION})")
    values: dict[str, str] = {}
    for word in words[2:]:
        key, sep, value = word.partition("=")
        if not sep or key not in KEYS:
            raise SetupError(f"unknown word {word!r} (known: {', '.join(KEYS)})")
        if key in values:
            raise SetupError(f"{key} is given twice")
        values[key] = value
    missing = [k for k in KEYS if k not in values and k not in OPTIONAL]
    if missing:
        raise SetupError(f"missing: {', '.join(missing)}")
    data = DataSpec(
        generator=values["data"],
        points=int(_parse_number("points", values["points"], int)),
        noise=float(_parse_number("noise", values["noise"], float)),
        classes=int(_parse_number("classes", values["classes"], int)),
        seed=int(_parse_number("data-seed", values["data-seed"], int)),
        test_ratio=float(_parse_number("test", values["test"], float)),
    )
    try:
        features = features_mod.normalise(features_mod.parse(values.get("inputs", "x1,x2")))
    except ValueError as e:
        raise SetupError(f"inputs: {e}") from None
    for key in ("single", "std"):
        if values[key] not in ("yes", "no"):
            raise SetupError(f"{key}: expected yes or no, found {values[key]!r}")
    network = NetworkSpec(
        hidden=_hidden(values["hidden"]),
        output_activation=values["out"],
        loss=values["loss"],
        single_output=values["single"] == "yes",
        init=values["init"],
        dtype=values["dtype"],
        features=features,
    )
    target = values["target"]
    most = values["max"]
    try:
        settings = TrainSettings(
            optimizer=values["opt"],
            learning_rate=float(_parse_number("lr", values["lr"], float)),
            batch_size=int(_parse_number("batch", values["batch"], int)),
            momentum=float(_parse_number("momentum", values["momentum"], float)),
            l2=float(_parse_number("l2", values["l2"], float)),
            target_cost=None if target == "none" else float(_parse_number("target", target, float)),
            max_epochs=None if most == "none" else int(_parse_number("max", most, int)),
            seed=int(_parse_number("seed", values["seed"], int)),
        ).validate()
    except TrainingError as e:
        raise SetupError(str(e)) from None
    setup = Setup(data, network, settings, standardise=values["std"] == "yes")
    check(setup)
    return setup


def check(setup: Setup) -> None:
    """Generate the data and build the network once: a set-up that cannot run is refused.

    The bounds are the app's: what its panels can show and a project file can hold."""
    lo, hi = schema.GENERATOR_POINTS
    if not lo <= setup.data.points <= hi:
        raise SetupError(f"points: expected {lo} to {hi:,}, found {setup.data.points}")
    hidden = setup.network.hidden
    if len(hidden) > MAX_HIDDEN_LAYERS or any(not 1 <= w <= MAX_WIDTH for w, _ in hidden):
        raise SetupError(f"hidden: at most {MAX_HIDDEN_LAYERS} layers of 1 to {MAX_WIDTH} units")
    try:
        ds = setup.data.generate()
        setup.network.build(ds.n_features, ds.n_classes, seed=setup.settings.seed)
    except (ValueError, datasets.DataError) as e:
        raise SetupError(str(e)) from None
