"""The applicant's receipt: a short registration number and a QR code of the record id.

Drawn once by `paint()` for the screen preview, the printer and the PDF alike. It holds the
applicant's name and a masked NIK; printing or saving it is audited by the store (`receipt`).
A PDF is written to a `.partial` file beside the target and renamed when complete.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from PySide6.QtCore import QBuffer, QCoreApplication, QIODevice, QMarginsF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPixmap

from fieldapp.errors import UsageError, describe_os_error
from fieldapp.files import written_whole
from fieldapp.records import short_number
from fieldapp.timestamps import parse


@dataclass(frozen=True)
class Receipt:
    record_id: str
    full_name: str
    nik_masked: str
    created_at: str  # stored UTC time
    office_name: str
    operator: str

    @property
    def number(self) -> str:
        return short_number(self.record_id)


def qr_image(record_id: str) -> QImage:
    buffer = io.BytesIO()
    segno.make(record_id, error="m").save(buffer, kind="png", scale=10, border=2)
    return QImage.fromData(buffer.getvalue(), "PNG")


def paint(painter: QPainter, page: QRect, receipt: Receipt) -> None:
    """Lay the receipt out inside `page` (any size: a preview, an A5/A4 page, a PDF)."""
    unit = page.width() / 100  # everything scales with the page width
    painter.save()
    painter.fillRect(page, QColor("white"))
    painter.setPen(QColor("#111827"))
    x, y, width = page.left() + 6 * unit, page.top() + 6 * unit, page.width() - 12 * unit
    y = _text(painter, QRectF(x, y, width, 10 * unit), _title(), 3.6 * unit, bold=True, wrap=True)
    y = _text(painter, QRectF(x, y, width, 6 * unit), _subtitle(), 2.6 * unit)
    y += 3 * unit
    y = _text(
        painter, QRectF(x, y, width, 5 * unit), QCoreApplication.translate("receipt", "Nomor pendaftaran"), 2.6 * unit
    )
    y = _text(painter, QRectF(x, y, width, 10 * unit), receipt.number, 7.5 * unit, bold=True, mono=True)
    y += 2 * unit
    moment = parse(receipt.created_at).astimezone().strftime("%d-%m-%Y %H:%M")
    rows = (
        (QCoreApplication.translate("receipt", "Nama"), receipt.full_name),
        (QCoreApplication.translate("receipt", "NIK"), receipt.nik_masked),
        (QCoreApplication.translate("receipt", "Tanggal daftar"), moment),
        (QCoreApplication.translate("receipt", "Tempat pendaftaran"), receipt.office_name),
        (QCoreApplication.translate("receipt", "Petugas"), receipt.operator),
    )
    for label, value in rows:
        lines = 2 if len(value) > 34 else 1  # a long place name wraps onto a second line
        _text(painter, QRectF(x, y, 28 * unit, 5 * unit), label, 2.6 * unit)
        box = QRectF(x + 28 * unit, y, width - 28 * unit, 4.2 * unit * lines + 0.8 * unit)
        y = _text(painter, box, value, 2.8 * unit, bold=True, wrap=True)
    y += 3 * unit
    side = 34 * unit
    painter.drawImage(QRectF(x, y, side, side), qr_image(receipt.record_id))
    note = QCoreApplication.translate(
        "receipt",
        "Simpan tanda terima ini. Kode QR memuat nomor data lengkap untuk menanyakan status pendaftaran "
        "di kantor desa. Data Anda tersimpan terenkripsi dan dikirim ke server pusat Kartu Prakerja.",
    )
    _text(painter, QRectF(x + side + 4 * unit, y, width - side - 4 * unit, side), note, 2.4 * unit, wrap=True)
    painter.restore()


def _title() -> str:
    return QCoreApplication.translate("receipt", "Tanda Terima Pendaftaran Kartu Prakerja")


def _subtitle() -> str:
    return QCoreApplication.translate("receipt", "Pendaftaran dengan pendampingan (SE Mendagri 560/2821/SJ)")


def _text(
    painter: QPainter,
    box: QRectF,
    text: str,
    size: float,
    *,
    bold: bool = False,
    mono: bool = False,
    wrap: bool = False,
) -> float:
    """Draw text in `box`; returns the y under it."""
    font = QFont("DejaVu Sans Mono" if mono else "DejaVu Sans")
    font.setPixelSize(max(int(size), 6))
    font.setBold(bold)
    painter.setFont(font)
    flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
    if wrap:
        flags |= Qt.TextFlag.TextWordWrap
    painter.drawText(box, int(flags), text)
    return box.bottom()


def preview(receipt: Receipt, width: int = 360) -> QPixmap:
    """The receipt as a picture for the screen (the top of an A5 page)."""
    size = QSize(width, int(width * 1.2))
    image = QImage(size, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    paint(painter, QRect(0, 0, size.width(), size.height()), receipt)
    painter.end()
    return QPixmap.fromImage(image)


def pdf_bytes(receipt: Receipt) -> bytes:
    """The receipt as a one-page A5 PDF, made in memory."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A5), QPageLayout.Orientation.Portrait, QMarginsF()))
    writer.setResolution(300)
    writer.setTitle(_title())
    painter = QPainter(writer)
    paint(painter, writer.pageLayout().paintRectPixels(writer.resolution()), receipt)
    painter.end()
    buffer.close()
    return bytes(buffer.data().data())


def save_pdf(receipt: Receipt, path: Path) -> None:
    """Write the receipt as a PDF, whole or not at all (a `.partial` file, fsync, rename).

    Made in memory first, so a full disk or a missing folder is an OSError on our own write,
    never a truncated PDF that looks saved.
    """
    target = Path(path)
    data = pdf_bytes(receipt)
    try:
        with written_whole(target) as handle:
            handle.write(data)
    except OSError as exc:
        english, indonesian = describe_os_error(exc)
        raise UsageError(
            f"cannot write {target.name}: {english}; choose another folder",
            f"tidak dapat menulis {target.name}: {indonesian}; pilih folder lain",
        ) from None


def print_receipt(receipt: Receipt, printer: object) -> bool:
    """Print on a QPrinter the user chose; False if the printer could not start."""
    painter = QPainter()
    if not painter.begin(printer):  # type: ignore[arg-type]
        return False
    try:
        paint(painter, printer.pageLayout().paintRectPixels(printer.resolution()), receipt)  # type: ignore[attr-defined]
    finally:
        painter.end()
    return True
