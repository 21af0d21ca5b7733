"""Render packaging/fieldapp.svg to the PNGs the .deb installs and the .ico Windows needs.

    python scripts/make_icons.py OUTDIR

Writes OUTDIR/fieldapp-48.png, fieldapp-256.png and fieldapp.ico (256 pixels). Rendered at
build time with the Qt the build already has, so the repository keeps only the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "packaging" / "fieldapp.svg"
PNG_SIZES = (48, 256)


def render(size: int) -> object:
    """The icon as a QImage of size x size, transparent around the rounded square."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SOURCE)).render(painter)
    painter.end()
    return image


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication([])
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for size in PNG_SIZES:
        if not render(size).save(str(out / f"fieldapp-{size}.png")):  # type: ignore[attr-defined]
            raise SystemExit(f"could not write fieldapp-{size}.png")
    if not render(256).save(str(out / "fieldapp.ico")):  # type: ignore[attr-defined]
        raise SystemExit("could not write fieldapp.ico (Qt's ico image format plugin missing?)")
    print(f"icons in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
