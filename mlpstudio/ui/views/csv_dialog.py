"""CSV in and out: the import dialog (preview, columns, standardise, test ratio) and export.

The dialog shows the first rows of a file as a table, lets a person choose the two feature
columns and the label column, and reads the file with ``core.csvio.read_csv``. A problem is
shown inside the dialog, in red, with the file, line and column that ``read_csv`` names, so the
person can choose other columns and try again; nothing pops up over it.

A million rows take seconds to read, so the preview reads only the first rows, and *Import*
reads the whole file in a background thread (:class:`BackgroundRead`) while a progress bar in
the dialog fills; *Cancel* (or Esc) stops the read and leaves the dialog open, a second one
closes it. The window stays responsive throughout: the thread touches no widget, and reports
through a queued signal to the dialog on the UI thread.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import csvio, datasets
from ...core.datasets import DataError, Dataset
from .. import palette

PREVIEW_ROWS = 20  # rows shown in the table
PREVIEW_SCAN = 1000  # rows read to preview the file and guess its columns; Import reads all
ERROR_COLOR = palette.NEGATIVE_HEX
PROGRESS_STEPS = 1000  # the progress bar's range: a tenth of a percent


# --------------------------------------------------------------------------------------------
# Reading, in any thread
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadRequest:
    """What the dialog's choices ask for, taken from its widgets on the UI thread.

    ``test_ratio`` None keeps the file's own ``split`` column.
    """

    path: Path
    columns: tuple[int, int, int]  # feature x1, feature x2, label (0-based)
    header: bool
    label_name: str  # how messages name the label column
    test_ratio: float | None
    seed: int


def read_dataset(request: ReadRequest, progress: csvio.Progress | None = None) -> Dataset:
    """The dataset ``request`` describes, split; raises DataError (:class:`csvio.CancelledError`
    when ``progress`` returns False). Touches no widget, so any thread may call it."""
    x, y, lab = request.columns
    ds = csvio.read_csv(
        request.path, features=[x, y], label=lab, header=request.header, progress=progress
    )
    if ds.n_classes > palette.MAX_CLASSES:
        raise DataError(
            f"{request.path.name}, {request.label_name}: {ds.n_classes} classes; "
            f"MLP Studio draws at most {palette.MAX_CLASSES}"
        )
    if request.test_ratio is not None:
        ds = datasets.split(ds, request.test_ratio, request.seed)
    return ds


class BackgroundRead(QObject):
    """One :func:`read_dataset` at a time in a worker thread, with progress and cancel.

    ``progressed(fraction)`` and ``finished(result)`` (a Dataset, or the exception that ended
    the read) are emitted from the worker thread; connected to bound methods of objects on the
    UI thread, they arrive there queued. :meth:`cancel` asks the read to stop at its next
    progress report (every ``csvio.PROGRESS_ROWS`` rows, a few milliseconds apart).
    """

    progressed = Signal(float)
    finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._shown = -1.0

    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, request: ReadRequest) -> None:
        if self.running():
            raise RuntimeError("a read is already running")
        self._cancel.clear()
        self._shown = -1.0
        self._thread = threading.Thread(
            target=self._run, args=(request,), name="csv-read", daemon=True
        )
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the worker to end (after :meth:`cancel`: one block of rows); True if so."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running()

    def _progress(self, fraction: float) -> bool:
        if self._cancel.is_set():
            return False
        if fraction - self._shown >= 1 / PROGRESS_STEPS:  # no flood of identical updates
            self._shown = fraction
            self._emit(self.progressed, fraction)
        return True

    def _run(self, request: ReadRequest) -> None:
        try:
            result: object = read_dataset(request, self._progress)
        except MemoryError:
            result = DataError(f"{request.path.name}: not enough memory to read the file")
        except Exception as exc:  # handed to the UI thread, which shows it: never lost here
            result = exc
        self._emit(self.finished, result)

    @staticmethod
    def _emit(signal: SignalInstance, value: object) -> None:
        # RuntimeError: the dialog is gone (when it closes normally, it waits for us first).
        with contextlib.suppress(RuntimeError):
            signal.emit(value)


class CsvImportDialog(QDialog):
    """Choose how to read the CSV file at ``path``; :meth:`result_dataset` after acceptance.

    ``test_ratio`` and ``seed`` split the points into training and test points (unless the
    file has a ``split`` column and the person keeps it); ``standardise`` is the checkbox's
    first state. Run it with ``exec()`` (see :func:`import_csv`) or, in tests, ``show()``.

    *Import* reads in the background (:meth:`start_import`); :meth:`try_accept` reads at once,
    for callers that want the answer now. ``readProgress(fraction)`` follows a background read
    on the UI thread.
    """

    readProgress = Signal(float)

    def __init__(
        self,
        path: str | Path,
        parent: QWidget | None = None,
        test_ratio: float = 0.2,
        seed: int = 0,
        standardise: bool = False,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.seed = seed
        self._dataset: Dataset | None = None
        self._rows: list[tuple[int, list[str]]] = []
        self._more = False  # the file has rows past those the preview read
        self._reading = False
        self._n_columns = 0
        self._reader = BackgroundRead(self)
        self._reader.progressed.connect(self._on_progress)
        self._reader.finished.connect(self._on_read_done)
        self.setWindowTitle(f"Import {self.path.name}")
        self.setMinimumWidth(560)

        self.file_label = QLabel(str(self.path))
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header = QCheckBox("First row is a header")
        self.header.setToolTip("Column names in the first row (detected, change it if wrong)")
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setMinimumHeight(220)
        self.table.verticalHeader().setToolTip("Line numbers in the file")
        self.summary = QLabel()

        self.feature_x = QComboBox()
        self.feature_x.setToolTip("The column drawn across (x1)")
        self.feature_y = QComboBox()
        self.feature_y.setToolTip("The column drawn up (x2)")
        self.label = QComboBox()
        self.label.setToolTip("The column holding each point's class (numbers or names)")
        self.standardise_box = QCheckBox("Standardise features (mean 0, variance 1)")
        self.standardise_box.setChecked(standardise)
        self.test_ratio = QSpinBox()
        self.test_ratio.setRange(0, round(datasets.MAX_TEST_RATIO * 100))
        self.test_ratio.setSuffix(" %")
        self.test_ratio.setValue(round(test_ratio * 100))
        self.test_ratio.setToolTip("Share of the points held out at random as test points")
        self.keep_split = QCheckBox("Use the file's train/test column")
        self.keep_split.setToolTip("The file has a 'split' column of train/test values")
        self.keep_split.setChecked(True)
        self.keep_split.setVisible(False)

        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setVisible(False)
        self.notice = QLabel()  # what happened to a read that was stopped: not an error
        self.notice.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setFormat(f"Reading {self.path.name}… %p%")
        self.progress.setVisible(False)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Feature x1", self.feature_x)
        form.addRow("Feature x2", self.feature_y)
        form.addRow("Label", self.label)
        split_row = QHBoxLayout()
        split_row.addWidget(self.test_ratio)
        split_row.addWidget(self.keep_split)
        split_row.addStretch(1)
        form.addRow("Test points", split_row)
        form.addRow(self.standardise_box)

        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.notice)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        for combo in (self.feature_x, self.feature_y, self.label):
            combo.currentIndexChanged.connect(self._choice_changed)
        self.keep_split.toggled.connect(self._update_split)
        self._load()
        self.header.toggled.connect(self._header_toggled)

    # ---- reading the preview ---------------------------------------------------------------

    def _load(self) -> None:
        try:
            # The same reader as read_csv, so lines and errors agree with the import; only the
            # first rows, so a huge file opens at once (Import reads the rest).
            rows = csvio.read_rows(
                self.path, self.path.name or str(self.path), limit=PREVIEW_SCAN + 1
            )
            self._rows, self._more = rows[:PREVIEW_SCAN], len(rows) > PREVIEW_SCAN
        except DataError as e:
            self._rows = []
            self._fail(str(e))
            return
        if not self._rows:
            self._fail(f"{self.path.name}: the file is empty; there are no data rows")
            return
        self._n_columns = max(len(cells) for _, cells in self._rows)
        self.header.blockSignals(True)
        self.header.setChecked(csvio.looks_like_header(self._rows))
        self.header.blockSignals(False)
        self._fill(defaults=True)

    def _fail(self, message: str) -> None:
        self.show_error(message)
        self.ok_button.setEnabled(False)
        for w in (self.header, self.feature_x, self.feature_y, self.label):
            w.setEnabled(False)

    def _names(self) -> list[str]:
        """What each column is called in the combos: its header name, else its number."""
        first = self._rows[0][1] if self.header.isChecked() and self._rows else []
        names = []
        for j in range(self._n_columns):
            name = first[j] if j < len(first) and first[j] else ""
            names.append(f"{name} (column {j + 1})" if name else f"column {j + 1}")
        return names

    def _data_rows(self) -> list[tuple[int, list[str]]]:
        return self._rows[1:] if self.header.isChecked() else self._rows

    def _default_columns(self) -> tuple[int, int, int]:
        """The first two numeric columns as features, the last other column as the label."""
        first = self._rows[0][1] if self.header.isChecked() else []
        n = self._n_columns

        def is_split(j: int) -> bool:
            return j < len(first) and first[j].lower() == csvio.SPLIT_COLUMN

        label = next((j for j in reversed(range(n)) if not is_split(j)), n - 1)
        preview = self._data_rows()[:PREVIEW_ROWS]
        numeric = [
            j
            for j in range(n)
            if j != label
            and not is_split(j)
            and preview
            and all(j < len(c) and c[j] and csvio.is_number(c[j]) for _, c in preview)
        ]
        others = [j for j in range(n) if j != label and j not in numeric]
        x, y = ([*numeric, *others, 0, 1])[:2]
        return x, y, label

    def _fill(self, defaults: bool) -> None:
        keep = (
            self.feature_x.currentIndex(),
            self.feature_y.currentIndex(),
            self.label.currentIndex(),
        )
        names = self._names()
        for combo in (self.feature_x, self.feature_y, self.label):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.blockSignals(False)
        x, y, lab = self._default_columns() if defaults else keep
        self.feature_x.setCurrentIndex(x)
        self.feature_y.setCurrentIndex(y)
        self.label.setCurrentIndex(lab)
        self._fill_table()
        self._update_split()

    def _fill_table(self) -> None:
        rows = self._data_rows()
        shown = rows[:PREVIEW_ROWS]
        first = self._rows[0][1] if self.header.isChecked() else []
        roles = {
            self.feature_x.currentIndex(): "x1",
            self.feature_y.currentIndex(): "x2",
            self.label.currentIndex(): "label",
        }
        headers = []
        for j in range(self._n_columns):
            name = first[j] if j < len(first) and first[j] else str(j + 1)
            headers.append(f"{name}\n→ {roles[j]}" if j in roles else name)
        self.table.clear()
        self.table.setColumnCount(self._n_columns)
        self.table.setRowCount(len(shown))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setVerticalHeaderLabels([str(line) for line, _ in shown])
        for i, (_, cells) in enumerate(shown):
            for j, cell in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()
        more = f", the first {len(shown)} shown" if len(rows) > len(shown) else ""
        if self._more:
            size = self.path.stat().st_size / 1e6
            self.summary.setText(
                f"More than {len(rows):,} data rows ({size:,.1f} MB, read whole on Import), "
                f"{self._n_columns} columns{more}."
            )
        else:
            self.summary.setText(f"{len(rows)} data rows, {self._n_columns} columns{more}.")

    def _has_split_column(self) -> bool:
        if not self.header.isChecked() or not self._rows:
            return False
        chosen = {
            self.feature_x.currentIndex(),
            self.feature_y.currentIndex(),
            self.label.currentIndex(),
        }
        names = enumerate(self._rows[0][1])
        return any(name.lower() == csvio.SPLIT_COLUMN and j not in chosen for j, name in names)

    # ---- reactions -------------------------------------------------------------------------

    def _header_toggled(self) -> None:
        self.clear_error()
        self._fill(defaults=False)

    def _choice_changed(self) -> None:
        self.clear_error()
        self.notice.setVisible(False)
        self._fill_table()
        self._update_split()

    def _update_split(self) -> None:
        has = self._has_split_column()
        self.keep_split.setVisible(has)
        self.test_ratio.setEnabled(not (has and self.keep_split.isChecked()))

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)

    def clear_error(self) -> None:
        self.error.clear()
        self.error.setVisible(False)

    def error_text(self) -> str:
        return self.error.text() if self.error.isVisibleTo(self) else ""

    # ---- the result ------------------------------------------------------------------------

    def columns(self) -> tuple[int, int, int]:
        """The 0-based indices of the chosen feature x1, feature x2 and label columns."""
        return (
            self.feature_x.currentIndex(),
            self.feature_y.currentIndex(),
            self.label.currentIndex(),
        )

    def request(self) -> ReadRequest:
        """The read the widgets describe (taken on the UI thread, used in any)."""
        keep = self._has_split_column() and self.keep_split.isChecked()
        return ReadRequest(
            path=self.path,
            columns=self.columns(),
            header=self.header.isChecked(),
            label_name=self.label.currentText(),
            test_ratio=None if keep else self.test_ratio.value() / 100.0,
            seed=self.seed,
        )

    def read(self) -> Dataset:
        """Read the file with the chosen columns and split it, now; raises DataError."""
        return read_dataset(self.request())

    def try_accept(self) -> bool:
        """Read the file now; on success accept the dialog, else show why inside it."""
        if not self._rows or self.is_reading():
            return False
        try:
            ds = self.read()
        except DataError as e:
            self.show_error(str(e))
            return False
        self._dataset = ds
        self.clear_error()
        self.accept()
        return True

    # ---- reading in the background ---------------------------------------------------------

    def is_reading(self) -> bool:
        """From Import until the read's result has been shown (or the dialog accepted)."""
        return self._reading

    def start_import(self) -> bool:
        """*Import*: read the whole file in the background; accept when it is read.

        Returns False when there is nothing to read or a read is already running.
        """
        if not self._rows or self.is_reading():
            return False
        self.clear_error()
        self.notice.setVisible(False)
        request = self.request()
        self._set_reading(True)
        self._reader.start(request)
        return True

    def cancel_read(self) -> None:
        """Stop a background read; the dialog stays open with the choices as they were."""
        if self.is_reading():
            self._reader.cancel()

    def _set_reading(self, reading: bool) -> None:
        self._reading = reading
        self.progress.setValue(0)
        self.progress.setVisible(reading)
        for w in (
            self.ok_button, self.header, self.feature_x, self.feature_y, self.label,
            self.keep_split, self.test_ratio, self.standardise_box,
        ):  # fmt: skip
            w.setEnabled(not reading)
        if not reading:
            self._update_split()  # the test ratio is enabled only without a kept split
        self.cancel_button.setText("Stop" if reading else "Cancel")

    def _on_progress(self, fraction: float) -> None:
        if self._reading:
            self.progress.setValue(round(fraction * PROGRESS_STEPS))
            self.readProgress.emit(fraction)

    def _on_read_done(self, result: object) -> None:
        self._reader.wait()  # its last act was to emit this: it ends at once
        self._set_reading(False)
        if isinstance(result, Dataset):
            self._dataset = result
            self.accept()
        elif isinstance(result, csvio.CancelledError):
            self.notice.setText("Import stopped. Choose Import to read the file again.")
            self.notice.setVisible(True)
        elif isinstance(result, DataError):
            self.show_error(str(result))
        else:  # a bug, not the file's fault: say so rather than leave the dialog waiting
            self.show_error(f"{self.path.name}: cannot import ({type(result).__name__}: {result})")

    def reject(self) -> None:
        """Cancel or Esc: stop a read if one runs (the dialog stays), else close."""
        if self.is_reading():
            self.cancel_read()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        # Closing the window (not Esc, which stops a read first): no worker may outlive the
        # dialog and report to a deleted object, so stop it and wait (one block of rows).
        if self._reader.running() or self._reading:
            self._reader.cancel()
            self._reader.wait()
            self._set_reading(False)  # its queued "finished" may never be delivered now
        super().closeEvent(event)

    def done(self, result: int) -> None:
        # However the dialog closes, no worker outlives it (it stops within one block of rows).
        if self._reader.running():
            self._reader.cancel()
            self._reader.wait()
        super().done(result)

    def result_dataset(self) -> Dataset | None:
        """The dataset read on acceptance (not standardised: see :meth:`standardise`)."""
        return self._dataset

    def standardise(self) -> bool:
        return self.standardise_box.isChecked()


def import_csv(
    parent: QWidget | None,
    path: str | Path,
    test_ratio: float = 0.2,
    seed: int = 0,
    standardise: bool = False,
) -> tuple[Dataset, bool] | None:
    """Ask how to read ``path``: ``(dataset, standardise)``, or None if cancelled."""
    dialog = CsvImportDialog(path, parent, test_ratio, seed, standardise)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_dataset() is None:
            return None
        return dialog.result_dataset(), dialog.standardise()
    finally:
        dialog.deleteLater()


def export_csv(parent: QWidget | None, dataset: Dataset, directory: str = "") -> Path | None:
    """Ask where, then write ``dataset``'s points as CSV with a train/test column.

    Returns the path written, or None if cancelled or the file could not be written (which is
    said in a message box).
    """
    path, _ = QFileDialog.getSaveFileName(
        parent, "Export points as CSV", directory, "CSV files (*.csv)"
    )
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() != ".csv":
        target = target.with_name(target.name + ".csv")
    try:
        csvio.write_csv(target, dataset, include_split=True)
    except OSError as e:
        QMessageBox.critical(parent, "Cannot export", f"{target}:\n{e.strerror or e}")
        return None
    return target
