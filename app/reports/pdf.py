"""The year report as a PDF: rendered directly for a commune, in the background for a big tree.

The background job goes through app.printing.jobs (progress page, reuse of an identical file):
its fingerprint is the unit's data version and the day, so an unchanged report is not rendered
twice, and any write under the unit gives a new file.
"""
from datetime import date

from sqlalchemy import select

from app.commendations.models import CertificateSetting
from app.core.clock import today
from app.extensions import db
from app.printing.jobs import PrintError, register_document
from app.printing.offer import DIRECT_MAX
from app.printing.services import render_pdf
from app.units.models import Unit

from . import charts, periods
from .cache import versions
from .links import Links
from .yearreport import YearReport, build

KIND = "reports.year"
DIRECT_MAX_ROWS = DIRECT_MAX  # table rows above which the page offers the background print


def rows_of(rep: YearReport) -> int:
    return len(rep.branch_rows) * (3 if rep.has_goods else 2) + len(rep.campaigns) + len(rep.rounds) + len(rep.decisions) + len(rep.funds)


def signer(unit: Unit) -> dict:
    """Signature and place from the unit's certificate settings, when it has some."""
    s = db.session.scalar(select(CertificateSetting).where(CertificateSetting.unit_id == unit.id))
    return {"title": (s.signer_title if s and s.signer_title else "TM. BAN THƯỜNG VỤ\nCHỦ TỊCH"),
            "name": s.signer_name if s else "", "place": s.place if s else ""}


def month_chart(rep: YearReport):
    lk = Links(rep.period)
    bars = [charts.Bar(f"Tháng {m}/{y}", value, href=lk.donations_month(y, m)) for (y, m), value in rep.monthly]
    return charts.bar_chart(f"thu-thang-{rep.unit_id}", f"Tiền ủng hộ theo tháng, {rep.period.label}", bars,
                            caption="Tiền ủng hộ theo tháng")


def render(unit: Unit, rep: YearReport, day: date) -> bytes:
    # On paper the months are a small table, not the phone-shaped chart.
    return render_pdf("pdf/reports/year.html", rep=rep, unit=unit, period=rep.period, today=day, signer=signer(unit))


def filename(unit: Unit, period: periods.Period) -> str:
    return f"Báo cáo tổng kết {period.key} - {unit.name}.pdf"


def _build_job(params: dict, progress) -> bytes:
    unit = db.session.get(Unit, params["unit_id"])
    if unit is None:
        raise PrintError("Đơn vị này không còn tồn tại.")
    day = today()
    progress(0, 2)
    rep = build(unit, periods.parse(params["ky"], day))
    progress(1, 2)
    pdf = render(unit, rep, day)
    progress(2, 2)
    return pdf


def _fingerprint(params: dict):
    return [list(versions(params["unit_id"])), today().isoformat()]


def register() -> None:
    # version 2: money and goods apart (issue 13)
    register_document(KIND, _build_job, fingerprint=_fingerprint, version="2")
