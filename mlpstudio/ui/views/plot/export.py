"""Writing a plot item to PNG or SVG, the same way for the data plot and the cost plot."""

from __future__ import annotations

import os

from pyqtgraph import exporters
from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QGuiApplication, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

MIN_PNG_WIDTH = 1200  # px: an export from a small window is still print-worthy


def export_plot_item(item: QGraphicsItem, path: str, background: str) -> None:
    """Write a plot item as PNG or SVG, chosen by the extension of ``path``.

    PNG goes through pyqtgraph's ``ImageExporter``, at least ``MIN_PNG_WIDTH`` px wide. SVG goes
    through ``SVGExporter`` when it can: pyqtgraph 0.14 cannot parse the closing ``Z`` that
    recent Qt writes into SVG paths (pyqtgraph issue #3485), so on that error the scene is
    painted straight into a ``QSvgGenerator`` instead. Everything drawn inside ``item`` (the
    key beside the data included) is in the file.
    """
    ext = os.path.splitext(path)[1].lower()
    if ext == ".png":
        exporter = exporters.ImageExporter(item)
        if int(exporter.parameters()["width"]) < MIN_PNG_WIDTH:
            exporter.parameters()["width"] = MIN_PNG_WIDTH
        exporter.export(path)
    elif ext == ".svg":
        try:
            exporters.SVGExporter(item).export(path)
        except ValueError:
            _paint_svg(item, path, background)
    else:
        raise ValueError(f"can export .png or .svg, not {ext or 'a file without extension'}")


def _paint_svg(item: QGraphicsItem, path: str, background: str) -> None:
    source = item.sceneBoundingRect()
    target = QRectF(0, 0, source.width(), source.height())
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(QSize(round(source.width()), round(source.height())))
    generator.setViewBox(target)
    # Axes replay cached QPictures, which scale with the device resolution: match the screen's.
    generator.setResolution(round(QGuiApplication.primaryScreen().logicalDotsPerInchX()))
    generator.setTitle("MLP Studio")
    # Export mode makes scatter plots draw vector symbols instead of cached pixmaps.
    items = exporters.SVGExporter(item)
    painter = QPainter(generator)
    items.setExportMode(True, {"antialias": True, "background": QColor(background)})
    try:
        # The view, not the scene, paints pyqtgraph's background, so paint it here.
        painter.fillRect(target, QColor(background))
        item.scene().render(painter, target, source)
    finally:
        items.setExportMode(False)
        painter.end()
