"""Property tests of the CSV reader: any text or bytes is read whole or refused in one clear line.

Generated files mix what spreadsheets and hand edits produce: numbers in every spelling, huge
and non-finite ones, words, empty cells, quoted cells holding commas, quotes and line breaks,
ragged rows, blank lines, byte-order marks, three kinds of line ending and bytes that are not
UTF-8. Whatever comes in, :func:`csvio.read_csv` returns a consistent dataset of finite points
or raises :class:`DataError` whose message is one printable line starting with the file's name
(and its line and column when a cell is to blame); :func:`csvio.read_rows` returns rows with
their line numbers or raises the same way. Seeds are fixed (derandomised) so CI is repeatable.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpstudio.core import csvio
from mlpstudio.core.datasets import DataError, Dataset

# Each test drives a real window (or thousands of generated cases): the long part of the
# suite, skipped by `pytest -m "not slow"`.
pytestmark = pytest.mark.slow

FILE = "points.csv"
FAST = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=400,
    suppress_health_check=[HealthCheck.too_slow],
)

# A message starts with the file's name, then maybe the line(s) and the column.
WHERE = re.compile(
    rf"^{re.escape(FILE)}( line \d+| lines \d+-\d+)?(, column ('.*'|\".*\"|\d+))?: \S"
)
# These problems belong to one cell or one row, so the message must say which line.
ABOUT_A_CELL = ("is not a number", "is not a finite number", "cell is empty", "columns, but")

# ---- strategies ------------------------------------------------------------------------------

FINITE = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
ODD_NUMBERS = st.one_of(
    st.floats().map(repr),
    st.sampled_from(
        [
            "1e400",
            "-1e400",
            "1e-400",
            "nan",
            "NaN",
            "inf",
            "-Infinity",
            "+1",
            "1_000",
            "0x10",
            "1,5",
            " 2 ",
            "1e",
            ".5",
            "5.",
            "−1",
            "١٢",
            "9" * 400,
            "1e308",
            "-0.0",
        ]
    ),
)
WORDS = st.one_of(
    st.sampled_from(["a", "b", "setosa", "train", "test", "split", "label", "x1", "ünï", ""]),
    st.text(st.characters(exclude_characters=',"\r\n'), max_size=6),
)
QUOTED = st.sampled_from(['"a,b"', '"say ""hi"""', '"two\nlines"', '"unclosed', 'in"side', '""'])
ODD_CELLS = st.one_of(ODD_NUMBERS, WORDS, QUOTED)
LABELS = st.sampled_from(["0", "1", "2", "a", "b"])
# One cell in about twelve is odd, so that most tables are whole enough to reach every check.
ODD = st.sampled_from([True] + [False] * 11)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def csv_texts(draw) -> str:
    """Mostly tables of numbers and a label, with odd cells, ragged and blank rows, a BOM."""
    width = draw(st.sampled_from([1, 2, 3, 3, 4]))

    def cell(usual: st.SearchStrategy) -> str:
        return draw(ODD_CELLS if draw(ODD) else usual)

    rows = []
    if draw(st.booleans()):  # a header
        rows.append(",".join(cell(WORDS) for _ in range(width)))
    for _ in range(draw(st.integers(0, 8))):
        if draw(ODD):
            rows.append(draw(st.sampled_from(["", " ", ",,", "\ufeff"])))  # a blank line
            continue
        n = draw(st.integers(1, 5)) if draw(ODD) else width
        rows.append(",".join([*(cell(FINITE) for _ in range(n - 1)), cell(LABELS)]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return bom + draw(ENDINGS).join(rows) + draw(st.sampled_from(["", "\n"]))


@st.composite
def csv_bytes(draw) -> bytes:
    """A text as UTF-8 with maybe a few bytes replaced, inserted or cut."""
    data = bytearray(draw(csv_texts()).encode("utf-8", "surrogatepass"))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(data)))
        data[at : at + draw(st.integers(0, 2))] = draw(st.binary(max_size=3))
    return bytes(data)


@st.composite
def clean_tables(draw) -> tuple[str, np.ndarray, list[str]]:
    """A well-formed file (finite numbers, a label column of 2+ classes) and what it holds."""
    n, d = draw(st.integers(2, 8)), draw(st.integers(1, 3))
    values = st.floats(allow_nan=False, allow_infinity=False)
    X = np.array(draw(st.lists(st.lists(values, min_size=d, max_size=d), min_size=n, max_size=n)))
    labels = draw(st.lists(st.sampled_from(["a", "b", "c d", "ü,x"]), min_size=n, max_size=n))
    labels[:2] = ["a", "b"]
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    writer = csv.writer(out, lineterminator=draw(ENDINGS), quoting=quoting)
    writer.writerow([f"f{j}" for j in range(d)] + ["label"])
    for row, label in zip(X.tolist(), labels, strict=True):
        writer.writerow([*map(repr, row), label])
    return out.getvalue(), X, labels


# ---- checks ------------------------------------------------------------------------------------


def assert_clear(exc: DataError) -> None:
    message = str(exc)
    assert len(message.splitlines()) == 1 and "\n" not in message and "\r" not in message, message
    message.encode("utf-8")
    assert message.isprintable(), ascii(message)
    assert WHERE.match(message), message
    if any(phrase in message for phrase in ABOUT_A_CELL):
        assert re.match(rf"^{re.escape(FILE)} line \d+", message), message


def assert_consistent(ds: Dataset) -> None:
    n, d = ds.X.shape
    assert n >= 1 and d >= 1 and ds.X.dtype == np.float64
    assert np.isfinite(ds.X).all()
    assert ds.y.shape == (n,) and ds.train_mask.shape == (n,) and ds.train_mask.any()
    assert len(ds.class_names) >= 2 and ds.y.min() >= 0 and ds.y.max() < len(ds.class_names)
    assert len(ds.feature_names) == d


def read(data: bytes, **kwargs) -> Dataset | None:
    """Read ``data`` as a file; None after checking that a refusal is clear."""
    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        warnings.simplefilter("error")
        path = Path(folder) / FILE
        path.write_bytes(data)
        try:
            rows = csvio.read_rows(path, FILE)
        except DataError as exc:
            assert_clear(exc)
            rows = None
        if rows is not None:
            lines = [line for line, _ in rows]
            assert lines == sorted(lines) and all(line >= 1 for line in lines)
            assert all(any(cells) and cells == [c.strip() for c in cells] for _, cells in rows)
        try:
            ds = csvio.read_csv(path, **kwargs)
        except DataError as exc:
            assert_clear(exc)
            return None
        assert rows is not None, "read_csv accepted what read_rows refused"
        assert_consistent(ds)
        return ds


# ---- the properties ----------------------------------------------------------------------------


@FAST
@given(csv_texts())
def test_any_text_is_read_consistently_or_refused_clearly(text):
    read(text.encode("utf-8", "surrogatepass"))


@FAST
@given(csv_bytes())
def test_any_bytes_are_read_consistently_or_refused_clearly(data):
    read(data)


@FAST
@given(
    csv_texts(),
    st.lists(st.integers(-5, 5) | WORDS, max_size=3) | st.none(),
    st.integers(-5, 5) | WORDS | st.none(),
    st.booleans() | st.none(),
)
def test_any_choice_of_columns_is_read_or_refused_clearly(text, features, label, header):
    read(text.encode("utf-8"), features=features, label=label, header=header)


@settings(FAST, max_examples=200)
@given(clean_tables(), st.booleans(), st.integers(0, 3))
def test_a_well_formed_file_reads_back_exactly(table, bom, blank_lines):
    text, X, labels = table
    text = ("\ufeff" if bom else "") + text + "\n" * blank_lines
    ds = read(text.encode("utf-8"))
    assert ds is not None
    assert np.array_equal(ds.X, X)
    assert [ds.class_names[k] for k in ds.y] == labels
    assert ds.feature_names == [f"f{j}" for j in range(X.shape[1])]


# ---- regressions found by the properties above -------------------------------------------------
