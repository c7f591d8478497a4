"""The built-in lessons: seven short steps from one neuron to what goes wrong in training.

Each :class:`Lesson` is a project file in ``resources/lessons/`` (some lessons have several, as
``variants``: lesson 1 has AND, OR and NOT) plus a short text in the lecture's voice
(``resources/lessons/NN-slug.md``). A lesson may have a ``check`` that looks at the network the
student has now and says, in words, whether the lesson's goal holds (which truth-table rows are
wrong, for instance), and a ``solution`` that writes a known answer into the network.

The project files are made by :func:`build_projects` from the engine itself, so they can always
be rebuilt (``python -m mlpstudio.core.lessons resources/lessons``); a test checks that the shipped
files are exactly what it builds.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..resources_path import resources
from . import project as core_project
from .datasets import Dataset, from_arrays, generate
from .network import Network
from .training import History, TrainSettings

Array = np.ndarray

TRUTH_TABLE = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TABLE = np.array([0, 1, 1, 0])
MAX_LISTED = 5  # wrong points named in a check's message; the rest are counted


@dataclass(frozen=True)
class LessonCheck:
    """What a lesson's check found: whether the goal holds, and a sentence saying why."""

    passed: bool
    message: str
    wrong: tuple[str, ...] = ()  # one line per wrongly classified point (at most MAX_LISTED)
    accuracy: float = float("nan")


@dataclass(frozen=True)
class Lesson:
    """One lesson: its project file(s), its text, and optionally a check and a solution."""

    number: int
    slug: str
    title: str
    text: str
    project: str
    check: Callable[[Network, Dataset], LessonCheck] | None = None
    solution: Callable[[Network], None] | None = None
    variants: tuple[tuple[str, str], ...] = field(default=())  # (label, file); first = project
    goal: str = ""
    # Epochs per second when the lesson opens: slow enough to watch the boundary form.
    speed: float | None = 30

    @property
    def files(self) -> list[str]:
        """Every project file of the lesson, the default first."""
        return [f for _, f in self.variants] if self.variants else [self.project]


# ---- checks ----------------------------------------------------------------------------------


def _point(x: Array) -> str:
    return "(" + ", ".join(f"{v:g}" for v in x) + ")"


def classify_all(net: Network, X: Array, y: Array, names: list[str] | None = None) -> LessonCheck:
    """Whether ``net`` puts every point of ``X`` in its class ``y``; names the wrong ones."""
    X = np.asarray(X, dtype=np.float64)
    with np.errstate(all="ignore"):
        pred = net.predict(X)
    wrong = np.flatnonzero(pred != y)
    label = (lambda c: names[c]) if names else str
    lines = tuple(
        f"x = {_point(X[i])}: the network says {label(int(pred[i]))}, the answer is "
        f"{label(int(y[i]))}"
        for i in wrong[:MAX_LISTED]
    )
    n = len(y)
    accuracy = 1.0 - len(wrong) / n if n else float("nan")
    if not len(wrong):
        return LessonCheck(True, f"All {n} points are right.", (), accuracy)
    more = f" ({len(wrong) - MAX_LISTED} more not listed)" if len(wrong) > MAX_LISTED else ""
    msg = f"Right on {n - len(wrong)} of {n} points, wrong on {len(wrong)}{more}."
    return LessonCheck(False, msg, lines, accuracy)


def _dataset_check(net: Network, ds: Dataset) -> LessonCheck:
    if net.n_inputs != ds.n_features:
        return LessonCheck(
            False, f"the network has {net.n_inputs} inputs, the data {ds.n_features} features"
        )
    return classify_all(net, ds.X, ds.y, ds.class_names)


def check_gate(net: Network, ds: Dataset) -> LessonCheck:
    """Lesson 1: the neuron reproduces the truth table it was given."""
    found = _dataset_check(net, ds)
    if found.passed:
        return LessonCheck(
            True,
            "The truth table is right: one neuron represents this gate, and its decision "
            "boundary is the line w₁x₁ + w₂x₂ + b = 0.",
            (),
            found.accuracy,
        )
    return found


def check_xor_neuron(net: Network, ds: Dataset) -> LessonCheck:
    """Lesson 2: passes only if the network solves XOR, which one neuron never does."""
    found = _dataset_check(net, ds)
    if found.passed:
        return found
    return LessonCheck(
        False,
        found.message + " As the lecture says: no single line separates XOR, so one neuron "
        "cannot get all four right, however long it trains.",
        found.wrong,
        found.accuracy,
    )


def check_xor_by_hand(net: Network, ds: Dataset | None = None) -> LessonCheck:
    """Lesson 3: the network's outputs on the four inputs equal the XOR truth table.

    The check always uses the truth table itself (not the dataset, which the student may edit).
    """
    if net.n_inputs != 2 or net.n_outputs != 1:
        return LessonCheck(False, "XOR needs a network with 2 inputs and 1 output")
    found = classify_all(net, TRUTH_TABLE, XOR_TABLE)
    if found.passed:
        return LessonCheck(
            True, "The truth table is right: your network computes XOR.", (), found.accuracy
        )
    rows = ", ".join(
        _point(TRUTH_TABLE[i]) for i in np.flatnonzero(net.predict(TRUTH_TABLE) != XOR_TABLE)
    )
    return LessonCheck(False, f"Not yet: the rows {rows} are wrong.", found.wrong, found.accuracy)


def check_learned(net: Network, ds: Dataset) -> LessonCheck:
    """Lesson 4: back-propagation has found weights that get every XOR point right."""
    found = _dataset_check(net, ds)
    if found.passed:
        return LessonCheck(
            True,
            "All points are right: the hidden layer and back-propagation found the weights "
            "by themselves.",
            (),
            found.accuracy,
        )
    return LessonCheck(
        False,
        found.message + " Keep training; if the cost stops falling, reset with another seed.",
        found.wrong,
        found.accuracy,
    )


def check_k_way(net: Network, ds: Dataset, at_least: float = 0.95) -> LessonCheck:
    """Lesson 5: the largest output unit names the right class on (almost) every point."""
    found = _dataset_check(net, ds)
    ok = found.accuracy >= at_least
    msg = f"The largest output wins on {found.accuracy:.0%} of the points" + (
        " — trained." if ok else f"; keep training until it is {at_least:.0%}."
    )
    return LessonCheck(ok, msg, found.wrong, found.accuracy)


# ---- the solution of lesson 3 ----------------------------------------------------------------

# XOR = AND(OR(x₁, x₂), NAND(x₁, x₂)): each gate is one step unit.
XOR_GATES = {
    "W2": [[1.0, 1.0], [-1.0, -1.0]],  # hidden 1 = OR, hidden 2 = NAND
    "b2": [-0.5, 1.5],
    "W3": [[1.0, 1.0]],  # output = AND of the two
    "b3": [-1.5],
}


def solve_xor_by_hand(net: Network) -> None:
    """Write XOR built from gates (OR, NAND, then AND) into a 2-2-1 network."""
    if net.sizes != [2, 2, 1]:
        raise ValueError(
            f"the solution is for a 2-2-1 network, not {'-'.join(map(str, net.sizes))}"
        )
    net.weights[0][...] = XOR_GATES["W2"]
    net.biases[0][...] = XOR_GATES["b2"]
    net.weights[1][...] = XOR_GATES["W3"]
    net.biases[1][...] = XOR_GATES["b3"]


# ---- the lessons ---------------------------------------------------------------------------


def _text(slug_file: str) -> str:
    """The lesson's text from ``resources/lessons/<file>.md`` ("" if it cannot be read)."""
    try:
        return resources().joinpath("lessons", slug_file + ".md").read_text(encoding="utf-8")
    except OSError:
        return ""


def _lesson(number: int, slug: str, title: str, goal: str, variants, **kw) -> Lesson:
    stem = f"{number:02d}-{slug}"
    return Lesson(
        number=number,
        slug=slug,
        title=title,
        text=_text(stem),
        project=variants[0][1],
        variants=tuple(variants) if len(variants) > 1 else (),
        goal=goal,
        **kw,
    )


LESSONS: list[Lesson] = [
    _lesson(
        1,
        "one-neuron",
        "One neuron",
        "Train the perceptron on AND, OR and NOT; watch its decision boundary, a line.",
        [
            ("AND", "01-one-neuron-and.json"),
            ("OR", "01-one-neuron-or.json"),
            ("NOT", "01-one-neuron-not.json"),
        ],
        check=check_gate,
    ),
    _lesson(
        2,
        "xor-problem",
        "The XOR problem",
        "Train the same neuron on XOR: it never gets all four points right.",
        [
            ("perceptron rule", "02-xor-problem.json"),
            ("sigmoid, gradient descent", "02-xor-problem-sigmoid.json"),
            ("sigmoid + input x₁x₂", "02-xor-problem-product.json"),
        ],
        check=check_xor_neuron,
    ),
    _lesson(
        3,
        "xor-by-hand",
        "XOR by hand",
        "Set the weights of a 2-2-1 step network so that it computes XOR.",
        [("2-2-1 step network", "03-xor-by-hand.json")],
        check=check_xor_by_hand,
        solution=solve_xor_by_hand,
    ),
    _lesson(
        4,
        "xor-learned",
        "XOR learned",
        "Press Play: back-propagation finds weights for XOR by itself.",
        [("2-2-1 sigmoid network", "04-xor-learned.json")],
        check=check_learned,
    ),
    _lesson(
        5,
        "k-way",
        "K-way classification",
        "Three classes, three output units: the largest output wins.",
        [("3 classes", "05-k-way.json")],
        check=check_k_way,
    ),
    _lesson(
        6,
        "one-hidden-layer",
        "The power of one hidden layer",
        "Add hidden units and watch the boundary bend; add a layer to carve separate regions.",
        [
            ("circles, 2 hidden units", "06-circles-2.json"),
            ("circles, 3 hidden units", "06-circles-3.json"),
            ("spirals, 16 hidden units", "06-spirals.json"),
            ("checkerboard, one hidden layer", "06-checkerboard-one-layer.json"),
            ("checkerboard, two hidden layers", "06-checkerboard-two-layers.json"),
        ],
    ),
    _lesson(
        7,
        "training-goes-wrong",
        "When training goes wrong",
        "A learning rate too large diverges, too small crawls; saturated sigmoids stall.",
        [
            ("η too large", "07-rate-too-large.json"),
            ("η too small", "07-rate-too-small.json"),
            ("saturated sigmoids", "07-saturated.json"),
        ],
    ),
]


def get(key: str | int) -> Lesson:
    """The lesson with this slug or number; ``KeyError`` naming the known ones otherwise."""
    for lesson in LESSONS:
        if key in (lesson.slug, lesson.number):
            return lesson
    known = ", ".join(lesson.slug for lesson in LESSONS)
    raise KeyError(f"no lesson {key!r} (the lessons are: {known})")


def project_file(key: str | int, variant: str | None = None):
    """The resource path of a lesson's project (``variant``: a label or file of it)."""
    lesson = get(key)
    name = lesson.project
    if variant is not None:
        match = [f for label, f in lesson.variants if variant in (label, f)]
        if not match:
            labels = ", ".join(label for label, _ in lesson.variants) or "none"
            raise KeyError(f"lesson {lesson.slug} has no variant {variant!r} (it has: {labels})")
        name = match[0]
    return resources().joinpath("lessons", name)


def load_lesson(key: str | int, variant: str | None = None) -> core_project.Project:
    """Open a lesson's project (the default one, or the named ``variant``)."""
    return core_project.load(project_file(key, variant))


# ---- building the project files ---------------------------------------------------------------


def _zeroed(net: Network) -> Network:
    net.params[...] = 0.0
    net.initial_params = net.params.copy()
    return net


def _scaled(net: Network, factor: float) -> Network:
    # Large weights push every sigmoid into its flat tails from the start; reset keeps them.
    net.params *= factor
    net.initial_params = net.params.copy()
    return net


def _project(name: str, notes: str, net: Network, ds: Dataset, **settings) -> core_project.Project:
    return core_project.Project(
        network=net,
        dataset=ds,
        settings=TrainSettings(**settings).validate(),
        history=History(),
        epoch=0,
        name=name,
        notes=notes,
    )


def build_projects() -> dict[str, core_project.Project]:
    """Every lesson's project files, made from the engine: file name → project."""
    perceptron = {"optimizer": "perceptron", "learning_rate": 0.1, "target_cost": 0.0}
    not_table = from_arrays(TRUTH_TABLE, [1, 1, 0, 0], ["0", "1"], ["x1", "x2"])
    out = {}
    for gate, ds in (("and", generate("and")), ("or", generate("or")), ("not", not_table)):
        out[f"01-one-neuron-{gate}.json"] = _project(
            f"Lesson 1: one neuron learns {gate.upper()}",
            "A perceptron: one step unit trained by the perceptron rule."
            + (" NOT x1: the second input does not matter." if gate == "not" else ""),
            Network([2, 1], "step", seed=1),
            ds,
            max_epochs=100,
            **perceptron,
        )
    out["02-xor-problem.json"] = _project(
        "Lesson 2: one neuron on XOR",
        "The same perceptron as lesson 1, now on XOR.",
        Network([2, 1], "step", seed=1),
        generate("xor"),
        max_epochs=200,
        **perceptron,
    )
    out["02-xor-problem-sigmoid.json"] = _project(
        "Lesson 2: a sigmoid neuron on XOR",
        "One sigmoid unit trained by gradient descent: the cost stalls at 0.25.",
        Network([2, 1], "sigmoid", seed=1),
        generate("xor"),
        optimizer="gd",
        learning_rate=2.0,
        max_epochs=2000,
    )
    out["02-xor-problem-product.json"] = _project(
        "Lesson 2: a sigmoid neuron with the input x1*x2",
        "The same sigmoid unit with a third input, the product x1*x2: now one neuron "
        "separates XOR.",
        Network([3, 1], "sigmoid", seed=1, features=("x1", "x2", "x1*x2")),
        generate("xor"),
        optimizer="gd",
        learning_rate=2.0,
        target_cost=0.01,
        max_epochs=5000,
    )
    out["03-xor-by-hand.json"] = _project(
        "Lesson 3: XOR by hand",
        "A 2-2-1 network of step units with every weight 0: set them in the diagram.",
        _zeroed(Network([2, 2, 1], "step", seed=0)),
        generate("xor"),
        optimizer="gd",
        learning_rate=0.5,
        max_epochs=100,
    )
    out["04-xor-learned.json"] = _project(
        "Lesson 4: XOR learned",
        "A 2-2-1 sigmoid network trained by back-propagation and gradient descent.",
        Network([2, 2, 1], "sigmoid", seed=3),
        generate("xor"),
        optimizer="gd",
        learning_rate=2.0,
        target_cost=0.01,
        max_epochs=5000,
    )
    out["05-k-way.json"] = _project(
        "Lesson 5: K-way classification",
        "Three classes, three sigmoid output units, one-hot targets.",
        Network([2, 4, 3], "sigmoid", seed=1),
        generate("blobs", points=150, noise=0.2, seed=1, classes=3),
        optimizer="gd",
        learning_rate=2.0,
        max_epochs=2000,
    )
    circles = generate("circles", points=200, noise=0.1, seed=1, classes=2)
    for h in (2, 3):
        out[f"06-circles-{h}.json"] = _project(
            f"Lesson 6: circles with {h} hidden units",
            f"One hidden layer of {h} tanh units.",
            Network([2, h, 1], ["tanh", "sigmoid"], seed=1),
            circles,
            optimizer="gd",
            learning_rate=1.0,
            max_epochs=3000,
        )
    out["06-spirals.json"] = _project(
        "Lesson 6: spirals with 16 hidden units",
        "One hidden layer of 16 tanh units, trained with Adam on mini-batches (faster).",
        Network([2, 16, 1], ["tanh", "sigmoid"], seed=1),
        generate("spirals", points=200, noise=0.05, seed=1, classes=2),
        optimizer="adam",
        learning_rate=0.01,
        batch_size=32,
        max_epochs=2000,
    )
    board = generate("checkerboard", points=400, noise=0.0, seed=1, classes=2)
    for name, sizes in (("one-layer", [2, 16, 1]), ("two-layers", [2, 16, 16, 1])):
        layers = "one hidden layer" if name == "one-layer" else "two hidden layers"
        out[f"06-checkerboard-{name}.json"] = _project(
            f"Lesson 6: checkerboard, {layers}",
            f"16 separate squares; {layers} of 16 tanh units.",
            Network(sizes, ["tanh"] * (len(sizes) - 2) + ["sigmoid"], seed=1),
            board,
            optimizer="adam",
            learning_rate=0.01,
            batch_size=32,
            max_epochs=1000,
        )
    clusters = generate("xor-clusters", points=100, noise=0.1, seed=1)
    out["07-rate-too-large.json"] = _project(
        "Lesson 7: a learning rate too large",
        "η = 3 with a linear output unit: every step overshoots further. Try η = 0.5.",
        Network([2, 4, 1], ["tanh", "linear"], seed=1),
        clusters,
        optimizer="gd",
        learning_rate=3.0,
        max_epochs=500,
    )
    out["07-rate-too-small.json"] = _project(
        "Lesson 7: a learning rate too small",
        "η = 0.01: every step is right, and tiny. Try η = 1.",
        Network([2, 4, 1], "sigmoid", seed=1),
        clusters,
        optimizer="gd",
        learning_rate=0.01,
        max_epochs=1000,
    )
    out["07-saturated.json"] = _project(
        "Lesson 7: saturated sigmoids",
        "Initial weights 15 times too large: the sigmoids sit on their flat tails.",
        _scaled(Network([2, 4, 1], "sigmoid", seed=1), 15.0),
        clusters,
        optimizer="gd",
        learning_rate=1.0,
        max_epochs=1000,
    )
    return out


def write_projects(folder: str | os.PathLike) -> list[Path]:
    """Write every lesson project into ``folder``; returns the paths written."""
    folder = Path(folder)
    written = []
    for name, proj in build_projects().items():
        core_project.save(proj, folder / name)
        written.append(folder / name)
    return written


if __name__ == "__main__":  # python -m mlpstudio.core.lessons resources/lessons
    for path in write_projects(sys.argv[1] if len(sys.argv) > 1 else "resources/lessons"):
        print(path)
