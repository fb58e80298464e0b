"""Giấy khen: per-unit template settings and what each certificate prints.

Text never leaves the page: the name and the achievement get a size class by length (the
boxes in static/css/certificate.css have fixed heights sized for the smallest class at the
longest lengths the models allow: 250-character names, 300-character achievements).

The sentence under the name depends on what is honoured (WORDING_KINDS): a scholarship is
received, not achieved ("Đã được nhận Học bổng vượt khó năm học 2025-2026", never "Đã có thành
tích: Học bổng ..."), a learning title is reached, a donor contributed. Each unit may reword each
kind in its certificate settings; "[thành tích]" marks where the line's own text goes.
"""
import re
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.scholarships.models import Nomination
from app.units.models import Unit
from app.vn.dates import place_date, short_date
from app.vn.text import clean, fold

from .models import BORDERS, TITLE_KINDS, CertificateSetting, Decision, Honoree
from .services import CommendationError, honorees

LOGO_SUFFIXES = (".svg", ".png")
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


def logo_choices() -> list[tuple[str, str]]:
    """("", "Không dùng") plus the logo-* files under static/img (an admin drops a file there)."""
    folder = Path(current_app.static_folder) / "img"
    files = sorted(p.name for p in folder.glob("logo-*") if p.suffix.lower() in LOGO_SUFFIXES)
    return [("", "Không dùng")] + [(f"img/{f}", f) for f in files]


def setting_for(unit: Unit) -> CertificateSetting:
    """The unit's settings, or unsaved defaults built from the unit's name."""
    s = db.session.scalar(select(CertificateSetting).where(CertificateSetting.unit_id == unit.id))
    if s is None:
        s = CertificateSetting(unit_id=unit.id, issuer_line=f"Ban Thường vụ {unit.name}", title="GIẤY KHEN",
                               border="classic", logo="", signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH",
                               signer_name="", place="")
    return s


def save_setting(unit: Unit, *, issuer_line, title, border, logo, signer_title, signer_name, place,
                 wording: dict | None = None):
    """Create or update the unit's certificate settings; `wording` {kind: sentence}, a default kept as NULL."""
    if border not in BORDERS:
        raise CommendationError("Kiểu viền không hợp lệ.", "border")
    if logo and logo not in dict(logo_choices()):
        raise CommendationError("Biểu trưng không có trong thư mục ảnh.", "logo")
    s = db.session.scalar(select(CertificateSetting).where(CertificateSetting.unit_id == unit.id))
    before = s.audit_dict() if s else None
    if s is None:
        s = CertificateSetting(unit_id=unit.id)
        db.session.add(s)
    s.issuer_line, s.title = clean(issuer_line or "")[:200], clean(title or "")[:60] or "GIẤY KHEN"
    s.border, s.logo = border, logo or ""
    s.signer_title = "\n".join(x for x in (clean(v) for v in (signer_title or "").splitlines()) if x)[:120]
    s.signer_name, s.place = clean(signer_name or "")[:120], clean(place or "")[:100]
    if wording is not None:
        chosen = {k: clean(wording.get(k) or "")[:200] for k in WORDING_KINDS}
        s.wording = {k: v for k, v in chosen.items() if v and v != DEFAULT_WORDING[k]} or None
    db.session.flush()
    record("update" if before else "create", s, before=before, after=s.audit_dict())
    return s


def name_size(name: str) -> str:
    n = len(name)
    return "name-l" if n <= 24 else "name-m" if n <= 34 else "name-s" if n <= 48 else "name-xs"


def achievement_size(text: str) -> str:
    n = len(text)
    return "ach-l" if n <= 90 else "ach-m" if n <= 220 else "ach-s"


def certificate(d: Decision, h: Honoree, s: CertificateSetting, scholarship: str = "") -> dict:
    """Everything one certificate prints, as plain data (also the print job's fingerprint).

    `scholarship`: what a line from a scholarship round received ("Học bổng vượt khó năm học
    2025-2026"); it replaces the line's text, which for such a line is the reason it was chosen."""
    signer_title = s.signer_title or d.signer_title
    text = certificate_text(wording_of(s, wording_kind(h, scholarship)), scholarship or h.achievement)
    # The school year once: not again on its own line when the sentence already names it.
    school_year = d.school_year if d.school_year and fold(d.school_year) not in fold(text) else ""
    return {
        "border": s.border if s.border in BORDERS else "classic",
        "logo": s.logo,
        "issuer": s.issuer_line or d.unit.name,
        "title": s.title or "GIẤY KHEN",
        "name": h.full_name, "name_class": name_size(h.full_name),
        "detail": h.place,
        "achievement": text, "ach_class": achievement_size(text),
        "school_year": school_year,
        "decision": f"Quyết định số {d.number} ngày {short_date(d.decision_date)}",
        "register": h.register_number,
        "place_date": place_date(s.place or d.place, d.decision_date),
        "signer_title": [x for x in (signer_title or "").split("\n") if x],
        "signer_name": s.signer_name or d.signer_name,
    }


def certificates_of(d: Decision, ids=None) -> list[dict]:
    """The decision's certificates in list order; `ids` (honoree ids) keeps only those lines."""
    s = setting_for(d.unit)
    rows = honorees(d)
    if ids is not None:
        wanted = set(ids)
        rows = [h for h in rows if h.id in wanted]
    given = _scholarships(rows)
    return [certificate(d, h, s, given.get(h.nomination_id, "")) for h in rows]


def certificate_of(h: Honoree) -> dict:
    """One line's certificate (the preview and the single PDF), worded as in the whole decision's print."""
    return certificate(h.decision, h, setting_for(h.decision.unit), _scholarships([h]).get(h.nomination_id, ""))
