"""CSV in and out: the import dialog (preview, columns, standardise, test ratio) and export.

The dialog shows the first rows of a file as a table, lets a person choose the two feature
columns and the label column, and reads the file with ``core.csvio.read_csv``. A problem is
shown inside the dialog, in red, with the file, line and column that ``read_csv`` names, so the
person can choose other columns and try again; nothing pops up over it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
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
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import csvio, datasets
from ...core.datasets import DataError, Dataset
from .. import palette

PREVIEW_ROWS = 20
ERROR_COLOR = palette.NEGATIVE_HEX


class CsvImportDialog(QDialog):
    """Choose how to read the CSV file at ``path``; :meth:`result_dataset` after acceptance.

    ``test_ratio`` and ``seed`` split the points into training and test points (unless the
    file has a ``split`` column and the person keeps it); ``standardise`` is the checkbox's
    first state. Run it with ``exec()`` (see :func:`import_csv`) or, in tests, ``show()``.
    """

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
        self._n_columns = 0
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

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Import")
        self.buttons.accepted.connect(self.try_accept)
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
        layout.addWidget(self.buttons)

        for combo in (self.feature_x, self.feature_y, self.label):
            combo.currentIndexChanged.connect(self._choice_changed)
        self.keep_split.toggled.connect(self._update_split)
        self._load()
        self.header.toggled.connect(self._header_toggled)

    # ---- reading the preview ---------------------------------------------------------------

    def _load(self) -> None:
        try:
            # The same reader as read_csv, so lines and errors agree with the import.
            self._rows = csvio.read_rows(self.path, self.path.name or str(self.path))
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

    def read(self) -> Dataset:
        """Read the file with the chosen columns and split it; raises DataError."""
        x, y, lab = self.columns()
        ds = csvio.read_csv(self.path, features=[x, y], label=lab, header=self.header.isChecked())
        if ds.n_classes > palette.MAX_CLASSES:
            column = self.label.currentText()
            raise DataError(
                f"{self.path.name}, {column}: {ds.n_classes} classes; "
                f"MLP Studio draws at most {palette.MAX_CLASSES}"
            )
        if not (self._has_split_column() and self.keep_split.isChecked()):
            ds = datasets.split(ds, self.test_ratio.value() / 100.0, self.seed)
        return ds

    def try_accept(self) -> bool:
        """Read the file; on success accept the dialog, else show why inside it."""
        if not self._rows:
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
