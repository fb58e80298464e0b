"""The printed disclosure and honour rolls: in the request when short, else a background print job.

A commune's year is a few pages; a province drive with thousands of donors is a hundred, which
takes WeasyPrint half a minute (about 10 ms a line), so above DIRECT_MAX lines the pages offer
the print engine's background job (app.printing.jobs) and its progress page instead.
The fingerprint is the printed content itself, with the date in the header: an unchanged
document printed twice on a day is rendered once.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from app.campaigns.models import Campaign
from app.core.clock import today
from app.core import blobs
from app.extensions import db
from app.printing.jobs import PrintError, document_key, register_document, request_print, store_pdf
from app.printing.services import render_list_pdf
from app.printing.services import render_pdf
from app.units.models import Unit

from . import honour, report, services
from .models import Publication
from .snapshot import digest

REPORT_KIND = "disclosure.report"
HONOUR_KIND = "disclosure.honour_roll"
DIRECT_MAX = 300  # lines printed within the request


def parent_name(unit: Unit) -> str:
    return unit.parent.name if unit.parent else ""


def report_lines(rep: report.Report) -> int:
    return (sum(len(g.lines) for g in rep.income) + len(rep.spending) + len(rep.adjustments)
            + sum(len(g.lines) for g in rep.goods_income) + len(rep.goods_given))


def report_pdf(rep: report.Report, progress=None, day=None, revised: str = "") -> bytes:
    """The printed report, dated `day` (today by default; the publishing day for the public one);
    `revised` says a republished one replaced an earlier publication (services.revised_text)."""
    if progress:
        progress(0, 1)
    return render_pdf("pdf/disclosure/report.html", rep=rep, parent=parent_name(rep.unit), today=day or today(),
                      revised=revised)


# ---- the public PDF: the published snapshot, printed once per snapshot ------------------------

PUBLIC_KIND = "disclosure.public_report"
log = logging.getLogger(__name__)
_public_lock = threading.Lock()


def public_params(pub) -> dict:
    # The revision note is printed too: the same figures republished after a change are a new paper.
    return {"publication_id": pub.id, "snapshot": digest(pub.snapshot), "revised": services.revised_text(pub)}


def public_title(pub) -> str:
    return f"Công khai quỹ năm {pub.year} - {pub.snapshot['unit']['name']}"


def public_key(pub) -> str:
    """The blob key of the public PDF of `pub`'s snapshot (the print engine's key for the same job)."""
    return document_key(PUBLIC_KIND, public_params(pub))


def _public_pdf(pub) -> bytes:
    return report_pdf(services.public_report(pub), day=services.published_local(pub).date(),
                      revised=services.revised_text(pub))


def public_pdf(pub) -> bytes | None:
    """The public PDF of a published snapshot: from the blob store when printed before, printed here when
    short, None while a long one is still being printed in the background (queue_public_pdf).

    A snapshot never changes, so each is printed once: anonymous readers cannot make the server
    print the same pages again and again, and one lock keeps them to one print at a time.
    """
    key = public_key(pub)
    pdf = blobs.get(key)
    if pdf is not None:
        return pdf
    if report_lines(services.public_report(pub)) > DIRECT_MAX:
        return None
    with _public_lock:
        pdf = blobs.get(key)
        if pdf is None:
            pdf = _public_pdf(pub)
            store_pdf(key, pdf, permanent=True)  # whole or not at all: a reader never sees half a file
    return pdf


def queue_public_pdf(pub) -> None:
    """After publishing: print a long snapshot's public PDF in the background (a short one is
    printed on its first download). Commits (the print engine's job must be seen by the worker)."""
    if report_lines(services.public_report(pub)) <= DIRECT_MAX or blobs.exists(public_key(pub)):
        return
    title = public_title(pub)
    try:
        request_print(PUBLIC_KIND, public_params(pub), unit=pub.unit, title=title, filename=f"{title}.pdf",
                      limit=False)  # queued by the app after publishing, not a print the user asked for
    except Exception:  # noqa: BLE001 - the publication stands; its PDF waits for the next publish
        log.exception("could not queue the public PDF of publication %s", pub.id)
        db.session.rollback()


def publish_with_pdf(unit: Unit, year: int, day) -> Publication:
    """Publish the year (services.publish), commit, and queue its public PDF when long: the print
    job is queued in a transaction of its own, so a failure there never takes the publication back."""
    pub = services.publish(unit, year, day)
    db.session.commit()
    queue_public_pdf(pub)
    return pub


def _build_public(params, progress) -> bytes:
    pub = db.session.get(Publication, int(params["publication_id"]))
    if pub is None or pub.snapshot is None or digest(pub.snapshot) != params["snapshot"]:
        raise PrintError("Báo cáo công khai đã được công khai lại hoặc thu hồi.")
    if progress:
        progress(0, 1)
    return _public_pdf(pub)


@dataclass
class HonourRoll:
    unit: Unit
    rows: list[dict]
    heading: str
    subtitle: str
    filename: str


def honour_roll(params: dict) -> HonourRoll:
    """The roll named by params: {"campaign_id": id} or {"unit_id": id, "year": y}."""
    if params.get("campaign_id"):
        campaign = db.session.get(Campaign, int(params["campaign_id"]))
        if campaign is None:
            raise PrintError("Không tìm thấy đợt vận động.")
        return HonourRoll(campaign.unit, honour.campaign_rows(campaign), f"Đợt vận động: {campaign.name}",
                          campaign.purpose, f"Sổ vàng - {campaign.name}.pdf")
    unit = db.session.get(Unit, int(params["unit_id"]))
    if unit is None:
        raise PrintError("Không tìm thấy đơn vị.")
    year = int(params["year"])
    return HonourRoll(unit, honour.year_rows(unit, year), f"Năm {year}",
                      "Các tập thể, cá nhân đóng góp, ủng hộ Quỹ khuyến học", f"Sổ vàng năm {year} - {unit.name}.pdf")


def honour_pdf(roll: HonourRoll, progress=None) -> bytes:
    return render_list_pdf("pdf/disclosure/honour_roll.html", roll.rows, columns=honour.COLUMNS, amount_key="amount",
                           total_label="Tổng cộng", progress=progress, unit_name=roll.unit.name,
                           parent=parent_name(roll.unit), heading=roll.heading, subtitle=roll.subtitle,
                           today=today(), count=len(roll.rows),
                           goods_total=sum(r.get("goods_value", 0) for r in roll.rows),
                           money_total=sum(r["amount"] - r.get("goods_value", 0) for r in roll.rows))


def _report(params) -> report.Report:
    unit = db.session.get(Unit, int(params["unit_id"]))
    if unit is None:
        raise PrintError("Không tìm thấy đơn vị.")
    return report.build(unit, int(params["year"]))


def _report_fingerprint(params) -> dict:
    rep = _report(params)
    return {"today": today().isoformat(), "unit": [rep.unit.name, parent_name(rep.unit)],
            "funds": [[f.fund.name, f.opening, f.income, f.spending, f.closing] for f in rep.funds],
            "income": [[g.title, g.note, [[ln.name, ln.amount, ln.in_kind] for ln in g.lines]] for g in rep.income],
            "spending": [[s.purpose, s.basis, s.count, s.amount, s.kind] for s in rep.spending],
            "adjustments": [[str(a.entry_date), a.text, a.amount] for a in rep.adjustments],
            "goods": [rep.goods_opening, rep.goods_closing, rep.goods_adjustment, rep.moved_in_kind,
                      [[g.title, [[ln.name, ln.amount, ln.in_kind] for ln in g.lines]] for g in rep.goods_income],
                      [[s.purpose, s.basis, s.count, s.amount, s.items] for s in rep.goods_given]]}


def _honour_fingerprint(params) -> dict:
    roll = honour_roll(params)
    return {"today": today().isoformat(), "unit": [roll.unit.name, parent_name(roll.unit)],
            "heading": [roll.heading, roll.subtitle], "rows": roll.rows}


def register() -> None:
    """Declare the background documents to the print engine (from init_app)."""
    register_document(REPORT_KIND, lambda params, progress: report_pdf(_report(params), progress),
                      fingerprint=_report_fingerprint, version="1")
    # The params hold the snapshot's digest: the fingerprint is the frozen content itself.
    register_document(PUBLIC_KIND, _build_public, version="1", permanent=True)  # served to visitors for good
    register_document(HONOUR_KIND, lambda params, progress: honour_pdf(honour_roll(params), progress),
                      fingerprint=_honour_fingerprint, version="1")
