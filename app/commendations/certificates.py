"""Giấy khen: per-unit template settings and what each certificate prints.

Text never leaves the page: the name and the achievement get a size class by length (the
boxes in static/css/certificate.css have fixed heights sized for the smallest class at the
longest lengths the models allow: 250-character names, 300-character achievements).

The sentence under the name depends on what is honoured (WORDING_KINDS): a scholarship is
received, not achieved ("Đã được nhận Học bổng vượt khó năm học 2025-2026", never "Đã có thành
tích: Học bổng ..."), a learning title is reached, a donor contributed. Each unit may reword each
kind in its certificate settings; "[thành tích]" marks where the line's own text goes.

Designs (BORDERS) and paper (PAPERS: A4 or A5 landscape, the A5 sheet is the A4 layout scaled down)
are chosen per unit. A name too long for one line is broken here, at the word boundary that makes
the lines most even, measured with the script font's own advance widths (never one word alone on a
line when the name has words to spare). Each certificate carries its verification mark (issue 18 A).
"""
import re
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.audit.services import record
from app.core import clock
from app.extensions import db
from app.papers.site import mark
from app.scholarships.models import Nomination
from app.units.models import Unit
from app.vn.dates import place_date, short_date
from app.vn.text import clean, fold

from . import logos
from .models import BORDERS, PAPERS, TITLE_KINDS, CertificateSetting, Decision, Honoree
from .services import CommendationError, honorees

MARK = "[thành tích]"
WORDING_KINDS = {
    "scholarship": "Học bổng",
    "achievement": "Thành tích học tập, giảng dạy",
    "title": "Danh hiệu học tập (gia đình, dòng họ, cộng đồng, đơn vị, công dân)",
    "donor": "Nhà hảo tâm",
    "volunteer": "Cán bộ, hội viên, tình nguyện viên",
}
DEFAULT_WORDING = {
    "scholarship": f"Đã được nhận {MARK}",
    "achievement": f"Đã có thành tích: {MARK}",
    "title": f"Đạt danh hiệu {MARK}",
    "donor": f"Đã có nhiều đóng góp cho sự nghiệp khuyến học, khuyến tài: {MARK}",
    "volunteer": f"Đã có thành tích xuất sắc trong công tác khuyến học, khuyến tài: {MARK}",
}
# An achievement that already reads as a sentence ("Đạt danh hiệu ...", "Đã ủng hộ ...") keeps its verb.
_VERBS = ("da ", "dat ", "duoc ")


def wording_kind(h: Honoree, scholarship: str = "") -> str:
    """Which wording a line's certificate takes: a line from a scholarship round (or whose text names
    a scholarship) is a scholarship, a learning title a title, then donors and volunteers."""
    if scholarship or fold(h.achievement or "").startswith("hoc bong"):
        return "scholarship"
    if h.kind in TITLE_KINDS:
        return "title"
    return h.kind if h.kind in ("donor", "volunteer") else "achievement"


def wording_of(s: CertificateSetting, kind: str) -> str:
    return (s.wording or {}).get(kind) or DEFAULT_WORDING[kind]


def certificate_text(wording: str, achievement: str) -> str:
    """The sentence under the name: `wording` with the line's text at MARK, said once.

    Without a text the wording's lead stands alone ("Đạt danh hiệu"); a text that already starts
    with the lead (the assessments write "Đạt danh hiệu “Gia đình học tập” năm 2026") or with a verb
    of its own after a lead that ends in a colon keeps its own words in place of the lead's."""
    if MARK not in wording:
        return clean(wording)
    lead, _, tail = wording.partition(MARK)
    text = clean(achievement or "")
    if not text:
        sentence = clean(re.sub(r"[\s:,;-]+$", "", lead) + re.sub(r"^[\s:,;-]+", " " if lead.strip() else "", tail))
        return sentence[:1].upper() + sentence[1:]
    folded, lead_key = fold(text), fold(lead.strip().rstrip(":").strip())
    if lead_key and folded.startswith(lead_key):
        lead = ""
    elif lead.rstrip().endswith(":") and folded.startswith(_VERBS):
        verb = len(text.split(" ", 1)[0]) + 1
        if fold(lead).startswith(folded[:verb]):  # "Đã có ...: Đã ủng hộ ..." drops the second "Đã"
            text = text[verb:]
        else:
            lead = ""
    elif folded.startswith(_VERBS):
        lead = ""
    sentence = clean(lead + text + tail)
    return sentence[:1].upper() + sentence[1:]


def _scholarships(rows) -> dict[int, str]:
    """{nomination id: "Học bổng vượt khó năm học 2025-2026"} for lines that came from a scholarship round."""
    ids = sorted({h.nomination_id for h in rows if h.nomination_id})
    out = {}
    for i in range(0, len(ids), 500):
        for n in db.session.scalars(select(Nomination).where(Nomination.id.in_(ids[i:i + 500]))):
            out[n.id] = f"{n.category.name} năm học {n.round.school_year}"
    return out


def logo_choices(unit: Unit) -> list[tuple[str, str]]:
    """("", "Không dùng"), the unit's upload, then the logo-* files under static/img (app.commendations.logos)."""
    return logos.logo_choices(unit)


def logo_src(s: CertificateSetting) -> str:
    """What the printed certificate's <img> shows: "" (no logo), a data: URI (used as is) or a static
    path ("img/logo-x.svg", prefixed with the static base by the template)."""
    return logos.logo_src(s)


def page_logo_src(s: CertificateSetting) -> str:
    """The logo of a certificate shown as a page: its URL ("/static/img/...", the upload's own URL),
    never a data: URI (pages refuse them, app.commendations.logos.page_src)."""
    return logos.page_src(s)


def as_page(c: dict, s: CertificateSetting, honoree_id: int | None = None) -> dict:
    """A certificate dict made for a page (the previews): the logo by URL and the QR as the mark's
    inline SVG, never a data: URI (pages refuse them; the CSP and the injection proofs)."""
    return {**c, "logo": page_logo_src(s), "verify": mark("certificate", honoree_id) if honoree_id else None}


def setting_for(unit: Unit) -> CertificateSetting:
    """The unit's settings, or unsaved defaults built from the unit's name (with the logo it uploaded,
    if it did so before ever saving its settings)."""
    s = db.session.scalar(select(CertificateSetting).where(CertificateSetting.unit_id == unit.id))
    if s is None:
        logo = logos.UPLOAD if logos.logo_of(unit.id) else ""
        s = CertificateSetting(unit_id=unit.id, issuer_line=f"Ban Thường vụ {unit.name}", title="GIẤY KHEN",
                               border="classic", logo=logo, signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
                               signer_name="", place="", paper="a4")
    return s


def _check(unit: Unit, border, logo, paper) -> None:
    if border not in BORDERS:
        raise CommendationError("Kiểu viền không hợp lệ.", "border")
    if paper is not None and paper not in PAPERS:
        raise CommendationError("Khổ giấy không hợp lệ.", "paper")
    if logo and logo not in dict(logo_choices(unit)):
        raise CommendationError("Biểu trưng không có trong thư mục ảnh.", "logo")


def _fill(s: CertificateSetting, *, issuer_line, title, border, logo, signer_title, signer_name, place,
          wording: dict | None = None, paper: str | None = None) -> None:
    s.issuer_line, s.title = clean(issuer_line or "")[:200], clean(title or "")[:60] or "GIẤY KHEN"
    s.border, s.logo = border, logo or ""
    s.paper = paper or s.paper or "a4"
    s.signer_title = "\n".join(x for x in (clean(v) for v in (signer_title or "").splitlines()) if x)[:120]
    s.signer_name, s.place = clean(signer_name or "")[:120], clean(place or "")[:100]
    if wording is not None:
        chosen = {k: clean(wording.get(k) or "")[:200] for k in WORDING_KINDS}
        s.wording = {k: v for k, v in chosen.items() if v and v != DEFAULT_WORDING[k]} or None


def save_setting(unit: Unit, **values) -> CertificateSetting:
    """Create or update the unit's certificate settings (issuer_line, title, border, logo, signer_title,
    signer_name, place; `wording` {kind: sentence}, a default kept as NULL; `paper` None keeps the saved size)."""
    _check(unit, values["border"], values["logo"], values.get("paper"))
    s = db.session.scalar(select(CertificateSetting).where(CertificateSetting.unit_id == unit.id))
    before = s.audit_dict() if s else None
    if s is None:
        s = CertificateSetting(unit_id=unit.id)
        db.session.add(s)
    _fill(s, **values)
    db.session.flush()
    record("update" if before else "create", s, before=before, after=s.audit_dict())
    return s


def unsaved_setting(unit: Unit, **values) -> CertificateSetting:
    """The settings as the form has them, not saved (the live preview): a new object never added to the
    session, so nothing is written; a design, paper or logo that is not offered falls back to the saved one."""
    saved = setting_for(unit)
    s = CertificateSetting(unit_id=unit.id, paper=saved.paper or "a4", wording=saved.wording)
    if values.get("border") not in BORDERS:
        values["border"] = saved.border
    if values.get("paper") not in PAPERS:
        values["paper"] = None
    if values.get("logo") and values["logo"] not in dict(logo_choices(unit)):
        values["logo"] = saved.logo
    _fill(s, **values)
    return s


# The name's sizes, largest first, each with the most lines it may take: (class, points, lines).
# Heights: 4 lines at 20 pt (with the longest achievement in the smallest class) still leave the
# middle box of static/css/certificate.css room; widths are the box's 249 mm less a margin for kerning.
NAME_SIZES = (("name-l", 34, 1), ("name-m", 28, 1), ("name-m", 28, 2), ("name-s", 22, 2), ("name-s", 22, 3),
              ("name-xs", 20, 3), ("name-xs", 20, 4))
NAME_WIDTH_MM = 236.0
_PT_MM = 25.4 / 72


@lru_cache(maxsize=1)
def _name_metrics() -> tuple[dict, dict, int, int]:
    """The name font's (Dancing Script Bold, static/vendor/fonts) cmap and advance widths."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; loaded on the first certificate

    font = TTFont(Path(current_app.static_folder) / "vendor" / "fonts" / "DancingScript-Bold.ttf", lazy=True)
    cmap, metrics = font.getBestCmap(), {k: v[0] for k, v in font["hmtx"].metrics.items()}
    upm = font["head"].unitsPerEm
    return cmap, metrics, upm, metrics.get(cmap.get(ord("n"), ""), upm // 2)


def name_width_mm(text: str, points: float) -> float:
    cmap, metrics, upm, fallback = _name_metrics()
    units = sum(metrics.get(cmap.get(ord(ch), ""), fallback) for ch in text)
    return units / upm * points * _PT_MM


def _split(words: list[str], lines: int, points: float) -> list[str]:
    """`words` in `lines` lines as even as possible (the widest line as narrow as it can be), by a
    small dynamic programme over the break points; with words to spare no line holds one word alone."""
    n = len(words)
    least = 2 if n >= 2 * lines else 1
    width = lambda i, j: name_width_mm(" ".join(words[i:j]), points)  # noqa: E731
    best = {(0, 0): (0.0, [])}  # (words used, lines made) -> (widest line, break points)
    for made in range(1, lines + 1):
        for used in range(made * least, n - (lines - made) * least + 1):
            options = [(max(best[(start, made - 1)][0], width(start, used)), best[(start, made - 1)][1] + [used])
                       for start in range((made - 1) * least, used - least + 1) if (start, made - 1) in best]
            if options:
                best[(used, made)] = min(options)
    cuts = [0] + best[(n, lines)][1]
    return [" ".join(words[a:b]) for a, b in zip(cuts, cuts[1:])]


def name_layout(name: str) -> tuple[str, list[str]]:
    """(size class, lines) for a name: the largest size at which it fits in the fewest lines allowed,
    broken at even word boundaries ("Công Tằng Tôn Nữ Thị Hoàng" / "Phương Quỳnh Ngọc Diễm Lệ Ái Bích").
    A name longer than four lines at the smallest size (impossible within 250 characters of ordinary
    words) or one word too wide for the line is left to the stylesheet to wrap (overflow-wrap)."""
    words = name.split()
    for cls, points, lines in NAME_SIZES:
        if lines > max(len(words), 1):
            continue
        parts = [name] if lines == 1 else _split(words, lines, points)
        if max(name_width_mm(p, points) for p in parts) <= NAME_WIDTH_MM:
            return cls, parts
    return "name-xs", [name]


def achievement_size(text: str) -> str:
    n = len(text)
    return "ach-l" if n <= 90 else "ach-m" if n <= 220 else "ach-s"


def verify_mark(honoree_id: int | None) -> dict | None:
    """The printed certificate's verification mark, its QR as a PNG (app.papers.site.mark); pages never
    get it: as_page() puts the mark's inline SVG back."""
    return mark("certificate", honoree_id, qr="png")


def certificate(d: Decision, h: Honoree, s: CertificateSetting, scholarship: str = "", logo: str | None = None) -> dict:
    """Everything one certificate prints, as plain data (also the print job's fingerprint).

    `scholarship`: what a line from a scholarship round received ("Học bổng vượt khó năm học
    2025-2026"); it replaces the line's text, which for such a line is the reason it was chosen.
    `logo`: logo_src(s), when the caller read it once for a whole batch (an upload is a query and an
    encoding, not to be done again for each of 200 lines)."""
    signer_title = s.signer_title or d.signer_title
    text = certificate_text(wording_of(s, wording_kind(h, scholarship)), scholarship or h.achievement)
    # The school year once: not again on its own line when the sentence already names it.
    school_year = d.school_year if d.school_year and fold(d.school_year) not in fold(text) else ""
    name_class, name_lines = name_layout(h.full_name)
    ach_class = achievement_size(text)
    return {
        "border": s.border if s.border in BORDERS else "classic",
        "paper": s.paper if s.paper in PAPERS else "a4",
        "logo": logo_src(s) if logo is None else logo,
        "issuer": s.issuer_line or d.unit.name,
        "title": s.title or "GIẤY KHEN",
        "name": h.full_name, "name_class": name_class, "name_lines": name_lines,
        "detail": h.place,
        "achievement": text, "ach_class": ach_class,
        # A long name with a long text: a smaller title and margins keep both inside the middle box.
        "dense": len(name_lines) >= 3 or (len(name_lines) == 2 and ach_class == "ach-s"),
        "school_year": school_year,
        "decision": f"Quyết định số {d.number} ngày {short_date(d.decision_date)}",
        "register": h.register_number,
        "place_date": place_date(s.place or d.place, d.decision_date),
        "signer_title": [x for x in (signer_title or "").split("\n") if x],
        "signer_name": s.signer_name or d.signer_name,
        # The QR and code (app.papers.site.mark); None for an unsaved sample: a placeholder box instead.
        "verify": verify_mark(h.id),
    }


def certificates_of(d: Decision, ids=None) -> list[dict]:
    """The decision's certificates in list order; `ids` (honoree ids) keeps only those lines."""
    s = setting_for(d.unit)
    rows = honorees(d)
    if ids is not None:
        wanted = set(ids)
        rows = [h for h in rows if h.id in wanted]
    given, logo = _scholarships(rows), logo_src(s)
    return [certificate(d, h, s, given.get(h.nomination_id, ""), logo) for h in rows]


def certificate_of(h: Honoree) -> dict:
    """One line's certificate (the preview and the single PDF), worded as in the whole decision's print."""
    return certificate(h.decision, h, setting_for(h.decision.unit), _scholarships([h]).get(h.nomination_id, ""))


# The sample certificate per wording kind: (kind, ho, dem, ten, place, achievement, scholarship);
# {year} is the sample's school year. The scholarship and achievement samples carry the longest
# realistic name, so a design is judged with two lines.
_LONG = ("Công Tằng Tôn Nữ", "Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ Ái", "Bích")
_SAMPLES = {
    "scholarship": ("pupil", *_LONG, "Lớp 9A1, Trường THCS Lai Vung", "Nhà khó khăn, học tốt",
                    "Học bổng vượt khó năm học {year}"),
    "achievement": ("pupil", *_LONG, "Lớp 9A1, Trường THCS Lai Vung",
                    "Đạt giải Nhất kỳ thi học sinh giỏi cấp tỉnh môn Ngữ văn năm học {year}, "
                    "có nhiều đóng góp cho phong trào khuyến học của địa phương", ""),
    "title": ("family", "Nguyễn", "Văn", "Hùng", "Ấp Tân Lộc", "“Gia đình học tập” năm {end}", ""),
    "donor": ("donor", "Trần", "Thị Mỹ", "Hạnh", "Ấp Hòa Bình",
              "Ủng hộ Quỹ Khuyến học 20.000.000 đồng và 200 bộ sách giáo khoa", ""),
    "volunteer": ("volunteer", "Lê", "Văn", "Tâm", "Chi hội Khuyến học ấp Tân Lộc",
                  "Chi hội trưởng nhiều năm liền, vận động được 150 suất học bổng", ""),
}


def sample(unit: Unit, s: CertificateSetting, kind: str = "achievement") -> dict:
    """A sample certificate of `kind` (WORDING_KINDS) with the settings `s` (saved or not), for a page:
    an unsaved decision and honoree, never added to the session, so no verification code (a
    placeholder box)."""
    today = clock.today()
    year = f"{today.year - 1}-{today.year}"
    hkind, ho, dem, ten, place, achievement, scholarship = _SAMPLES.get(kind, _SAMPLES["achievement"])
    d = Decision(unit=unit, number="15/QĐ-HKH", decision_date=today, place="", school_year=year,
                 signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH", signer_name="", title="")
    h = Honoree(kind=hkind, ho=ho, dem=dem, ten=ten, place=place, register_number=1,
                achievement=achievement.format(year=year, end=today.year))
    return as_page(certificate(d, h, s, scholarship.format(year=year)), s)
