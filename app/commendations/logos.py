"""A unit's own logo on its certificates (issue 18 C): upload, remove, and what a certificate prints.

The certificate settings' `logo` is "" (none), "upload" (the unit's CertificateLogo) or a file under
static/img ("img/logo-x.svg", dropped there by an admin, as before). A certificate prints
logo_src(setting): "", a `data:` URI holding the cleaned image (the print engine's fetcher accepts
PNG and SVG data URIs and nothing else outside static/), or the static path.

    save_logo(unit, file_storage) -> CertificateLogo   the upload cleaned, stored, chosen for printing
    remove_logo(unit)                                   the logo gone; a setting that printed it prints none
    logo_choices(unit) -> [(value, label)]              the settings form's select
    logo_src(setting) -> str                            what the <img> of a certificate PDF shows
    page_src(setting) -> str                            the same for a certificate shown as a page
"""
import base64
import hashlib
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import select

from app.audit.labels import register_labels
from app.audit.services import record
from app.core.actor import actor_id
from app.core.clock import utcnow
from app.core.images import clean_image, read_limited
from app.extensions import db
from app.units.models import Unit

from .logo_models import CertificateLogo
from .models import CertificateSetting
from .services import CommendationError

UPLOAD = "upload"
LOGO_SUFFIXES = (".svg", ".png")

# The audit log's filter names every object type it holds (with the package's AUDIT_OBJECTS).
register_labels(objects={"certificate_logo": "Biểu trưng giấy khen"})


def logo_of(unit_id: int) -> CertificateLogo | None:
    return db.session.scalar(select(CertificateLogo).where(CertificateLogo.unit_id == unit_id))


def _setting_row(unit: Unit) -> CertificateSetting | None:
    return db.session.scalar(select(CertificateSetting).where(CertificateSetting.unit_id == unit.id))


def save_logo(unit: Unit, file_storage) -> CertificateLogo:
    """Clean the upload (app.core.images: PNG or SVG, bounded) and keep it as the unit's logo.

    Nothing is written when the file is refused. The unit's certificates print the new logo at once:
    its saved settings are set to "upload" (without saved settings, setting_for's defaults choose it);
    each change is audited, the logo by its digest (never its bytes)."""
    image = clean_image(read_limited(file_storage))
    logo = logo_of(unit.id)
    before = logo.audit_dict() if logo else None
    if logo is None:
        logo = CertificateLogo(unit_id=unit.id)
        db.session.add(logo)
    logo.mime, logo.data = image.mime, image.data
    logo.sha256 = hashlib.sha256(image.data).hexdigest()
    logo.width, logo.height = image.width, image.height
    logo.uploaded_at, logo.uploaded_by_id = utcnow(), actor_id()
    db.session.flush()
    record("update" if before else "create", logo, before=before, after=logo.audit_dict())
    _choose(unit, UPLOAD)
    return logo


def remove_logo(unit: Unit) -> None:
    """Delete the unit's logo; settings that printed it print no logo (audited both)."""
    logo = logo_of(unit.id)
    if logo is None:
        raise CommendationError("Đơn vị chưa có biểu trưng tải lên.")
    record("delete", logo, before=logo.audit_dict())
    db.session.delete(logo)
    s = _setting_row(unit)
    if s is not None and s.logo == UPLOAD:
        _choose(unit, "")
    db.session.flush()


def _choose(unit: Unit, value: str) -> None:
    """The unit's saved settings print `value` from now on (audited). A unit without saved settings
    has none to change: certificates.setting_for's defaults choose the upload when there is one
    (this module never imports certificates: it imports this one)."""
    s = _setting_row(unit)
    if s is None or s.logo == value:
        return
    before = s.audit_dict()
    s.logo = value
    db.session.flush()
    record("update", s, before=before, after=s.audit_dict())


def static_logos() -> list[str]:
    """The logo-* files under static/img, as "img/<name>" (an admin drops a file there)."""
    folder = Path(current_app.static_folder) / "img"
    return sorted(f"img/{p.name}" for p in folder.glob("logo-*") if p.suffix.lower() in LOGO_SUFFIXES)


def logo_choices(unit: Unit) -> list[tuple[str, str]]:
    """("", "Không dùng"), the unit's uploaded logo when it has one, then the static files."""
    choices = [("", "Không dùng")]
    if logo_of(unit.id) is not None:
        choices.append((UPLOAD, "Biểu trưng đã tải lên"))
    return choices + [(path, path.removeprefix("img/")) for path in static_logos()]


def data_uri(logo: CertificateLogo) -> str:
    return f"data:{logo.mime};base64,{base64.b64encode(logo.data).decode('ascii')}"


def image_url(logo: CertificateLogo) -> str:
    """The logo's own URL for pages (needs a request); the digest tells a replaced logo apart."""
    return url_for("commendations.logo_image", don_vi=logo.unit_id, v=logo.sha256[:12])


def page_src(setting: CertificateSetting) -> str:
    """What a certificate shown as a page (the previews) puts in its <img src>: "", the uploaded
    logo's URL, or the static file's URL. Pages never carry data: URIs (the injection proofs refuse
    them in any src); PDFs take logo_src's."""
    value = setting.logo or ""
    if value != UPLOAD:
        return url_for("static", filename=value) if value else ""
    logo = logo_of(setting.unit_id) if setting.unit_id else None
    return image_url(logo) if logo is not None else ""


def logo_src(setting: CertificateSetting) -> str:
    """What a certificate's <img> shows: "", the unit's uploaded logo as a data: URI, or the static
    path ("img/logo-x.svg", relative to the static folder) as before."""
    value = setting.logo or ""
    if value != UPLOAD:
        return value
    logo = logo_of(setting.unit_id) if setting.unit_id else None
    return data_uri(logo) if logo is not None else ""


def display_size(logo: CertificateLogo, box: int = 160) -> tuple[int, int]:
    """(width, height) in CSS px fitting `box`, in the logo's own proportions (the page sets them as
    attributes: no inline style under the CSP)."""
    w, h = logo.width or box, logo.height or box
    scale = box / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


__all__ = ["UPLOAD", "save_logo", "remove_logo", "logo_choices", "logo_src", "page_src", "image_url", "logo_of",
           "data_uri", "static_logos", "display_size"]
