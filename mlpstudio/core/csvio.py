"""CSV files of points: the one reader and writer the app, the command line and scripts share.

:func:`read_csv` turns a comma-separated file into a :class:`~mlpstudio.core.datasets.Dataset`
(columns by header name or index, a header detected or given, labels as numbers or text, an
optional ``split`` column of train/test), or, given ``targets``, into
:class:`~mlpstudio.core.regression.RegressionData` whose target columns are real numbers;
:func:`write_csv` writes a dataset back so that reading it gives every bit again. The import
dialog previews a file with :func:`read_rows`, :func:`looks_like_header` and :func:`is_number`,
so it sees the file exactly as the reader does.

Every problem raises :class:`~mlpstudio.core.datasets.DataError` whose message starts with where
it is (``points.csv line 7, column 'x2': ...``). :func:`open_regular` refuses anything but a
regular file before reading it: a named pipe or a device would block the reader forever.
"""

from __future__ import annotations

import csv
import io
import math
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .datasets import DataError, Dataset, _check_names
from .regression import RegressionData

Array = np.ndarray

SPLIT_COLUMN = "split"
LABEL_COLUMN = "label"


def _where(file: str | None, line: int | None = None, column: str | int | None = None) -> str:
    """``points.csv line 7, column 'x2'``: the start of a message saying where a problem is."""
    place = " ".join(part for part in (file, f"line {line}" if line else None) if part)
    if column is None:
        return place
    # A header gives columns names; without one, columns are counted from 1 like lines.
    col = f"column {column!r}" if isinstance(column, str) else f"column {column}"
    return f"{place}, {col}" if place else col


# --------------------------------------------------------------------------------------------
# Opening only regular files
# --------------------------------------------------------------------------------------------


class NotARegularFileError(OSError):
    """The path is a folder, a named pipe, a device or a socket; ``kind`` says which."""

    def __init__(self, path: str | os.PathLike, kind: str) -> None:
        super().__init__(f"{os.fspath(path)} is {kind}, not a regular file")
        self.filename = os.fspath(path)
        self.kind = kind


def file_kind(mode: int) -> str:
    """``"a folder"``, ``"a named pipe (FIFO)"``, ...: how messages name a kind of file."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISREG, "a regular file"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike) -> BinaryIO:
    """Open a regular file for reading in binary mode; refuse anything else before opening it.

    Reading a FIFO blocks until a writer appears and a device may never end, so the path is
    checked with ``os.stat`` first. It is opened non-blocking and checked again on the open
    descriptor, so a file swapped for a pipe between the two steps is refused too. Raises
    :class:`NotARegularFileError`, ``FileNotFoundError`` or another ``OSError``.
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotARegularFileError(path, file_kind(info.st_mode))
    # O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer; it changes
    # nothing for a regular file. O_NOCTTY: a terminal never becomes our controlling terminal.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotARegularFileError(path, file_kind(mode))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


_Row = tuple[int, list[str]]  # (1-based line number where the row ends, stripped cells)

# A progress callback is called with the fraction done (0 to 1) every PROGRESS_ROWS rows, from
# the thread that reads; it returns False to cancel (anything else carries on). Reading a
# million rows takes seconds, so an app reads in a worker thread and shows this.
Progress = Callable[[float], object]
PROGRESS_ROWS = 10_000
# The shares of read_csv's time its stages take (measured on a million rows of 2 features):
# parsing the rows, converting the features; the labels and the rest take the last tenth.
_ROWS, _FEATURES = (0.0, 0.55), (0.55, 0.9)


class CancelledError(DataError):
    """Reading stopped because the progress callback returned False."""


def _report(progress: Progress | None, fraction: float, file: str) -> None:
    if progress is not None and progress(min(max(fraction, 0.0), 1.0)) is False:
        raise CancelledError(f"{file}: reading cancelled")


def _stage(progress: Progress | None, share: tuple[float, float]) -> Progress | None:
    """``progress`` for one stage of a read, which takes ``share`` (from, to) of the whole."""
    if progress is None:
        return None
    lo, hi = share
    return lambda done: progress(lo + (hi - lo) * done)


def read_rows(
    path: str | os.PathLike,
    file: str,
    progress: Progress | None = None,
    limit: int | None = None,
) -> list[_Row]:
    """The file's non-empty rows, cells stripped, each with its line number (see
    :func:`parse_rows`); ``file`` names the file in messages.

    The bytes are decoded as they are parsed, so memory holds the rows, not also copies of the
    whole text. ``limit`` stops after that many rows (a preview reads no further); ``progress``
    is told the share of the file's bytes read (see :data:`Progress`).
    """
    try:
        f = open_regular(path)
    except FileNotFoundError:
        raise DataError(f"{file}: file not found ({os.fspath(path)})") from None
    except NotARegularFileError as exc:
        raise DataError(f"{file}: is {exc.kind}, not a regular file ({os.fspath(path)})") from None
    except OSError as exc:
        raise DataError(f"{file}: cannot read the file ({exc.strerror or exc})") from None
    # -sig: spreadsheet programs often start with a BOM. newline="": the csv module sees the
    # line endings as they are (a quoted cell may hold one).
    with f, io.TextIOWrapper(f, encoding="utf-8-sig", newline="") as text:
        size = max(os.fstat(f.fileno()).st_size, 1)
        try:
            return _parse(text, file, progress, lambda: f.tell() / size, limit)
        except UnicodeDecodeError:
            f.seek(0)
            raise _not_utf8(f.read(), file) from None
        except OSError as exc:
            raise DataError(f"{file}: cannot read the file ({exc.strerror or exc})") from None


def _not_utf8(raw: bytes, file: str) -> DataError:
    """The error naming the line of the first byte that is not UTF-8."""
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return DataError(
            f"{_where(file, line)}: not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
            "save the file as UTF-8"
        )
    return DataError(f"{file}: not UTF-8 text; save the file as UTF-8")  # changed while read


def parse_rows(text: str, file: str, progress: Progress | None = None) -> list[_Row]:
    """The non-empty rows of CSV text (a file's, or standard input's), cells stripped.

    Each row comes with the line number where it ends, so a message can point at it even after
    a quoted cell that spans lines. ``file`` names the source in messages.
    """
    size = max(len(text), 1)
    lines = io.StringIO(text, newline="")
    return _parse(lines, file, progress, lambda: lines.tell() / size, None)


def _parse(
    lines: Iterable[str],
    file: str,
    progress: Progress | None,
    done: Callable[[], float],
    limit: int | None,
) -> list[_Row]:
    """Rows of CSV ``lines``; ``done()`` says which share of the input has been taken."""
    rows: list[_Row] = []
    reader = csv.reader(lines)
    countdown = PROGRESS_ROWS
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):  # a blank line or a row of empty cells carries nothing
                rows.append((reader.line_num, cells))
                if limit is not None and len(rows) >= limit:
                    break
            countdown -= 1
            if not countdown:
                countdown = PROGRESS_ROWS
                _report(progress, done(), file)
    except csv.Error as exc:
        # line_num counts the lines the reader has taken, the bad one included.
        raise DataError(f"{_where(file, max(reader.line_num, 1))}: {exc}") from None
    return rows


def is_number(cell: str) -> bool:
    """True when a CSV cell reads as a number (header detection)."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def looks_like_header(rows: list[_Row]) -> bool:
    """The first row is a header if it has a non-number where the row below has a number.

    Only "any cell is not a number" would take the first point of a headerless file with text
    labels (``5.1,3.5,setosa``) for a header; comparing with the next row tells them apart.
    """
    first = rows[0][1]
    words = [j for j, cell in enumerate(first) if cell and not is_number(cell)]
    if not words or len(rows) == 1:
        return bool(words)
    below = rows[1][1]
    return any(j < len(below) and below[j] and is_number(below[j]) for j in words)


def _listed(names: Sequence[str]) -> str:
    """Names for a message, comma-separated: as they are when printable, else as a repr."""
    return ", ".join(n if n and n.isprintable() and "," not in n else repr(n) for n in names)


def _column_label(names: list[str] | None, j: int) -> str | int:
    """How messages name column j: its header name, else its 1-based number."""
    return names[j] if names and names[j] else j + 1


def _resolve_column(
    selector: object, names: list[str] | None, n_columns: int, file: str, header_line: int | None
) -> int:
    """The 0-based index of a column chosen by header name or by 0-based (or negative) index."""
    if isinstance(selector, str):
        if names is None:
            raise DataError(
                f"{_where(file, None, selector)}: choosing a column by name needs a header row"
            )
        matches = [j for j, name in enumerate(names) if name == selector]
        if not matches:
            raise DataError(
                f"{_where(file, header_line, selector)}: no such column in the header; "
                f"the columns are: {_listed(names)}"
            )
        if len(matches) > 1:
            raise DataError(
                f"{_where(file, header_line, selector)}: the header has this name "
                f"{len(matches)} times; choose the column by index"
            )
        return matches[0]
    if isinstance(selector, bool) or not isinstance(selector, (int, np.integer)):
        raise DataError(f"{file}: choose columns by name or 0-based index, not {selector!r}")
    j = int(selector) + (n_columns if selector < 0 else 0)
    if not 0 <= j < n_columns:
        raise DataError(
            f"{_where(file, header_line)}: column index {selector} is out of range; "
            f"the file has {n_columns} columns (indices 0 to {n_columns - 1})"
        )
    return j


def _split_column(
    names: list[str] | None, data: list[_Row], chosen: set[int]
) -> tuple[int | None, Array | None]:
    """A ``split`` column of train/test values (not chosen as data) and the mask it gives."""
    if names is None:
        return None, None
    for j in reversed(range(len(names))):
        if names[j].lower() != SPLIT_COLUMN or j in chosen:
            continue
        values = [cells[j].lower() for _, cells in data]
        if all(value in ("train", "test") for value in values):
            return j, np.array([value == "train" for value in values], dtype=bool)
    return None, None


def _first_bad_cell(
    file: str,
    data: list[_Row],
    features: list[int],
    label: int,
    names: list[str] | None,
    what: str = "feature",
) -> DataError:
    """The error for the first bad feature (or target) or label cell in reading order."""
    for line, cells in data:
        for j in features:
            where, cell = _where(file, line, _column_label(names, j)), cells[j]
            if not cell:
                return DataError(f"{where}: the cell is empty; every {what} needs a number")
            try:
                value = float(cell)
            except ValueError:
                return DataError(f"{where}: {cell!r} is not a number")
            if not math.isfinite(value):
                return DataError(f"{where}: {cell!r} is not a finite number")
        if not cells[label]:
            return DataError(
                f"{_where(file, line, _column_label(names, label))}: the label cell is empty"
            )
    return DataError(f"{file}: bad data")  # unreachable when called after a failed fast path


def _numeric_class_name(cell: str) -> str | None:
    """``"1"``, ``"1.0"`` and ``"+1"`` all name class ``"1"``; None for a non-number."""
    try:
        return str(int(cell))
    except ValueError:
        pass
    try:
        value = float(cell)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return str(int(value)) if value.is_integer() else repr(value)


def _labels_to_classes(
    cells: list[str],
    lines: list[int],
    column: str | int,
    file: str,
    class_names: list[str] | None,
) -> tuple[Array, list[str]]:
    """Class indices and names for the label cells (sorted order unless names are given).

    Each distinct cell is looked at once: a million rows of three species cost three parses,
    and the rows are then coded by one dictionary lookup each, in C (``map``).
    """
    distinct = set(cells)
    if class_names is not None:
        index = {name: k for k, name in enumerate(class_names)}
        code: dict[str, int] = {}
        for cell in distinct:
            k = index.get(cell)
            if k is None:
                k = index.get(_numeric_class_name(cell) or cell)
            if k is not None:
                code[cell] = k
        if len(code) < len(distinct):
            i = next(i for i, cell in enumerate(cells) if cell not in code)  # the first, in order
            raise DataError(
                f"{_where(file, lines[i], column)}: unknown label {cells[i]!r}; "
                f"the classes are: {_listed(class_names)}"
            )
        names = list(class_names)
    else:
        numeric = {cell: _numeric_class_name(cell) for cell in distinct}
        key_of = {cell: name for cell, name in numeric.items() if name is not None}
        if len(key_of) == len(distinct):
            # Numbers sort by value, so labels 2, 10 give classes "2", "10" in that order;
            # "1" and "1.0" are one class.
            names = sorted(set(key_of.values()), key=float)
        else:
            key_of = {cell: cell for cell in distinct}
            names = sorted(distinct)
        if len(names) < 2:
            raise DataError(
                f"{file} lines {lines[0]}-{lines[-1]}, {_where(None, None, column)}: every label "
                f"is {names[0]!r}; a classifier needs at least 2 classes"
            )
        index = {name: k for k, name in enumerate(names)}
        code = {cell: index[key] for cell, key in key_of.items()}
    y = np.fromiter(map(code.__getitem__, cells), dtype=np.int64, count=len(cells))
    return y, names


def read_csv(
    path: str | os.PathLike,
    features: Sequence[str | int] | None = None,
    label: str | int | None = None,
    header: bool | None = None,
    class_names: Sequence[str] | None = None,
    progress: Progress | None = None,
    targets: Sequence[str | int] | str | int | None = None,
) -> Dataset | RegressionData:
    """Read a comma-separated file of points into a :class:`Dataset`.

    With ``targets`` (one column or several, by name or index) the file holds regression data
    instead: the target cells are read as real numbers, like the features, and the result is a
    :class:`RegressionData` (``label`` and ``class_names`` do not apply). By default the features
    are then every other column (but ``split``).

    Columns are chosen by header name or 0-based index; by default the last column is the label
    and all others are features. ``header=None`` detects a header (see ``looks_like_header``),
    and naming a column implies one. Labels may be numbers or text; classes are in sorted order
    (numbers by value) unless ``class_names`` fixes the order. A header column ``split`` of
    train/test values that is not chosen as data sets ``train_mask``, as ``write_csv`` writes it.
    Blank rows are skipped. Only a regular file is read (a pipe or a device is refused before it
    is opened). Any problem raises :class:`DataError` naming file, line and column.

    ``progress`` (see :data:`Progress`) is called every :data:`PROGRESS_ROWS` rows with the
    fraction done; if it returns False, reading stops with :class:`CancelledError`.
    """
    file = Path(path).name or os.fspath(path)
    if isinstance(targets, (str, int, np.integer)):
        targets = [targets]
    if targets is not None and (label is not None or class_names is not None):
        raise DataError(f"{file}: a label column or class names are for classes, not targets")
    if targets is not None and not targets:
        raise DataError(f"{file}: no target columns; choose at least one")
    wanted_classes = _class_names_argument(class_names)
    rows = read_rows(path, file, _stage(progress, _ROWS))
    if not rows:
        raise DataError(f"{file}: the file is empty; there are no data rows")
    if all(len(cells) == 1 for _, cells in rows):
        raise DataError(
            f"{_where(file, rows[0][0])}: only one column; a dataset needs feature columns and "
            "a label column, separated by commas"
        )
    if isinstance(features, (str, int, np.integer)):
        features = [features]
    selectors = [*(features or []), *([] if label is None else [label]), *(targets or [])]
    if header is None:
        header = any(isinstance(s, str) for s in selectors) or looks_like_header(rows)

    header_line, names = (rows[0][0], rows[0][1]) if header else (None, None)
    data = rows[1:] if header else rows
    if not data:
        raise DataError(f"{_where(file, header_line)}: a header row but no data rows below it")
    n_columns = len(names) if names is not None else len(data[0][1])
    for line, cells in data:
        if len(cells) != n_columns:
            raise DataError(
                f"{_where(file, line)}: {len(cells)} columns, but "
                f"{'the header' if names else f'line {data[0][0]}'} has {n_columns}"
            )

    def resolve(selector: object) -> int:
        return _resolve_column(selector, names, n_columns, file, header_line)

    feature_idx = [resolve(s) for s in features] if features is not None else None
    if targets is not None:
        target_idx = [resolve(s) for s in targets]
        return _regression_data(
            file, data, names, header_line, feature_idx, target_idx, n_columns, progress
        )
    label_idx = resolve(label) if label is not None else None
    split_idx, mask = _split_column(names, data, {*(feature_idx or []), label_idx})
    usable = [j for j in range(n_columns) if j != split_idx]
    if label_idx is None:
        label_idx = usable[-1]
    if feature_idx is None:
        feature_idx = [j for j in usable if j != label_idx]
    if not feature_idx:
        raise DataError(f"{file}: no feature columns; choose at least one")
    if len(set(feature_idx)) != len(feature_idx):
        twice = next(j for j in feature_idx if feature_idx.count(j) > 1)
        raise DataError(
            f"{_where(file, header_line, _column_label(names, twice))}: chosen twice as a feature"
        )
    if label_idx in feature_idx:
        raise DataError(
            f"{_where(file, header_line, _column_label(names, label_idx))}: the label column "
            "is also chosen as a feature; choose another label or leave it out of the features"
        )

    X = _features(data, feature_idx, file, _stage(progress, _FEATURES))
    if X is None or not all(cells[label_idx] for _, cells in data):
        raise _first_bad_cell(file, data, feature_idx, label_idx, names)

    y, classes = _labels_to_classes(
        [cells[label_idx] for _, cells in data],
        [line for line, _ in data],
        _column_label(names, label_idx),
        file,
        wanted_classes,
    )
    _report(progress, 0.95, file)  # the last chance to stop: only the dataset is left to build
    if mask is not None and not mask.any():
        raise DataError(
            f"{_where(file, header_line, SPLIT_COLUMN)}: every row is 'test'; "
            "at least one must be 'train'"
        )
    feature_names = [
        names[j] if names and names[j] else f"x{k + 1}" for k, j in enumerate(feature_idx)
    ]
    return Dataset(X=X, y=y, class_names=classes, feature_names=feature_names, train_mask=mask)


def _regression_data(
    file: str,
    data: list[_Row],
    names: list[str] | None,
    header_line: int | None,
    feature_idx: list[int] | None,
    target_idx: list[int],
    n_columns: int,
    progress: Progress | None,
) -> RegressionData:
    """The rows as regression data: features and targets both read as finite numbers."""
    split_idx, mask = _split_column(names, data, {*(feature_idx or []), *target_idx})
    if feature_idx is None:
        feature_idx = [j for j in range(n_columns) if j != split_idx and j not in target_idx]
    if not feature_idx:
        raise DataError(f"{file}: no feature columns; choose at least one")
    for chosen, what in ((feature_idx, "feature"), (target_idx, "target")):
        twice = next((j for j in chosen if chosen.count(j) > 1), None)
        if twice is not None:
            raise DataError(
                f"{_where(file, header_line, _column_label(names, twice))}: chosen twice as a "
                f"{what}"
            )
    both = next((j for j in target_idx if j in feature_idx), None)
    if both is not None:
        raise DataError(
            f"{_where(file, header_line, _column_label(names, both))}: the target column is "
            "also chosen as a feature; leave it out of the features"
        )
    X = _features(data, feature_idx, file, _stage(progress, _FEATURES))
    if X is None:
        raise _first_bad_cell(file, data, feature_idx, feature_idx[0], names)
    T = _features(data, target_idx, file, None)
    if T is None:
        raise _first_bad_cell(file, data, target_idx, target_idx[0], names, "target")
    _report(progress, 0.95, file)
    if mask is not None and not mask.any():
        raise DataError(
            f"{_where(file, header_line, SPLIT_COLUMN)}: every row is 'test'; "
            "at least one must be 'train'"
        )

    def named(columns: list[int], stem: str) -> list[str]:
        return [names[j] if names and names[j] else f"{stem}{k + 1}" for k, j in enumerate(columns)]

    target_names = named(target_idx, "y")
    if len(target_idx) == 1 and not (names and names[target_idx[0]]):
        target_names = ["y"]
    return RegressionData(
        X=X,
        targets=T,
        feature_names=named(feature_idx, "x"),
        target_names=target_names,
        train_mask=mask,
    )


def _features(
    data: list[_Row], columns: list[int], file: str, progress: Progress | None
) -> Array | None:
    """The feature cells as numbers, block by block with progress; None if one is bad (the
    caller then looks again cell by cell for a precise message)."""
    n = len(data)
    X = np.empty((n, len(columns)))
    for start in range(0, n, PROGRESS_ROWS):
        block = data[start : start + PROGRESS_ROWS]
        try:
            X[start : start + len(block)] = [
                [float(cells[j]) for j in columns] for _, cells in block
            ]
        except ValueError:
            return None
        _report(progress, (start + len(block)) / n, file)
    return X if bool(np.isfinite(X).all()) else None


def _class_names_argument(class_names: Sequence[str] | None) -> list[str] | None:
    if class_names is None:
        return None
    if isinstance(class_names, str):
        raise DataError("class_names must be a list of names, not one string")
    names = list(class_names)
    _check_names(names, "class_names")
    if len(names) < 2 or len(set(names)) != len(names) or not all(names):
        raise DataError(f"class_names must be at least 2 unique non-empty names, got {names}")
    return names


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_csv(path: str | os.PathLike, dataset: Dataset, include_split: bool = False) -> None:
    """Write the dataset as CSV: feature columns, ``label`` (class names), optionally ``split``.

    Floats are written with ``repr``, so ``read_csv`` gets every bit back. Reading back without
    ``class_names`` gives classes in sorted order; pass ``dataset.class_names`` to keep another
    order or classes that have no points. The write is atomic: a crash leaves the old file or
    the new one, never half of one. Raises ``OSError`` if the file cannot be written.
    """
    path = Path(path)
    header = [*dataset.feature_names, LABEL_COLUMN, *([SPLIT_COLUMN] if include_split else [])]
    labels = [dataset.class_names[k] for k in dataset.y.tolist()]
    splits = ["train" if m else "test" for m in dataset.train_mask.tolist()]
    try:  # keep the mode of a file we replace; a new file gets the usual rw-r--r--
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mode = 0o644
    with tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        newline="",
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".tmp",
        delete=False,
    ) as tmp:
        try:
            writer = csv.writer(tmp, lineterminator="\n")
            writer.writerow(header)
            for point, name, part in zip(dataset.X.tolist(), labels, splits, strict=True):
                # .tolist() gives Python floats, whose repr is the shortest exact round-trip.
                writer.writerow([*map(repr, point), name, *([part] if include_split else [])])
            tmp.flush()
            os.fsync(tmp.fileno())
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    try:
        os.chmod(tmp.name, mode)
        os.replace(tmp.name, path)
    except BaseException:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)
        raise
