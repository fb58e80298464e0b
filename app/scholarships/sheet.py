"""The signing sheet (danh sách ký nhận) as a document: in the request while short, else a print job.

A round's sheet for a whole district holds a thousand names (about 5 s of WeasyPrint); no web
request may print for more than 2 s, so past the one cut-off (app.printing.offer.print_or_offer)
the page offers the background job.
"""
from app.extensions import db
from app.printing.offer import DIRECT_MAX as PRINT_NOW_MAX
from app.pupils.models import School

from . import payout
from .models import ScholarshipRound

KIND = "scholarships.sheet"
DIRECT_MAX = PRINT_NOW_MAX  # rows printed within the request (about 1 s): the one cut-off, tests lower it here


def awards_of(rnd: ScholarshipRound, school_id: int | None) -> list:
    return db.session.scalars(payout.approved_query(rnd, school_id)).all()


def title(rnd: ScholarshipRound, school) -> str:
    return f"Danh sách ký nhận - {rnd.name}{' - ' + school.name if school else ''}"


def render(rnd: ScholarshipRound, school, awards, progress=None) -> bytes:
    from app.printing.services import render_list_pdf  # heavy: loaded when first needed

    goods = payout.goods_of(awards).text()
    # The goods column's total ("1.830 quyển vở") and a line "Tổng: 54.900.000 đ; 1.830 quyển vở".
    return render_list_pdf("pdf/scholarships/sheet.html", payout.sheet_rows(awards), columns=payout.SHEET_COLUMNS,
                           amount_key="amount", total_label=f"Tổng cộng: {len(awards)} suất", rnd=rnd,
                           school=school, landscape=True, progress=progress,
                           total_cells={"goods": goods} if goods else None, goods_total=goods)


def _load(params: dict):
    rnd = db.session.get(ScholarshipRound, params["round_id"])
    school = db.session.get(School, params["school_id"]) if params.get("school_id") else None
    return rnd, school


def _build(params: dict, progress) -> bytes:
    rnd, school = _load(params)
    return render(rnd, school, awards_of(rnd, school.id if school else None), progress)


def _fingerprint(params: dict) -> dict:
    rnd, school = _load(params)
    unit = rnd.unit
    awards = awards_of(rnd, school.id if school else None)
    return {"round": [rnd.name, rnd.school_year, rnd.decision_number],
            "unit": [unit.name, unit.parent.name if unit.parent else ""], "school": school.name if school else "",
            "rows": payout.sheet_rows(awards), "goods": payout.goods_of(awards).text()}


def register() -> None:
    """Declare the background document to the print engine (from init_app)."""
    from app.printing.jobs import register_document  # heavy: loaded when first needed

    register_document(KIND, _build, fingerprint=_fingerprint, version="3")  # 2: goods totals; 3: verification mark
