"""Thẻ hội viên (issue 19 C): ten ID-1 cards (85.6 x 54 mm) to an A4 sheet, with cut lines and crop marks.

Each card prints the association (the unit above a chi hội, "HỘI KHUYẾN HỌC XÃ ..."), "THẺ HỘI VIÊN",
the member's full name, number, unit, the year of issue, the unit's uploaded logo (the certificate
logo, app.commendations.logos: the member's unit's, else the association's, else none) and the
paper-verification mark (app.papers.site.mark, kind "member_card", the member's id).

Nothing may spill: every text box has a fixed size, and the text that varies (the association, the
name, the unit, the site's address) is fitted here from the font's own advance widths, at the largest
size (class) that holds it in the lines allowed; the card clips whatever a bug might still push out,
so a sheet is always one page.

    selection(root, ids) -> list[Member]       the ticked members (refused, never widened) or all active
    cards_for(members, year) -> list[dict]     what each card prints (a PDF's; page=True for a page)
    sheets(cards) -> list[dict]                the cards ten to a sheet
    cards_pdf(members, year) -> bytes          the PDF (render_many, a chunk of sheets at a time)
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.commendations import logos
from app.core.actor import actor
from app.core.authz import in_scope
from app.core.refusal import Refusal
from app.extensions import db
from app.papers.site import mark
from app.units.models import Unit
from app.vn.names import word_key

from .models import ACTIVE, Member

KIND = "members.cards"  # the background print job's document kind
TEMPLATE = "pdf/members/cards.html"
PER_SHEET = 10  # 2 columns x 5 rows of ID-1 cards on A4 portrait
DIRECT_MAX = 40  # cards answered inline by the print POST (4 sheets, about a second); more go to a job
MAX_CARDS = 5000  # one print (500 sheets); a bigger commune prints per chi hội
PICK_MAX = 300  # members listed with a tick box on the cards page (a chi hội's, not a commune's thousands)
# Units that are an association of their own; a chi hội or ban prints the association above it.
ASSOCIATION_KINDS = ("commune", "province", "district")


class CardError(Refusal):
    """A refused card print (nobody to print, a member no longer active, too many cards)."""


# ---- fitting text from the font's widths ------------------------------------------------------------

_PT_MM = 25.4 / 72
FONTS = {"regular": "Tinos-Regular.ttf", "bold": "Tinos-Bold.ttf"}
# (css class, points, most lines) largest first; the classes are in static/css/member_cards.css.
NAME_SIZES = (("nm-13", 13, 1), ("nm-12", 12, 1), ("nm-11", 11, 1), ("nm-11", 11, 2), ("nm-10", 10, 2),
              ("nm-9", 9, 2), ("nm-8", 8, 3), ("nm-7", 7, 3), ("nm-6", 6, 4), ("nm-5", 5, 5))
NAME_BOX = (78.5, "bold")  # width in mm (the box's 79.6 less a margin for kerning), font
ASSOC_SIZES = (("as-8", 8, 1), ("as-7", 7, 1), ("as-7", 7, 2), ("as-6", 6, 2), ("as-5", 5, 3))
ASSOC_BOX = (53.5, "bold")
NAME_HEIGHT, ASSOC_HEIGHT, LINE_HEIGHT = 11.3, 6.6, 1.15  # the boxes' heights (mm) and the line height
UNIT_SIZES = (("un-8", 8, 1), ("un-7", 7, 2), ("un-6", 6, 2), ("un-5", 5, 3))
UNIT_BOX = (58.0, "regular")
UNIT_LABEL = "Sinh hoạt tại: "
SITE_SIZES = (("st-6", 6, 1), ("st-5", 5, 1), ("st-5", 5, 2), ("st-4", 4, 3))
SITE_BOX = (58.0, "regular")
SITE_LABEL = "Tra cứu tại: "


@lru_cache(maxsize=4)
def _metrics(font: str) -> tuple[dict, dict, int, int]:
    """(cmap, advance widths, units per em, a fallback width) of a bundled print font."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; loaded on the first card

    ttf = TTFont(Path(current_app.static_folder) / "vendor" / "fonts" / FONTS[font], lazy=True)
    cmap, widths = ttf.getBestCmap(), {k: v[0] for k, v in ttf["hmtx"].metrics.items()}
    upm = ttf["head"].unitsPerEm
    return cmap, widths, upm, widths.get(cmap.get(ord("M"), ""), upm)


@lru_cache(maxsize=50_000)
def _ems(text: str, font: str) -> float:
    """The advance width of `text` in ems (cached: the fitting measures the same words again and again)."""
    cmap, widths, upm, fallback = _metrics(font)
    return sum(widths.get(cmap.get(ord(ch), ""), fallback) for ch in text) / upm


def width_mm(text: str, points: float, font: str = "bold") -> float:
    return _ems(text, font) * points * _PT_MM


def _wrap(pieces: list[str], joiner: str, points: float, width: float, font: str) -> list[str]:
    """Greedy lines of `pieces` within `width` mm; a piece wider than a line is cut by characters."""
    lines, line = [], ""
    for piece in pieces:
        trial = f"{line}{joiner}{piece}" if line else piece
        if width_mm(trial, points, font) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        line = piece
        while width_mm(line, points, font) > width and len(line) > 1:  # one word wider than the box
            cut = len(line) - 1
            while cut > 1 and width_mm(line[:cut], points, font) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    return lines + ([line] if line else [])


def _even(pieces, joiner, points, width, font, lines: list[str]) -> list[str]:
    """The same number of lines, as even as they can be: the narrowest width (to a tenth of a mm) at
    which the greedy wrap still needs no more lines ("Công Tằng Tôn Nữ Thị Hoàng" / "Phương Quỳnh
    Ngọc Diễm", never a long line over two words)."""
    if len(lines) < 2:
        return lines
    low, high, best = 0.0, width, lines
    while high - low > 0.1:
        mid = (low + high) / 2
        trial = _wrap(pieces, joiner, points, mid, font)
        if len(trial) <= len(lines) and all(width_mm(t, points, font) <= mid for t in trial):
            high, best = mid, trial
        else:
            low = mid
    return best


def fit(text: str, sizes, box, *, pieces: list[str] | None = None, joiner: str = " ") -> tuple[str, list[str]]:
    """(css class, lines): the first of `sizes` at which `text` fits `box` (width mm, font) in its lines.

    `pieces` (default: the words) are what a line may break between. Past the smallest size the text
    takes that size's lines, the rest on the last line (the card clips it: never another page)."""
    width, font = box
    pieces = pieces if pieces is not None else text.split()
    if not pieces:
        return sizes[0][0], [""]
    for cls, points, most in sizes:
        lines = [text] if most == 1 and width_mm(text, points, font) <= width else \
            _wrap(pieces, joiner, points, width, font)
        if len(lines) <= most:
            return cls, _even(pieces, joiner, points, width, font, lines)
    cls, _, most = sizes[-1]
    return cls, lines[:most - 1] + [joiner.join(lines[most - 1:])]


def _centre(cls: str, lines: int, sizes, height: float) -> str:
    """"pt-3": the padding (in half millimetres, static/css/member_cards.css) that centres `lines` lines
    of class `cls` vertically in a box `height` mm high."""
    points = next(p for c, p, _ in sizes if c == cls)
    pad = max(0.0, (height - lines * points * LINE_HEIGHT * _PT_MM) / 2)
    return f"pt-{min(int(pad * 2 + 0.25), 9)}"


def _pieces(text: str) -> list[str]:
    """"Tra cứu tại: " as ["Tra ", "cứu ", "tại: "]: words that keep their spaces (joined with "")."""
    return [w + " " for w in text.split()]


def _address_pieces(address: str) -> list[str]:
    """"khuyenhoc.laivung.vn/xac-minh" in pieces that keep their separators: a line breaks after "/" or "."."""
    pieces, start = [], 0
    for i, ch in enumerate(address):
        if ch in "/.":
            pieces.append(address[start:i + 1])
            start = i + 1
    return pieces + ([address[start:]] if start < len(address) else [])


# ---- what a card prints -----------------------------------------------------------------------------

def association_of(unit: Unit) -> Unit:
    """The association a member's card names: the unit itself when it is a commune (or above), else the
    nearest such unit above its chi hội or ban."""
    at = unit
    while at.kind not in ASSOCIATION_KINDS and at.parent is not None:
        at = at.parent
    return at


def number_text(member: Member) -> str:
    """"0012": the unit's series, four digits at least (a card's number is read, compared and typed)."""
    return f"{member.number:04d}"


# A page's preview of a card whose logo is the association's, which a chi hội's user may not open (the
# logo's URL answers only within the user's scope): a grey box stands where the printed card has it.
HIDDEN_LOGO = "hidden"


class _Logos:
    """Each unit's logo read and encoded once for a whole batch (a query and a base64 per unit)."""

    def __init__(self, page: bool):
        self.page, self.seen = page, {}

    def __call__(self, unit: Unit) -> str:
        for u in (unit, association_of(unit)):
            if u.id not in self.seen:
                self.seen[u.id] = self._src(u)
            if self.seen[u.id]:
                return self.seen[u.id]
        return ""

    def _src(self, unit: Unit) -> str:
        logo = logos.logo_of(unit.id)
        if logo is None:
            return ""
        if not self.page:
            return logos.data_uri(logo)
        user = actor()
        seen = user is not None and in_scope(user, unit)
        return logos.image_url(logo) if seen else HIDDEN_LOGO


def card(member: Member, year: int, logo: str = "", *, page: bool = False) -> dict:
    """Everything one card prints, as plain data. page=True: the mark's QR as inline SVG (pages refuse
    data: URIs), else as a PNG (WeasyPrint lays an image out faster than a path, as certificates do)."""
    unit = member.unit
    assoc = association_of(unit)
    verify = mark("member_card", member.id, qr=True if page else "png")
    assoc_cls, assoc_lines = fit(assoc.name.upper(), ASSOC_SIZES, ASSOC_BOX)
    name_cls, name_lines = fit(member.full_name, NAME_SIZES, NAME_BOX)
    # Centred in their boxes by a padding class: two flex boxes a card made the layout a third slower.
    assoc_cls += " " + _centre(assoc_cls, len(assoc_lines), ASSOC_SIZES, ASSOC_HEIGHT)
    name_cls += " " + _centre(name_cls, len(name_lines), NAME_SIZES, NAME_HEIGHT)
    unit_cls, unit_lines = fit(UNIT_LABEL + unit.name, UNIT_SIZES, UNIT_BOX)
    site_cls, site_lines = fit(SITE_LABEL + verify["address"], SITE_SIZES, SITE_BOX, joiner="",
                               pieces=_pieces(SITE_LABEL) + _address_pieces(verify["address"])) if verify else ("", [])
    return {"id": member.id, "assoc_lines": assoc_lines, "assoc_cls": assoc_cls,
            "name": member.full_name, "name_lines": name_lines, "name_cls": name_cls,
            "number": number_text(member), "unit_lines": unit_lines, "unit_cls": unit_cls, "year": year,
            "logo": logo, "verify": verify, "site_lines": site_lines, "site_cls": site_cls}


def cards_for(members: list[Member], year: int, *, page: bool = False) -> list[dict]:
    logo_of = _Logos(page)
    return [card(m, year, logo_of(m.unit), page=page) for m in members]


def sheets(cards: list[dict]) -> list[dict]:
    """The cards ten to an A4 sheet: [{"cards": [...]}, ...] (the last sheet may hold fewer)."""
    return [{"cards": cards[i:i + PER_SHEET]} for i in range(0, len(cards), PER_SHEET)]


def cards_pdf(members: list[Member], year: int, progress=None) -> bytes:
    """The sheets as one PDF, laid out 20 sheets (200 cards) a chunk."""
    from app.printing.services import render_many  # heavy: loaded when first needed

    return render_many(TEMPLATE, sheets(cards_for(members, year)), chunk_items=20, progress=progress)


def filename(members: list[Member], root: Unit, year: int) -> str:
    if len(members) == 1:
        return f"Thẻ hội viên {members[0].full_name}.pdf"
    return f"Thẻ hội viên {root.name} {year}.pdf".replace("/", "-")


# ---- who gets a card --------------------------------------------------------------------------------

def _in_order(members) -> list[Member]:
    """A chi hội's cards together (units in Vietnamese order), then names in Vietnamese order."""
    return sorted(members, key=lambda m: (m.unit.depth, word_key(m.unit.name), m.unit_id, m.name_key, m.id))


def all_active(root: Unit) -> list[Member]:
    """Every active member of `root` and the units below it; CardError past MAX_CARDS, counted before
    any row is read (a province's 300,000 members are never loaded to be refused)."""
    from .queries import member_query

    query = member_query(root, status=ACTIVE)
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if count > MAX_CARDS:
        raise CardError(f"Mỗi lần in tối đa {_dots(MAX_CARDS)} thẻ; đơn vị này có {_dots(count)} hội viên "
                        "đang sinh hoạt. Hãy chọn từng chi hội.", "don_vi")
    return _in_order(db.session.scalars(query).all())


def _dots(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def picked(root: Unit, ids: list[int]) -> list[Member] | None:
    """The ticked members, or None when one of them is not a member of `root` or below (the view
    answers 404: a refused pick is never widened to everyone, nor quietly narrowed)."""
    wanted = set(ids)
    rows = db.session.scalars(select(Member).join(Member.unit)
                              .where(Member.id.in_(wanted), Unit.path.startswith(root.path))).all()
    if len(rows) != len(wanted):
        return None
    ended = [m for m in rows if m.status != ACTIVE]
    if ended:
        names = ", ".join(m.full_name for m in _in_order(ended)[:5]) + ("..." if len(ended) > 5 else "")
        raise CardError(f"Không in thẻ cho người đã ra khỏi hội hoặc đã từ trần: {names}.", "id")
    return _in_order(rows)


def selection(root: Unit, ids: list[int] | None) -> list[Member] | None:
    """The members to print: the ticked ones (`ids`) or, without ids, every active member of `root`.
    None: a ticked id is not in `root`'s scope. CardError: nobody to print, or too many at once."""
    members = picked(root, ids) if ids else all_active(root)
    if members is None:
        return None
    if not members:
        raise CardError("Đơn vị này chưa có hội viên đang sinh hoạt để in thẻ.", "don_vi")
    if len(members) > MAX_CARDS:  # ticked ones (all_active refuses before reading)
        raise CardError(f"Mỗi lần in tối đa {_dots(MAX_CARDS)} thẻ; đã chọn {_dots(len(members))} hội viên.", "id")
    return members


# ---- the background print job -----------------------------------------------------------------------

def _params_members(params) -> list[Member]:
    from app.printing.jobs import PrintError  # heavy: loaded when first needed

    root = db.session.get(Unit, int(params["unit_id"]))
    if root is None:
        raise PrintError("Không tìm thấy đơn vị.")
    try:
        members = selection(root, params.get("ids") or None)
    except CardError as err:
        raise PrintError(str(err)) from err
    if members is None:
        raise PrintError("Danh sách hội viên đã thay đổi; hãy chọn lại để in.")
    return members


def fingerprint(params) -> dict:
    """What the sheets print: each card's content and the logos (a changed name or logo prints anew)."""
    members = _params_members(params)
    units = {m.unit_id for m in members} | {association_of(m.unit).id for m in members}
    shas = db.session.execute(select(logos.CertificateLogo.unit_id, logos.CertificateLogo.sha256)
                              .where(logos.CertificateLogo.unit_id.in_(units))).all()
    return {"cards": [[m.id, m.full_name, m.number, m.unit_id, m.unit.name, association_of(m.unit).name]
                      for m in members],
            "logos": sorted(list(r) for r in shas)}


def _build(params, progress) -> bytes:
    return cards_pdf(_params_members(params), int(params["year"]), progress)


def register() -> None:
    """Declare the card sheets to the print engine (at import of the routes, as the app is built)."""
    from app.printing.jobs import register_document

    register_document(KIND, _build, fingerprint=fingerprint, version="1")
