"""Commendation lists as .xlsx (or CSV with ?format=csv): a decision's honorees (in the order of
its page), the decision list and the assessment list, each with its page's current filters.

Registered on the commendations blueprint: app/commendations/__init__.py imports this module
with the other route modules, before the blueprint is registered.
"""
from flask import request
from flask_login import current_user, login_required

from app.core.authz import authorize, get_or_404
from app.core.export import export_table
from app.extensions import db

from . import assessments as assess
from . import queries
from .models import Decision
from .routes import bp, decision_filters, honoree_rows
from .routes_assess import assessment_filters

HEADERS = ["STT", "Họ và tên", "Đối tượng", "Ngày sinh", "Lớp, trường hoặc thôn, tổ", "Thành tích",
           "Số tiền thưởng (đồng)", "Hiện vật", "Số sổ vàng", "Ghi chú"]
DECISION_HEADERS = ["Số quyết định", "Ngày", "Trích yếu", "Đơn vị", "Trạng thái"]
ASSESSMENT_HEADERS = ["Tên", "Danh hiệu", "Năm", "Thôn, ấp", "Điểm", "Kết quả", "Đơn vị", "Ghi chú"]


@bp.get("/quyet-dinh/<int:decision_id>/xuat.xlsx")
@login_required
def honorees_export(decision_id):
    """The decision's honorees with their register numbers, numbered as in the printed list;
    ?canh_bao=1 (as on the page): only the rows with a warning, the warnings in a last column."""
    d = get_or_404(Decision, decision_id)
    _, warnings, numbered, only_warned = honoree_rows(d, request.args)
    rows = ((i, h.full_name, h.kind_label, h.birth_text, h.place, h.achievement, h.amount, h.goods, h.register_number,
             h.note) + ((" ".join(warnings.get(h.id, [])),) if only_warned else ()) for i, h in numbered)
    name = f"Khen thưởng - Quyết định {d.number}" + (" - dòng có cảnh báo" if only_warned else "")
    return export_table(name.replace("/", "-") + ".xlsx", HEADERS + (["Cảnh báo"] if only_warned else []), rows,
                        sheet_title="Danh sách khen thưởng")


@bp.get("/xuat.xlsx")
@login_required
def decisions_export():
    """The decision list (every page) with the page's search and status filter."""
    authorize("view")
    q, status = decision_filters(request.args)
    found = db.session.scalars(queries.decisions_in_scope(current_user.unit, q, status))
    rows = ((d.number, d.decision_date, d.title, d.unit.name, d.status_label) for d in found)
    return export_table("Danh sách quyết định khen thưởng.xlsx", DECISION_HEADERS, rows, sheet_title="Quyết định")


@bp.get("/danh-gia/xuat.xlsx")
@login_required
def assessments_export():
    """The assessment list with the page's year, title and village filters."""
    authorize("view")
    year, kind, village = assessment_filters(request.args)
    found = db.session.scalars(assess.in_scope(current_user.unit, year, kind, village))
    rows = ((a.full_name, a.kind_label, a.year, a.village, a.total, a.result_label, a.unit.name, a.note)
            for a in found)
    return export_table("Danh sách đánh giá danh hiệu học tập.xlsx", ASSESSMENT_HEADERS, rows,
                        sheet_title="Đánh giá")
