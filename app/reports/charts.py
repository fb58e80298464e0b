"""Bar charts drawn by the server as SVG: no JavaScript, readable on a 360 px phone and on paper.

Horizontal bars, one row per item: the label on its own line (full width, so long branch names
fit), the bar below it with the value written at its end. The drawing is 340 units wide and
scales to its box; at phone width one unit is about 0.9 CSS pixel, so 15-unit labels stay
readable. Every row carries a <title> with the exact value, the chart a <title> and a <desc>;
a row with a link is wrapped in <a href> to the list it counts. Text is escaped, so a branch
called "<script>" stays text and the markup stays well-formed XML.
"""
from dataclasses import dataclass

from markupsafe import Markup, escape

from app.vn.money import format_number

WIDTH = 340
ROW = 44
HEAD = 28       # the visible title line
LABEL_MAX = 40  # characters on the label line; the full name stays in the row's <title>
CHAR_W = 7.9    # average advance of a 14-unit digit/letter, for laying out the value text
BAR = "#0b5394"


@dataclass
class Bar:
    label: str
    value: int
    text: str = ""        # the value as written; default "1.250.000 đ"
    href: str | None = None
    title: str = ""       # the tooltip; default "label: text"


def money(value: int) -> str:
    return f"{format_number(value)} đ"


def _short(label: str, limit: int = LABEL_MAX) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def bar_chart(chart_id: str, title: str, bars: list[Bar], desc: str = "", caption: str = "") -> Markup:
    """An SVG bar chart (Markup, safe to put in a template as is). `title` is announced in full;
    `caption` (default: the title) is the line written on top, short enough for a phone."""
    texts = [b.text or money(b.value) for b in bars]
    reserve = max([len(t) for t in texts] + [4]) * CHAR_W + 8
    span = WIDTH - reserve
    top = max([b.value for b in bars] + [0])
    height = HEAD + max(ROW * len(bars), ROW) + 4
    cid = escape(chart_id)
    desc = desc or "; ".join(f"{b.label}: {t}" for b, t in zip(bars, texts))
    # An img's children are presentational, so bars that are links make the chart a group instead:
    # a screen reader then reaches each link (axe's nested-interactive rule).
    role = "group" if any(b.href for b in bars) else "img"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
           f'width="100%" role="{role}" aria-labelledby="{cid}-t {cid}-d" font-size="15" fill="#1d2330">',
           f'<title id="{cid}-t">{escape(title)}</title>',
           f'<desc id="{cid}-d">{escape(desc)}</desc>',
           f'<text x="0" y="17" font-weight="bold">{escape(_short(caption or title, 38))}</text>']
    if not bars:
        out.append(f'<text x="0" y="{HEAD + 20}" fill="#5b6475">Chưa có số liệu.</text>')
    for i, (b, text) in enumerate(zip(bars, texts)):
        y = HEAD + i * ROW
        w = 0 if top <= 0 or b.value <= 0 else max(2.0, span * b.value / top)
        row = ['<g class="bar">',
               f'<title>{escape(b.title or (b.label + ": " + text))}</title>',
               f'<text x="0" y="{y + 16}">{escape(_short(b.label))}</text>',
               f'<rect x="0" y="{y + 22}" width="{w:.1f}" height="15" fill="{BAR}"/>',
               f'<text x="{w + 5:.1f}" y="{y + 35}" font-size="14">{escape(text)}</text>',
               '</g>']
        if b.href:
            row = [f'<a href="{escape(b.href)}">', *row, '</a>']
        out.extend(row)
    out.append("</svg>")
    return Markup("".join(out))
