"""The CSV import dialog (driven non-modally) and export, and the datasets shipped as CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from mlpstudio.core import csvio, datasets
from mlpstudio.core.datasets import Dataset
from mlpstudio.ui.views import csv_dialog
from mlpstudio.ui.views.csv_dialog import PREVIEW_ROWS, CsvImportDialog, export_csv, import_csv

DATASETS = Path(__file__).resolve().parents[2] / "resources" / "datasets"

FLOWERS = """sepal_length,sepal_width,petal_length,petal_width,species
5.1,3.5,1.4,0.2,setosa
7.0,3.2,4.7,1.4,versicolor
6.3,3.3,6.0,2.5,virginica
4.9,3.0,1.4,0.2,setosa
6.4,3.2,4.5,1.5,versicolor
"""


def write(tmp_path: Path, text: str, name: str = "points.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def boxes(monkeypatch):
    """Every message box opened, so a test can say that none was."""
    opened: list[tuple] = []
    for name in ("critical", "warning", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, name=name: opened.append((name, *a[1:])))
    return opened


def dialog(qtbot, path: Path, **kwargs) -> CsvImportDialog:
    d = CsvImportDialog(path, **kwargs)
    qtbot.addWidget(d)
    d.show()  # never exec() in a test
    qtbot.waitExposed(d)
    return d


# ---- the preview and the defaults ------------------------------------------------------------


def test_a_header_and_string_labels(qtbot, tmp_path, boxes):
    d = dialog(qtbot, write(tmp_path, FLOWERS), test_ratio=0.4, seed=3)
    assert d.header.isChecked()  # detected
    assert d.table.rowCount() == 5 and d.table.columnCount() == 5
    assert d.table.item(1, 4).text() == "versicolor"
    assert d.table.verticalHeaderItem(0).text() == "2"  # file line numbers
    assert d.feature_x.currentText() == "sepal_length (column 1)"
    assert d.feature_y.currentText() == "sepal_width (column 2)"
    assert d.label.currentText() == "species (column 5)"
    assert "→ x1" in d.table.horizontalHeaderItem(0).text()
    assert "→ label" in d.table.horizontalHeaderItem(4).text()
    with qtbot.waitSignal(d.accepted, timeout=1000):
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    ds = d.result_dataset()
    assert ds.class_names == ["setosa", "versicolor", "virginica"]
    assert ds.feature_names == ["sepal_length", "sepal_width"]
    assert ds.X.tolist() == [[5.1, 3.5], [7.0, 3.2], [6.3, 3.3], [4.9, 3.0], [6.4, 3.2]]
    assert ds.y.tolist() == [0, 1, 2, 0, 1]
    assert (~ds.train_mask).sum() == 2  # 40 % of 5 held out for testing
    assert np.array_equal(ds.train_mask, datasets.split(ds, 0.4, 3).train_mask)
    assert d.error_text() == "" and boxes == []


def test_choosing_other_columns_and_standardise(qtbot, tmp_path):
    d = dialog(qtbot, write(tmp_path, FLOWERS), test_ratio=0.0)
    d.feature_x.setCurrentIndex(2)
    d.feature_y.setCurrentIndex(3)
    d.standardise_box.setChecked(True)
    assert "→ x1" in d.table.horizontalHeaderItem(2).text()
    assert d.try_accept()
    ds = d.result_dataset()
    assert ds.feature_names == ["petal_length", "petal_width"]
    assert ds.X[:, 0].tolist() == [1.4, 4.7, 6.0, 1.4, 4.5]
    assert d.standardise() and ds.train_mask.all()


def test_no_header_numbers_and_the_preview_is_limited(qtbot, tmp_path):
    rows = "".join(f"{i * 0.5},{-i},{i % 2}\n" for i in range(50))
    d = dialog(qtbot, write(tmp_path, rows))
    assert not d.header.isChecked()
    assert d.table.rowCount() == PREVIEW_ROWS
    assert d.feature_x.currentText() == "column 1" and d.label.currentText() == "column 3"
    assert "50 data rows" in d.summary.text()
    assert d.try_accept()
    assert d.result_dataset().n_points == 50 and d.result_dataset().class_names == ["0", "1"]


def test_the_header_checkbox_changes_the_preview(qtbot, tmp_path):
    d = dialog(qtbot, write(tmp_path, FLOWERS))
    d.header.setChecked(False)
    assert d.table.rowCount() == 6 and d.feature_x.currentText() == "column 1"
    assert d.table.item(0, 0).text() == "sepal_length"
    assert not d.try_accept()  # "sepal_length" is not a number
    assert "line 1, column 1" in d.error_text()
    d.header.setChecked(True)
    assert d.error_text() == ""
    assert d.try_accept()


def test_a_split_column_can_be_kept_or_replaced(qtbot, tmp_path):
    text = "a,b,label,split\n0,0,x,train\n1,1,y,test\n2,2,x,train\n3,3,y,train\n"
    d = dialog(qtbot, write(tmp_path, text), test_ratio=0.5)
    assert d.label.currentText() == "label (column 3)"  # not the split column
    assert d.keep_split.isVisibleTo(d) and not d.test_ratio.isEnabled()
    assert d.try_accept()
    assert d.result_dataset().train_mask.tolist() == [True, False, True, True]
    d2 = dialog(qtbot, write(tmp_path, text), test_ratio=0.5, seed=1)
    d2.keep_split.setChecked(False)
    assert d2.test_ratio.isEnabled()
    assert d2.try_accept()
    assert (~d2.result_dataset().train_mask).sum() == 2


# ---- errors, each shown in the dialog --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "columns", "expected"),
    [
        (
            "x1,x2,c\n1,2,a\n3,oops,b\n",
            None,
            "points.csv line 3, column 'x2': 'oops' is not",
        ),
        ("x1,x2,c\n1,2,a\n3,,b\n", None, "line 3, column 'x2': the cell is empty"),
        ("x1,x2,c\n1,2,a\n3,4,\n", None, "line 3, column 'c': the label cell is empty"),
        ("x1,x2,c\n1,2,a\n3,4\n", None, "line 3: 2 columns, but the header has 3"),
        ("x1,x2,c\n1,2,a\n3,4,a\n", None, "every label is 'a'"),
        ("x1,x2,c\n1,2,a\n3,4,b\n", (0, 0, 2), "column 'x1': chosen twice as a feature"),
        ("x1,x2,c\n1,2,a\n3,4,b\n", (0, 1, 1), "column 'x2': the label column is also chosen"),
        ("x,y,c\n" + "".join(f"{i},{i},k{i}\n" for i in range(9)), None, "9 classes"),
        ("x1,x2,c\n1,2,a\n3,4,b\n1e999,0,a\n", None, "line 4, column 'x1'"),
    ],
)
def test_each_read_error_is_shown_in_the_dialog(qtbot, tmp_path, boxes, text, columns, expected):
    d = dialog(qtbot, write(tmp_path, text))
    if columns is not None:
        for combo, j in zip((d.feature_x, d.feature_y, d.label), columns, strict=True):
            combo.setCurrentIndex(j)
    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)  # reads in the background
    qtbot.waitUntil(lambda: not d.is_reading(), timeout=5000)
    assert d.isVisible() and d.result() != QDialog.DialogCode.Accepted
    assert expected in d.error_text()
    assert d.error.isVisibleTo(d) and "color" in d.error.styleSheet()
    assert d.result_dataset() is None and boxes == []
    d.label.setCurrentIndex(d.label.currentIndex())  # no change, the message stays
    assert expected in d.error_text()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "file not found"),
        (b"", "the file is empty"),
        (b"x,y,c\n1,2,a\n\xff\xfe,1,b\n", "line 3: not UTF-8 text"),
        (b"just\none\ncolumn\n", "only one column"),
        (b'x,y,c\n1,2,"a\n', "line"),
    ],
)
def test_unreadable_files_say_why_and_cannot_be_imported(qtbot, tmp_path, boxes, content, expected):
    path = tmp_path / "points.csv"
    if content is not None:
        path.write_bytes(content)
    d = dialog(qtbot, path)
    if d.ok_button.isEnabled():  # the preview could read it; reading it for real cannot
        assert not d.try_accept()
    assert expected in d.error_text()
    assert "points.csv" in d.error_text()
    assert d.result_dataset() is None and boxes == []


def test_a_new_choice_clears_the_error(qtbot, tmp_path):
    d = dialog(qtbot, write(tmp_path, "a,b,c,d\n1,2,x,p\n3,4,y,q\n"))
    d.label.setCurrentIndex(1)
    assert not d.try_accept() and d.error_text()
    d.label.setCurrentIndex(2)
    assert d.error_text() == ""
    assert d.try_accept()
    assert d.result_dataset().class_names == ["x", "y"]


# ---- the functions the window calls ---------------------------------------------------------


def test_import_csv_returns_the_dataset_and_the_standardise_choice(qtbot, tmp_path, monkeypatch):
    path = write(tmp_path, FLOWERS)

    def accept(self):
        self.standardise_box.setChecked(True)
        return QDialog.DialogCode.Accepted if self.try_accept() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(CsvImportDialog, "exec", accept)
    ds, standardise = import_csv(None, path, test_ratio=0.2, seed=0)
    assert ds.n_points == 5 and ds.n_classes == 3 and standardise
    monkeypatch.setattr(CsvImportDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert import_csv(None, path) is None


def test_export_writes_the_points_with_their_split(qtbot, tmp_path, monkeypatch):
    ds = Dataset(
        X=[[0.1, -2.5], [1 / 3, 4.0], [2.0, 0.0]],
        y=[2, 0, 1],
        class_names=["b", "a", "c"],
        feature_names=["u", "v"],
        train_mask=np.array([True, False, True]),
    )
    target = tmp_path / "drawn"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    written = export_csv(None, ds)
    assert written == tmp_path / "drawn.csv"
    back = csvio.read_csv(written, class_names=ds.class_names)
    assert np.array_equal(back.X, ds.X) and np.array_equal(back.y, ds.y)
    assert back.train_mask.tolist() == [True, False, True]
    assert back.feature_names == ["u", "v"]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    assert export_csv(None, ds) is None


def test_an_export_that_cannot_write_says_so(qtbot, tmp_path, monkeypatch, boxes):
    target = tmp_path / "missing-folder" / "points.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    ds = Dataset(X=[[0.0, 0.0]], y=[0])
    assert export_csv(None, ds) is None
    assert boxes and boxes[0][0] == "critical"


# ---- the datasets shipped --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["iris", "penguins", "wine", "breast_cancer"])
def test_every_shipped_dataset_imports_with_the_defaults(qtbot, name):
    path = DATASETS / f"{name}.csv"
    assert f"## {name}.csv" in (DATASETS / "README.md").read_text(encoding="utf-8")
    d = dialog(qtbot, path)
    assert d.header.isChecked()
    assert d.try_accept(), d.error_text()
    ds = d.result_dataset()
    assert ds.n_features == 2 and 2 <= ds.n_classes <= csv_dialog.palette.MAX_CLASSES
    expected = {"iris": 150, "penguins": 342, "wine": 178, "breast_cancer": 569}[name]
    assert ds.n_points == expected


# ---- a big file: preview at once, read in the background with progress and Stop ---------------

BIG_ROWS = 200_000


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.csv"
    lines = (f"{i * 0.001!r},{i % 997 - 498.5!r},{'abc'[i % 3]}\n" for i in range(BIG_ROWS))
    path.write_text("u,v,kind\n" + "".join(lines), encoding="utf-8")
    return path


def test_a_big_file_opens_with_a_preview_of_its_first_rows(qtbot, big_csv, monkeypatch):
    read: list[int | None] = []
    real = csvio.read_rows
    monkeypatch.setattr(
        csvio, "read_rows", lambda *a, **k: read.append(k.get("limit")) or real(*a, **k)
    )
    d = dialog(qtbot, big_csv)
    assert read == [csv_dialog.PREVIEW_SCAN + 1]  # not the 200,000 rows
    assert d.header.isChecked() and d.table.rowCount() == PREVIEW_ROWS
    assert d.summary.text().startswith("More than 999 data rows")
    assert d.label.currentText() == "kind (column 3)"


def test_import_reads_in_the_background_with_progress_and_can_be_stopped(qtbot, big_csv, boxes):
    d = dialog(qtbot, big_csv)
    seen: list[float] = []
    d.readProgress.connect(seen.append)  # emitted on the UI thread
    ticks: list[int] = []
    timer = QTimer(d)  # owned by the dialog: it goes with it, whatever the test's outcome
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)

    qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.is_reading() and not d.ok_button.isEnabled() and not d.label.isEnabled()
    assert d.cancel_button.text() == "Stop" and d.progress.isVisible()
    # Stop at once, as a click on Stop would: the reader stops at its next progress check
    # (asking only when the first report arrives could come after a fast machine has read
    # the whole file).
    qtbot.mouseClick(d.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not d.is_reading(), timeout=20_000)
    assert d.isVisible() and d.result() != QDialog.DialogCode.Accepted
    assert d.result_dataset() is None and d.error_text() == ""
    assert "stopped" in d.notice.text() and d.notice.isVisibleTo(d)
    assert d.ok_button.isEnabled() and d.cancel_button.text() == "Cancel"

    # Again, to the end: the UI thread keeps running its timers while the worker reads.
    seen.clear()
    ticks.clear()
    with qtbot.waitSignal(d.accepted, timeout=60_000):
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    timer.stop()
    ds = d.result_dataset()
    assert ds.n_points == BIG_ROWS and ds.class_names == ["a", "b", "c"]
    assert ds.feature_names == ["u", "v"] and (~ds.train_mask).sum() == round(0.2 * BIG_ROWS)
    assert len(seen) >= 10 and seen == sorted(seen) and seen[-1] > 0.9
    assert ticks, ticks  # a blocked UI thread would not have ticked at all (the GIL is shared)
    assert boxes == []


def test_esc_stops_a_read_first_and_closes_the_dialog_second(qtbot, big_csv):
    d = dialog(qtbot, big_csv)
    assert d.start_import() and not d.start_import()  # one read at a time
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert d.isVisible()
    qtbot.waitUntil(lambda: not d.is_reading(), timeout=20_000)
    assert d.result_dataset() is None
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible() and d.result() == QDialog.DialogCode.Rejected


def test_closing_the_dialog_during_a_read_leaves_no_worker_behind(qtbot, big_csv):
    d = dialog(qtbot, big_csv)
    assert d.start_import()
    d.done(QDialog.DialogCode.Rejected)  # as the window's closing would
    assert not d._reader.running() and not d.isVisible()
    assert d.result_dataset() is None


def test_a_failure_in_the_background_is_shown_not_lost(qtbot, tmp_path, monkeypatch):
    d = dialog(qtbot, write(tmp_path, FLOWERS))

    def broken(request, progress=None):
        raise KeyError("a bug")

    monkeypatch.setattr(csv_dialog, "read_dataset", broken)
    assert d.start_import()
    qtbot.waitUntil(lambda: not d.is_reading(), timeout=5000)
    assert "cannot import (KeyError" in d.error_text() and d.ok_button.isEnabled()


def test_closing_the_window_during_a_read_stops_the_reader_first(qtbot, big_csv):
    d = dialog(qtbot, big_csv)
    assert d.start_import()
    d.close()  # the window's close button, or a test's teardown
    assert not d.is_reading() and not d.isVisible()
    assert d.result() == QDialog.DialogCode.Rejected and d.result_dataset() is None
