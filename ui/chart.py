"""A bar chart drawn with QPainter: QtCharts is not part of PySide6-Essentials, and one small
widget is cheaper than a dependency.

It shows whole numbers (registrations per day): a y axis with round steps, one label under
each bar (every n-th when they would collide) and the value above each bar. The data is also
given to screen readers as the accessible description, since a picture of bars says nothing
to them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR_COLOR = QColor("#2563eb")
GRID_COLOR = QColor("#d1d5db")
PADDING = 8  # px around the plot area
MIN_VALUE_POINT_SIZE = 7.0


def nice_step(top: int, ticks: int = 5) -> int:
    """A step of 1, 2 or 5 times a power of ten giving at most `ticks` steps up to `top`."""
    if top <= ticks:
        return 1
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


class BarChart(QWidget):
    """Vertical bars with labels; `set_bars([(label, value), ...])` replaces what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars: list[tuple[str, int]] = []
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable, so a screen reader reads its description
        self.setAccessibleName(self.tr("Grafik pendaftaran per hari"))

    def sizeHint(self) -> QSize:
        return QSize(640, 260)

    def set_bars(self, bars: Sequence[tuple[str, int]]) -> None:
        self.bars = list(bars)
        summary = "; ".join(f"{label}: {value}" for label, value in self.bars)
        self.setAccessibleDescription(summary or self.tr("Belum ada data"))
        self.update()

    # -- drawing -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self.palette().windowText().color())
        if not self.bars:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Belum ada data"))
            return
        metrics = QFontMetrics(self.font())
        top = max(value for _label, value in self.bars)
        step = nice_step(top)
        axis_top = max(step, math.ceil(top / step) * step)
        left = PADDING + metrics.horizontalAdvance(str(axis_top)) + 6
        plot = QRectF(
            left,
            PADDING + metrics.height(),  # room for the value above the tallest bar
            self.width() - left - PADDING,
            self.height() - 2 * PADDING - 2 * metrics.height() - 4,
        )
        self._draw_axis(painter, metrics, plot, axis_top, step)
        self._draw_bars(painter, plot, axis_top)
        self._draw_labels(painter, metrics, plot)

    def _y(self, plot: QRectF, value: float, axis_top: int) -> float:
        return plot.bottom() - plot.height() * value / axis_top

    def _draw_axis(self, painter: QPainter, metrics: QFontMetrics, plot: QRectF, axis_top: int, step: int) -> None:
        text_pen = painter.pen()
        for value in range(0, axis_top + 1, step):
            y = self._y(plot, value, axis_top)
            painter.setPen(QPen(GRID_COLOR, 1))
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(text_pen)
            box = QRectF(PADDING, y - metrics.height() / 2, plot.left() - PADDING - 6, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value))
        painter.drawLine(int(plot.left()), int(plot.top()), int(plot.left()), int(plot.bottom()))

    def _slot(self, plot: QRectF) -> float:
        return plot.width() / len(self.bars)

    def _draw_bars(self, painter: QPainter, plot: QRectF, axis_top: int) -> None:
        slot = self._slot(plot)
        width = max(2.0, min(slot * 0.7, 60.0))
        text_pen = painter.pen()
        font = self._value_font(slot)
        value_metrics = QFontMetrics(font)
        for index, (_label, value) in enumerate(self.bars):
            x = plot.left() + index * slot + (slot - width) / 2
            y = self._y(plot, value, axis_top)
            painter.fillRect(QRectF(x, y, width, plot.bottom() - y), BAR_COLOR)
            painter.setPen(text_pen)
            painter.setFont(font)
            box = QRectF(plot.left() + index * slot, y - value_metrics.height() - 2, slot, value_metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, str(value))
        painter.setFont(self.font())

    def _value_font(self, slot: float) -> QFont:
        """The widget's font, made smaller until the widest value fits its slot."""
        font = QFont(self.font())
        widest = str(max(value for _label, value in self.bars))
        while QFontMetrics(font).horizontalAdvance(widest) > slot - 2 and font.pointSizeF() > MIN_VALUE_POINT_SIZE:
            font.setPointSizeF(font.pointSizeF() - 0.5)
        return font

    def _draw_labels(self, painter: QPainter, metrics: QFontMetrics, plot: QRectF) -> None:
        slot = self._slot(plot)
        widest = max(metrics.horizontalAdvance(label) for label, _value in self.bars) + 8
        every = max(1, math.ceil(widest / slot))
        last = len(self.bars) - 1
        for index, (label, _value) in enumerate(self.bars):
            if (last - index) % every:  # keep the newest day labelled
                continue
            center = plot.left() + (index + 0.5) * slot
            box = QRectF(center - widest / 2, plot.bottom() + 4, widest, metrics.height())
            painter.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, label)
