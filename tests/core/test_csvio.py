"""The CSV reader and writer: round trips, header and column choice, and clear errors.

Every error names the file, the line and the column; a path that is not a regular file (a named
pipe, a device, a folder) is refused before it is opened, so the reader can never block.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest

from mlpstudio.core import csvio, datasets
from mlpstudio.core.datasets import DataError

IRIS = Path(__file__).resolve().parents[2] / "resources" / "datasets" / "iris.csv"


def write(tmp_path: Path, text: str, name: str = "points.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_error(path: Path, **kwargs: object) -> str:
    with pytest.raises(DataError) as info:
        csvio.read_csv(path, **kwargs)
    return str(info.value)


def within(seconds: float, call) -> BaseException | None:
    """Run ``call()`` in a thread; the exception it raised, or a failure if it did not finish.

    A reader that opens a named pipe blocks until a writer appears: without this guard, such a
    bug would hang the test run instead of failing it.
    """
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # handed to the test, which asserts on it
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f"still blocked after {seconds} s")
    return outcome[0]


# ---------------------------------------------------------------------------- one implementation


def test_csv_lives_in_one_module_only() -> None:
    for name in ("read_rows", "is_number", "looks_like_header", "read_csv", "write_csv"):
        assert callable(getattr(csvio, name))
        assert not hasattr(datasets, name)


def test_rows_of_text_are_read_like_rows_of_a_file(tmp_path: Path) -> None:
    text = 'x,label\n\n1,"a\nb"\n2, c \n'
    rows = csvio.parse_rows(text, "stdin")
    assert rows == [(1, ["x", "label"]), (4, ["1", "a\nb"]), (5, ["2", "c"])]
    assert csvio.read_rows(write(tmp_path, text), "points.csv") == rows
    with pytest.raises(DataError, match=r"^stdin line 2: field larger than field limit"):
        csvio.parse_rows("x\n" + "a" * 200_000 + "\n", "stdin")


# ------------------------------------------------------------------------- only regular files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for call in (lambda: csvio.read_csv(fifo), lambda: csvio.read_rows(fifo, "pipe.csv")):
        error = within(10.0, call)
        assert isinstance(error, DataError)
        assert str(error) == f"pipe.csv: is a named pipe (FIFO), not a regular file ({fifo})"


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null on this platform")
def test_a_device_is_refused() -> None:
    error = within(10.0, lambda: csvio.read_csv("/dev/null"))
    assert isinstance(error, DataError)
    assert "null: is a character device, not a regular file (/dev/null)" in str(error)


def test_open_regular_opens_a_regular_file_and_refuses_a_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "x,label\n1,a\n")
    with csvio.open_regular(path) as f:
        assert f.read() == b"x,label\n1,a\n"
    with pytest.raises(csvio.NotARegularFileError) as info:
        csvio.open_regular(tmp_path)
    assert info.value.kind == "a folder" and isinstance(info.value, OSError)


# -------------------------------------------------------------------------------------- CSV


def test_csv_round_trip_keeps_every_bit_label_name_and_split(tmp_path: Path) -> None:
    data = datasets.generate("spirals", points=60, noise=0.37, seed=8, classes=3)
    data = datasets.split(data, 0.3, seed=1)
    data.X[0] = [0.1, -0.0]  # awkward values: a non-binary fraction and a negative zero
    data.X[1] = [1e-300, 123456789.123456789]
    path = tmp_path / "spirals.csv"

    csvio.write_csv(path, data, include_split=True)
    back = csvio.read_csv(path)
    assert back.X.tobytes() == data.X.tobytes()
    assert np.array_equal(back.y, data.y) and back.class_names == data.class_names
    assert back.feature_names == ["x1", "x2"] and np.array_equal(back.train_mask, data.train_mask)
    assert path.read_text().splitlines()[0] == "x1,x2,label,split"

    csvio.write_csv(path, data)  # overwrite, this time without the split column
    plain = csvio.read_csv(path)
    assert plain.X.tobytes() == data.X.tobytes() and plain.train_mask.all()
    assert sorted(os.listdir(tmp_path)) == ["spirals.csv"]  # no temporary file left behind


def test_csv_round_trip_with_text_class_names(tmp_path: Path) -> None:
    data = datasets.from_arrays(
        [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [0, 1, 0], ["zebra, striped", "ant"], ["w", "h"]
    )
    path = tmp_path / "animals.csv"
    csvio.write_csv(path, data)
    sorted_back = csvio.read_csv(path)  # without class_names the order is sorted
    assert sorted_back.class_names == ["ant", "zebra, striped"]
    assert sorted_back.y.tolist() == [1, 0, 1] and sorted_back.feature_names == ["w", "h"]
    kept = csvio.read_csv(path, class_names=data.class_names)
    assert kept.class_names == data.class_names and np.array_equal(kept.y, data.y)


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "old contents\n")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        csvio.write_csv(path, datasets.generate("xor"))
    assert path.read_text() == "old contents\n"
    assert os.listdir(tmp_path) == ["points.csv"]


def test_header_is_detected(tmp_path: Path) -> None:
    headed = csvio.read_csv(write(tmp_path, "a,b,label\n1,2,0\n3,4,1\n"))
    assert headed.feature_names == ["a", "b"] and headed.n_points == 2

    bare = csvio.read_csv(write(tmp_path, "1,2,0\n3,4,1\n5,6,1\n"))
    assert bare.feature_names == ["x1", "x2"] and bare.n_points == 3
    assert bare.X[0].tolist() == [1.0, 2.0]

    # Text labels in the first row do not make it a header: the row below has text there too.
    text_labels = csvio.read_csv(write(tmp_path, "1,2,cat\n3,4,dog\n"))
    assert text_labels.n_points == 2 and text_labels.class_names == ["cat", "dog"]

    forced = csvio.read_csv(write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n"), header=True)
    assert forced.feature_names == ["1", "2"] and forced.n_points == 2


def test_columns_by_name_and_by_index(tmp_path: Path) -> None:
    path = write(tmp_path, "id,x,y,kind,z\n1,0.5,1.5,a,9\n2,2.5,3.5,b,8\n")
    by_name = csvio.read_csv(path, features=["y", "x"], label="kind")
    assert by_name.feature_names == ["y", "x"] and by_name.X.tolist() == [[1.5, 0.5], [3.5, 2.5]]
    assert by_name.class_names == ["a", "b"] and by_name.y.tolist() == [0, 1]

    by_index = csvio.read_csv(path, features=[1, 2], label=3)
    assert by_index.feature_names == ["x", "y"] and by_index.X.tolist() == [[0.5, 1.5], [2.5, 3.5]]

    last = csvio.read_csv(path, features=[1], label=-1)  # negative indices count from the end
    assert last.class_names == ["8", "9"] and last.y.tolist() == [1, 0]

    with pytest.raises(DataError, match="line 2, column 'kind'"):
        csvio.read_csv(path, label="id")  # the features default to all other columns
    picked = csvio.read_csv(path, features=["x", "z"], label="id")
    assert picked.X.tolist() == [[0.5, 9.0], [2.5, 8.0]] and picked.class_names == ["1", "2"]


def test_labels_map_to_classes_in_sorted_order(tmp_path: Path) -> None:
    text = csvio.read_csv(write(tmp_path, "x,c\n1,pear\n2,apple\n3,fig\n4,apple\n"))
    assert text.class_names == ["apple", "fig", "pear"] and text.y.tolist() == [2, 0, 1, 0]

    numbers = csvio.read_csv(write(tmp_path, "x,c\n1,10\n2,2\n3,0\n4,2\n"))
    assert numbers.class_names == ["0", "2", "10"] and numbers.y.tolist() == [2, 1, 0, 1]

    floats = csvio.read_csv(write(tmp_path, "x,c\n1,1.0\n2,0.0\n3,1\n"))
    assert floats.class_names == ["0", "1"] and floats.y.tolist() == [1, 0, 1]

    given = csvio.read_csv(
        write(tmp_path, "x,c\n1,pear\n2,apple\n"), class_names=["pear", "plum", "apple"]
    )
    assert given.class_names == ["pear", "plum", "apple"] and given.y.tolist() == [0, 2]
    assert given.n_classes == 3


def test_blank_rows_bom_and_spaces_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_bytes("\ufeffa, b ,label\r\n\r\n 1 ,2,yes\r\n,,\r\n3, 4 , no \r\n".encode())
    data = csvio.read_csv(path)
    assert data.feature_names == ["a", "b"] and data.X.tolist() == [[1, 2], [3, 4]]
    assert data.class_names == ["no", "yes"] and data.y.tolist() == [1, 0]


def test_a_split_column_sets_the_mask_only_when_it_holds_train_and_test(tmp_path: Path) -> None:
    data = csvio.read_csv(write(tmp_path, "x,label,split\n1,a,train\n2,b,TEST\n3,a,train\n"))
    assert data.train_mask.tolist() == [True, False, True] and data.feature_names == ["x"]

    numeric = csvio.read_csv(write(tmp_path, "x,split,label\n1,5,a\n2,6,b\n"))
    assert numeric.feature_names == ["x", "split"] and numeric.train_mask.all()

    chosen = csvio.read_csv(
        write(tmp_path, "x,label,split\n1,a,train\n2,b,test\n"), features=["x"], label="split"
    )
    assert chosen.class_names == ["test", "train"] and chosen.train_mask.all()


def test_iris_reads_as_three_species_of_fifty() -> None:
    iris = csvio.read_csv(IRIS, features=["petal_length", "petal_width"], label="species")
    assert iris.n_points == 150 and iris.X.shape == (150, 2)
    assert iris.class_names == ["setosa", "versicolor", "virginica"]
    assert np.bincount(iris.y).tolist() == [50, 50, 50]
    assert iris.feature_names == ["petal_length", "petal_width"]
    assert np.allclose(iris.X.mean(axis=0), [3.758, 1.199333], atol=1e-6)
    full = csvio.read_csv(IRIS)
    assert full.n_features == 4 and full.n_classes == 3


# ------------------------------------------------------------------------------ CSV errors


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    message = read_error(tmp_path / "absent.csv")
    assert "absent.csv" in message and "not found" in message
    (tmp_path / "folder.csv").mkdir()
    message = read_error(tmp_path / "folder.csv")
    assert "folder.csv" in message and "folder" in message


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"x,label\n1,a\n2,caf\xe9\n")
    message = read_error(path)
    assert message.startswith("latin.csv line 3:") and "UTF-8" in message


def test_no_data_rows(tmp_path: Path) -> None:
    assert "no data rows" in read_error(write(tmp_path, "", "empty.csv"))
    assert "no data rows" in read_error(write(tmp_path, "\n\n", "blank.csv"))
    message = read_error(write(tmp_path, "x1,x2,label\n\n", "header.csv"))
    assert message.startswith("header.csv line 1:") and "no data rows" in message


def test_wrong_number_of_columns(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,0\n\n3,4\n"))
    assert message.startswith("points.csv line 4:") and "2 columns" in message and "3" in message
    message = read_error(write(tmp_path, "1,2,0\n3,4,1,5\n"))
    assert message.startswith("points.csv line 2:") and "4 columns" in message
    assert "only one column" in read_error(write(tmp_path, "1;2;0\n3;4;1\n"))
    assert "only one column" in read_error(write(tmp_path, "x;y;label\n"))


def test_empty_cells(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,0\n3,,1\n"))
    assert message.startswith("points.csv line 3, column 'x2':") and "empty" in message
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,0\n3,4,\n"))
    assert message.startswith("points.csv line 3, column 'label':") and "empty" in message


def test_a_non_numeric_feature(tmp_path: Path) -> None:
    rows = "".join(f"{i},{i},0\n" for i in range(5))
    message = read_error(write(tmp_path, f"x1,x2,label\n{rows}1,abc,1\n"))
    assert message == "points.csv line 7, column 'x2': 'abc' is not a number"


def test_the_first_bad_cell_in_reading_order_is_reported(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,0\n1,bad,0\nbad,2,1\n"))
    assert message.startswith("points.csv line 3, column 'x2':")


@pytest.mark.parametrize("cell", ["nan", "NaN", "inf", "-Infinity"])
def test_non_finite_features(tmp_path: Path, cell: str) -> None:
    message = read_error(write(tmp_path, f"x1,x2,label\n1,2,0\n{cell},2,1\n"))
    assert message.startswith("points.csv line 3, column 'x1':") and "finite" in message


def test_headerless_errors_number_the_columns_from_one(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "1,2,0\n3,x4,1\n"), header=False)
    assert message.startswith("points.csv line 2, column 2:")


def test_unknown_column_names(tmp_path: Path) -> None:
    path = write(tmp_path, "x1,x2,label\n1,2,0\n3,4,1\n")
    message = read_error(path, features=["x1", "x9"])
    assert message.startswith("points.csv line 1, column 'x9':") and "x1, x2, label" in message
    message = read_error(path, label="kind")
    assert message.startswith("points.csv line 1, column 'kind':")
    message = read_error(path, features=[0, 5])
    assert message.startswith("points.csv line 1:") and "column index 5" in message
    assert "3 columns" in message
    assert "header" in read_error(path, features=["x1"], header=False)


def test_fewer_than_two_classes(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x1,x2,label\n1,2,a\n\n3,4,a\n5,6,a\n"))
    assert message.startswith("points.csv lines 2-5, column 'label':")
    assert "'a'" in message and "2 classes" in message


def test_a_label_that_is_also_a_feature(tmp_path: Path) -> None:
    path = write(tmp_path, "x1,x2,label\n1,2,0\n3,4,1\n")
    message = read_error(path, features=["x1", "label"], label="label")
    assert message.startswith("points.csv line 1, column 'label':") and "feature" in message
    message = read_error(path, features=["x1", "label"])  # the default label is the last column
    assert message.startswith("points.csv line 1, column 'label':")
    assert "chosen twice" in read_error(path, features=["x1", 0])


def test_an_unknown_label_among_given_class_names(tmp_path: Path) -> None:
    path = write(tmp_path, "x,species\n1,setosa\n2,rose\n")
    message = read_error(path, class_names=["setosa", "virginica"])
    assert message.startswith("points.csv line 3, column 'species':") and "'rose'" in message
    assert "at least 2" in read_error(path, class_names=["setosa"])


def test_a_split_column_of_only_test_rows(tmp_path: Path) -> None:
    message = read_error(write(tmp_path, "x,label,split\n1,a,test\n2,b,test\n"))
    assert message.startswith("points.csv line 1, column 'split':") and "train" in message


# ----------------------------------------------------------------- progress, cancel, preview


def many_rows(tmp_path: Path, n: int) -> Path:
    text = "x1,x2,label\n" + "".join(f"{i * 0.5},{-i},{i % 3}\n" for i in range(n))
    return write(tmp_path, text, "many.csv")


def test_progress_is_reported_in_order_while_reading(tmp_path: Path) -> None:
    n = 5 * csvio.PROGRESS_ROWS
    seen: list[float] = []
    ds = csvio.read_csv(many_rows(tmp_path, n), progress=seen.append)  # None: carry on
    assert ds.n_points == n and ds.class_names == ["0", "1", "2"]
    # The rows and the features each report once per PROGRESS_ROWS rows, then the end.
    assert len(seen) == 2 * (n // csvio.PROGRESS_ROWS) + 1
    assert seen == sorted(seen) and seen[0] >= 0.0 and seen[-1] <= 1.0
    assert seen[-1] > 0.9


@pytest.mark.parametrize("stop_at", [1, 6, 11])  # in the rows, the features, at the end
def test_progress_returning_false_cancels_in_any_stage(tmp_path: Path, stop_at: int) -> None:
    path = many_rows(tmp_path, 5 * csvio.PROGRESS_ROWS)
    calls: list[float] = []

    def progress(done: float) -> bool:
        calls.append(done)
        return len(calls) < stop_at

    with pytest.raises(csvio.CancelledError, match=r"^many\.csv: reading cancelled$") as info:
        csvio.read_csv(path, progress=progress)
    assert isinstance(info.value, DataError) and len(calls) == stop_at


def test_reading_rows_can_be_cancelled_and_limited(tmp_path: Path) -> None:
    path = many_rows(tmp_path, 3 * csvio.PROGRESS_ROWS)
    with pytest.raises(csvio.CancelledError):
        csvio.read_rows(path, "many.csv", progress=lambda done: False)
    rows = csvio.read_rows(path, "many.csv", limit=5)
    assert [line for line, _ in rows] == [1, 2, 3, 4, 5]
    text = path.read_text(encoding="utf-8")
    with pytest.raises(csvio.CancelledError, match=r"^stdin: reading cancelled"):
        csvio.parse_rows(text, "stdin", progress=lambda done: False)


def test_a_bad_byte_far_into_the_file_still_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(b"x,y,c\n" + b"1,2,a\n" * 20_000 + b"3,\xff,b\n")
    with pytest.raises(DataError, match=r"^late\.csv line 20002: not UTF-8 text \(byte 0xff\)"):
        csvio.read_csv(path)


def test_the_columns_listed_in_a_message_stay_on_one_printable_line(tmp_path: Path) -> None:
    # Found by tests/core/test_properties_csv.py: header names were listed raw.
    path = write(tmp_path, '"two\nlines",\x1b,"a,b",c\n1,2,3,a\n3,4,5,b\n')
    message = read_error(path, label="missing")
    assert "\n" not in message and message.isprintable()
    assert message.endswith("the columns are: 'two\\nlines', '\\x1b', 'a,b', c")
