"""The VietQR as an inline SVG, drawn on the server (segno, no network, no JavaScript), and the
data a "pay by transfer" box needs (templates/banking/_pay_box.html).

The SVG has a viewBox and no fixed size: it fills the box the page or the PDF gives it (width and
height 100 %), and stays a vector, so it is sharp on a phone, on paper and on an A4 poster scanned
from across a room. Error level M (15 %) is what bank apps print; the 4-module quiet zone is the
QR standard's and scanners need it.
"""
import re

import segno
from markupsafe import Markup, escape

from . import vietqr
from .accounts import account_for

_SVG_OPEN = re.compile(r"^<svg ")


def qr_svg(payload: str, *, title: str = "") -> Markup:
    """`payload` as an inline <svg> (no XML declaration, no external reference), labelled `title`."""
    code = segno.make(payload, error="m", micro=False, boost_error=False)
    svg = code.svg_inline(border=4, omitsize=True, svgclass="vietqr", lineclass=None, dark="#000")
    # A white ground drawn in the SVG itself: a QR printed on a tinted box or a dark screen theme
    # still has its light modules and quiet zone.
    width = code.symbol_size(border=4)[0]
    ground = f'<rect width="{width}" height="{width}" fill="#fff"/>'
    svg = svg.replace("<path ", ground + "<path ", 1)
    label = escape(title or "Mã VietQR")
    svg = _SVG_OPEN.sub(f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" role="img" '
                        f'aria-label="{label}" shape-rendering="crispEdges" ', svg, count=1)
    if title and "<title>" not in svg:
        svg = svg.replace(">", f"><title>{label}</title>", 1)
    return Markup(svg)


def pay_box(unit, code: str = "", amount: int | None = None, *, for_print: bool = False) -> dict | None:
    """What templates/banking/_pay_box.html shows for paying `unit` (its account, else the nearest
    above it: accounts.account_for), with `code` as the transfer note and `amount` fixed when given.
    None when no account is recorded: the template then shows no box at all. `for_print`: the box
    is in a PDF (its stylesheet is then linked for WeasyPrint's static-only fetcher)."""
    if unit is None:
        return None
    account = account_for(unit)
    if account is None:
        return None
    amount = int(amount) if amount else None
    text = vietqr.payload(account.bin, account.account_number, amount=amount, note=code)
    bank = account.bank
    return {"account": account, "bank_name": bank.short_name if bank else account.bin,
            "bank_full_name": bank.name if bank else "", "account_number": account.account_number,
            "account_name": account.account_name, "amount": amount, "code": vietqr.clean_note(code),
            "payload": text, "print": for_print, "svg": qr_svg(text, title=f"Mã VietQR chuyển khoản tới {account.account_name}")}
