"""Giấy khen: per-unit template settings and what each certificate prints.

Text never leaves the page: the name and the achievement get a size class by length (the
boxes in static/css/certificate.css have fixed heights sized for the smallest class at the
longest lengths the models allow: 250-character names, 300-character achievements).
"""
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.audit.services import record
from app.extensions import db
from app.units.models import Unit
from app.vn.dates import place_date, short_date
from app.vn.text import clean

from .models import BORDERS, CertificateSetting, Decision, Honoree

LOGO_SUFFIXES = (".svg", ".png")


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


def save_setting(unit: Unit, *, issuer_line, title, border, logo, signer_title, signer_name, place):
    """Create or update the unit's certificate settings."""
    from .services import CommendationError

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
    db.session.flush()
    record("update" if before else "create", s, before=before, after=s.audit_dict())
    return s


def name_size(name: str) -> str:
    n = len(name)
    return "name-l" if n <= 24 else "name-m" if n <= 34 else "name-s" if n <= 48 else "name-xs"


def achievement_size(text: str) -> str:
    n = len(text)
    return "ach-l" if n <= 90 else "ach-m" if n <= 220 else "ach-s"


def certificate(d: Decision, h: Honoree, s: CertificateSetting) -> dict:
    """Everything one certificate prints, as plain data (also the print job's fingerprint)."""
    signer_title = s.signer_title or d.signer_title
    return {
        "border": s.border if s.border in BORDERS else "classic",
        "logo": s.logo,
        "issuer": s.issuer_line or d.unit.name,
        "title": s.title or "GIẤY KHEN",
        "name": h.full_name, "name_class": name_size(h.full_name),
        "detail": h.place,
        "achievement": h.achievement, "ach_class": achievement_size(h.achievement),
        "school_year": d.school_year,
        "decision": f"Quyết định số {d.number} ngày {short_date(d.decision_date)}",
        "register": h.register_number,
        "place_date": place_date(s.place or d.place, d.decision_date),
        "signer_title": [x for x in (signer_title or "").split("\n") if x],
        "signer_name": s.signer_name or d.signer_name,
    }


def certificates_of(d: Decision) -> list[dict]:
    from .services import honorees

    s = setting_for(d.unit)
    return [certificate(d, h, s) for h in honorees(d)]
