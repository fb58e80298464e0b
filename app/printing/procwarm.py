"""Imported once by the render processes' fork server (procpool.py): warm WeasyPrint there.

A tiny document using every bundled face is laid out and written, so the fonts are registered
in this thread's FontConfiguration, the font stylesheet is parsed (sheets.py) and the C bindings
are loaded; each render process forked from here starts with all of it.
"""
from app import ROOT

from .parts import layout

STATIC = str(ROOT / "static")
WARM_HTML = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
    '<link rel="stylesheet" href="css/print-fonts.css">'
    "<style>html { font-family: Tinos } .d { font-family: 'Dancing Script'; font-weight: 700 }</style></head>"
    "<body><p>Trịnh Đức Hưng <b>Ẩn</b> <i>ước</i> <b><i>Ưng</i></b> <span class=d>Nguyễn Thị Ánh</span></p>"
    '<table><thead><tr><th>STT</th></tr></thead><tbody><tr data-n="1"><td>1</td></tr></tbody></table>'
    "</body></html>"
)


def _warm() -> None:
    try:
        layout(WARM_HTML, STATIC).write_pdf()
    except Exception:  # noqa: BLE001 - a render process then warms on its first chunk
        pass


_warm()
