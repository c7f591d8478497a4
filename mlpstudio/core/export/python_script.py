"""The network as one standalone Python file that needs numpy only, not MLP Studio.

The file (:func:`to_python`) holds, readable from top to bottom:

- a docstring saying which model it is and how to use it;
- the standardisation ``MEAN``, ``STD`` and the weights ``W2, b2, …`` inline, each float written
  with ``repr`` so it reads back bit for bit (a float32 network's values too);
- the activations the network uses, written as the engine computes them;
- ``input_layer(points)``: ``a^(1) = x``, the standardised point or its derived features;
- ``predict_proba(points)``: the lecture's forward pass, layer by layer,
  ``z^(l) = W^(l) a^(l−1) + b^(l)``, ``a^(l) = g(z^(l))``, returning ``a^(L)``;
- ``predict(points)``: the predicted class index of each point;
- a command line, ``python predict.py points.csv [--out FILE]``, that writes CSV as
  ``mlpstudio predict`` does: the point's columns, ``a1 … aK`` and the class's name.

The generated code keeps to 88 columns (ruff's and black's default), and the numbers sit between
``# fmt: off`` and ``# fmt: on`` so a formatter leaves their rows as written.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable

import numpy as np

from ... import __version__
from .. import notation
from ..project import Project
from .common import ExportError, Layer, check_exportable, layers, write_file

WIDTH = 88  # columns of the generated code

# name → the body of ``def name(z):``, the engine's exact arithmetic (core/activations.py)
ACTIVATIONS: dict[str, tuple[str, ...]] = {
    "linear": ("return z",),
    "step": ("return (z >= 0).astype(z.dtype)",),
    "sigmoid": ("return 0.5 * np.tanh(0.5 * z) + 0.5",),
    "tanh": ("return np.tanh(z)",),
    "relu": ("return np.maximum(z, 0.0)",),
    "softmax": (
        "e = np.exp(z - z.max(axis=1, keepdims=True))",
        "return e / e.sum(axis=1, keepdims=True)",
    ),
}
_HOW = {  # a word on the form chosen, where it is not the formula itself
    "sigmoid": "Computed as ½ tanh(z/2) + ½, equal to it and never overflowing.",
    "softmax": "Shifted by the row's largest z first, so exp never overflows.",
}
_FEATURE_CODE = {  # feature key → its expression in x1, x2
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)",
    "sin(x2)": "np.sin(x2)",
}


def _text(value: str) -> str:
    """``value`` safe inside a docstring: one line, printable, no backslash or quote to end it."""
    value = " ".join(value.split())
    value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    value = "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _literal(value: str) -> str:
    """A string literal that is valid UTF-8 source (a lone surrogate becomes an escape), in
    double quotes where that needs no escape, as formatters write it."""
    text = repr(value).encode("utf-8", "backslashreplace").decode("utf-8")
    if text.startswith("'") and '"' not in text:
        text = '"' + text[1:-1] + '"'
    return text


def _numbers(values: Iterable[float], indent: int, close: str) -> list[str]:
    """``[v, v, …]`` + ``close`` over lines of at most :data:`WIDTH` columns, exact floats."""
    words = [repr(float(v)) for v in values]
    lines: list[str] = []
    line = " " * indent + "["
    for i, word in enumerate(words):
        piece = word + (", " if i < len(words) - 1 else "]" + close)
        if len(line) + len(piece.rstrip()) > WIDTH and line.strip() != "[":
            lines.append(line.rstrip())
            line = " " * (indent + 1)
        line += piece
    if not words:
        line += "]" + close
    lines.append(line.rstrip())
    return lines


def _vector(name: str, values: Iterable[float], dtype: str) -> list[str]:
    return [f"{name} = np.array(", *_numbers(values, 4, ","), f"    dtype={dtype},", ")"]


def _matrix(name: str, W: np.ndarray) -> list[str]:
    rows: list[str] = []
    for row in W:
        rows += _numbers(row, 8, ",")
    return [f"{name} = np.array(", "    [", *rows, "    ],", "    dtype=DTYPE,", ")"]


def _wrap(text: str, indent: int = 0, mark: str = "") -> list[str]:
    """``text`` over lines of at most :data:`WIDTH` columns, each starting ``indent`` spaces and
    ``mark``; lines break at spaces only (``2-4-1`` and long numbers stay whole)."""
    prefix = " " * indent + mark
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=prefix,
        subsequent_indent=prefix,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _comment(text: str, indent: int = 0) -> list[str]:
    """``# text`` wrapped at :data:`WIDTH` columns."""
    return _wrap(text, indent, "# ")


def _check_activations(project: Project) -> None:
    for layer in layers(project):
        if layer.activation not in ACTIVATIONS:
            raise ExportError(
                f"layer {layer.l}: the activation {layer.activation!r} cannot be written in "
                f"the Python export (it has {', '.join(ACTIVATIONS)})"
            )


# ---- the pieces of the file ------------------------------------------------------------------


def _docstring(project: Project, script: str) -> list[str]:
    net = project.network
    module = _text(os.path.splitext(script)[0])
    script = _text(script)
    L = net.n_layers
    title = f'"{_text(project.name)}", ' if project.name else ""
    example = ", ".join("0.0" for _ in range(net.n_inputs))
    classes = ", ".join(f"{c} = {_text(n)}" for c, n in enumerate(project.class_names))
    features = ", ".join(_text(n) for n in project.feature_names)
    if net.n_outputs == 1:
        rule = f"1 when a_1^({L}) >= {net.threshold():g}, else 0"
    else:
        rule = "the output unit with the largest a_j (the first of equal ones)"
    trained = f", trained for {project.epoch:,} epochs" if project.epoch else ""
    summary = f"Predict with {title}a {net.describe()} network made by MLP Studio."
    lines = _wrap('"""' + summary)
    lines.append("")
    lines += _wrap(
        f"Exported by MLP Studio {__version__} ({net.dtype.name}{trained}). This file needs "
        "Python 3 and numpy only: the weights are written below as exact numbers."
    )
    lines += [
        "",
        "From Python:",
        "",
        f"    from {module} import predict, predict_proba",
        "",
        f"    a = predict_proba([[{example}]])  # a^(L): one column per output unit",
        f"    c = predict([[{example}]])  # the class index of each point",
        "",
        "From the command line (CSV in, CSV out, as `mlpstudio predict` writes it):",
        "",
        f"    python {script} points.csv",
        f"    python {script} points.csv --out predictions.csv",
        "",
    ]
    body = (
        f"A point has {net.n_inputs} coordinates ({features}): one row of the CSV file, "
        "whose header is optional (when it names these, those columns are used). "
        f"Classes: {classes}; the predicted class is {rule}. "
        f"The network has L = {L} layers in the lecture's notation (layer 1 is the input)."
    )
    lines += _wrap(body)
    lines.append('"""')
    return lines


def _constants(project: Project) -> list[str]:
    net = project.network
    lines = [
        f"DTYPE = np.{net.dtype.name}  # the float type the network computes in",
        f"N_INPUTS = {net.n_inputs}  # coordinates of a point",
        f"FEATURE_NAMES = [{', '.join(_literal(n) for n in project.feature_names)}]",
        f"CLASS_NAMES = [{', '.join(_literal(n) for n in project.class_names)}]",
    ]
    if net.n_outputs == 1:
        lines.append(f"THRESHOLD = {net.threshold()!r}  # one output unit: class 1 from here")
    lines.append("")
    lines.append("# fmt: off")
    scaling = project.scaling
    if scaling is not None:
        lines.append("")
        lines += _comment(
            "Standardisation: the network sees x = (point − MEAN) / STD, the mean and "
            "standard deviation of the training points, computed in float64."
        )
        lines += _vector("MEAN", scaling.mean, "np.float64")
        lines += _vector("STD", scaling.std, "np.float64")
    for layer in layers(project):
        l, prev = layer.l, layer.l - 1
        w = notation.plain(notation.w_name(l, "j", "k"))
        b = notation.plain(notation.b_name(l, "j"))
        lines.append("")
        lines += _comment(
            f"Layer {l} ({_kind(project, layer)}): {_units(layer)}. "
            f"W{l}[j, k] is {w}, the weight from unit k of layer {prev} to unit j of layer {l} "
            f"(counted from 0 here, from 1 in the lecture); b{l}[j] is {b}."
        )
        lines += _matrix(f"W{l}", layer.W)
        lines += _vector(f"b{l}", layer.b, "DTYPE")
    lines.append("# fmt: on")
    return lines


def _units(layer: Layer) -> str:
    return f"{layer.n_units} {layer.activation} unit" + ("s" if layer.n_units > 1 else "")


def _kind(project: Project, layer: Layer) -> str:
    return "output" if layer.l == project.network.n_layers else "hidden"


def _activations(project: Project) -> list[str]:
    lines: list[str] = []
    for name in dict.fromkeys(project.network.activations):
        rule = notation.plain(notation.activation_rule(name))
        lines += ["", "", f"def {name}(z):"]
        if name in _HOW:
            lines += [f'    """{rule}.', "", *_wrap(_HOW[name], 4), '    """']
        else:
            lines.append(f'    """{rule}"""')
        lines += [f"    {code}" for code in ACTIVATIONS[name]]
    return lines


def _input_layer(project: Project) -> list[str]:
    net = project.network
    x = notation.plain(notation.a_name(1, None))
    lines = [
        "",
        "",
        "def input_layer(points):",
        f'    """a^(1) = {x}: the points (one per row) as the network sees them."""',
        "    points = np.asarray(points, dtype=np.float64)",
        "    if points.ndim == 1:",
        "        points = points.reshape(1, -1)",
        "    if points.ndim != 2 or points.shape[1] != N_INPUTS:",
        "        raise ValueError(",
        '            f"expected points of {N_INPUTS} coordinates, got shape {points.shape}"',
        "        )",
    ]
    if project.scaling is not None:
        lines.append("    x = ((points - MEAN) / STD).astype(DTYPE)")
    else:
        lines.append("    x = points.astype(DTYPE)")
    if net.features is None:
        lines.append("    return x")
        return lines
    names = ", ".join(notation.plain(notation.feature_name(k)) for k in net.features)
    lines += _comment(f"The input units are derived from the point: {names}.", 4)
    lines.append("    x1, x2 = x[:, 0], x[:, 1]")
    columns = [_FEATURE_CODE[k] for k in net.features]
    one_line = f"    return np.column_stack([{', '.join(columns)}])"
    if len(one_line) <= WIDTH:
        lines.append(one_line)
    else:
        lines += ["    return np.column_stack(", "        ["]
        lines += [f"            {c}," for c in columns]
        lines += ["        ]", "    )"]
    return lines


def _forward(project: Project) -> list[str]:
    net = project.network
    L = net.n_layers
    lines = [
        "",
        "",
        "def predict_proba(points):",
        f'    """a^({L}) = a^(L): one row per point, one column per output unit.',
        "",
        "    The lecture's forward pass: z^(l) = W^(l) a^(l−1) + b^(l), a^(l) = g(z^(l)).",
        "    With one point per row, W a is computed as a @ W.T, all points at once.",
        '    """',
        "    a1 = input_layer(points)",
    ]
    for layer in layers(project):
        l = layer.l
        lines += _comment(
            f"Layer {l}, {_kind(project, layer)}: "
            f"{notation.plain(notation.z_vector_rule(l))}, "
            f"{notation.plain(notation.a_rule(l, None))} with g = {layer.activation}",
            4,
        )
        lines.append(f"    z{l} = a{l - 1} @ W{l}.T + b{l}")
        lines.append(f"    a{l} = {layer.activation}(z{l})")
    lines.append(f"    return a{L}")
    lines += ["", "", "def predict(points):"]
    if net.n_outputs == 1:
        lines += [
            '    """The class of every point: 1 when its output is at least THRESHOLD."""',
            "    return (predict_proba(points)[:, 0] >= THRESHOLD).astype(np.int64)",
        ]
    else:
        lines += [
            '    """The class of every point: its largest output (the first of equals)."""',
            "    return predict_proba(points).argmax(axis=1)",
        ]
    return lines


_MAIN = '''

def read_points(path):
    """The points of a CSV file ('-': stdin) as (column names, float64 array).

    One point per row. A header row is optional; when it names every one of
    FEATURE_NAMES, those columns are used, otherwise the rows must have exactly
    N_INPUTS columns, in order.
    """
    if path == "-":
        rows = list(csv.reader(sys.stdin))
    else:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    rows = [(n + 1, row) for n, row in enumerate(rows) if any(c.strip() for c in row)]
    header = None
    if rows and not all(_is_number(c) for c in rows[0][1]):
        header = [c.strip() for c in rows.pop(0)[1]]
    if not rows:
        raise ValueError(f"{path}: no points in the file")
    if header and all(name in header for name in FEATURE_NAMES):
        columns = [header.index(name) for name in FEATURE_NAMES]
    elif len(rows[0][1]) == N_INPUTS:
        columns = list(range(N_INPUTS))
    else:
        raise ValueError(
            f"{path}: {len(rows[0][1])} columns, but the network takes {N_INPUTS} "
            f"({', '.join(FEATURE_NAMES)}): name them in a header"
        )
    names = [header[j] for j in columns] if header else list(FEATURE_NAMES)
    points = np.empty((len(rows), N_INPUTS))
    for i, (line, row) in enumerate(rows):
        for k, j in enumerate(columns):
            cell = row[j].strip() if j < len(row) else ""
            if not _is_number(cell) or not np.isfinite(float(cell)):
                raise ValueError(f"{path} line {line}: {cell!r} is not a finite number")
            points[i, k] = float(cell)
    return names, points


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def main(argv=None):
    """python THIS_FILE.py POINTS.csv [--out FILE.csv]: the predictions as CSV."""
    parser = argparse.ArgumentParser(
        description="The outputs a1..aK and the class of every point of a CSV file."
    )
    parser.add_argument("points", help="CSV file of points, one per row ('-': stdin)")
    parser.add_argument("--out", help="write the CSV here instead of to stdout")
    args = parser.parse_args(argv)
    try:
        names, points = read_points(args.points)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        sys.exit(f"{parser.prog}: error: {exc}")
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as f:
            write_predictions(f, names, points)
    else:
        write_predictions(sys.stdout, names, points)


def write_predictions(stream, names, points):
    """CSV as `mlpstudio predict` writes it: the point, a1..aK and the class."""
    a = predict_proba(points).astype(np.float64)
    classes = predict(points)
    writer = csv.writer(stream, lineterminator="\\n")
    writer.writerow([*names, *(f"a{c + 1}" for c in range(a.shape[1])), "class"])
    for i, x in enumerate(points.tolist()):
        outputs = [repr(v) for v in a[i].tolist()]
        writer.writerow([*map(repr, x), *outputs, CLASS_NAMES[classes[i]]])


if __name__ == "__main__":
    main()
'''


def to_python(project: Project, script: str = "predict.py") -> str:
    """The standalone script's text; ``script`` is the file name its docstring uses.

    Raises :class:`ExportError` when an activation has no form here or the network holds a
    value that is not finite.
    """
    check_exportable(project)
    _check_activations(project)
    lines = [
        *_docstring(project, script),
        "",
        "import argparse",
        "import csv",
        "import sys",
        "",
        "import numpy as np",
        "",
        *_constants(project),
        *_activations(project),
        *_input_layer(project),
        *_forward(project),
    ]
    return "\n".join(lines) + "\n" + _MAIN


def write_python(project: Project, path: str | os.PathLike, *, overwrite: bool = False) -> None:
    """Write the script to ``path`` atomically (UTF-8); an existing file is replaced only if
    ``overwrite``. Raises :class:`ExportError` (and ``OSError`` when the disk refuses)."""
    text = to_python(project, os.path.basename(os.fspath(path)) or "predict.py")
    write_file(path, text.encode("utf-8"), overwrite)
