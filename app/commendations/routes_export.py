"""A decision's list of honorees as .xlsx (or CSV with ?format=csv), in the order of its page.

Registered on the commendations blueprint: app/commendations/__init__.py imports this module
with the other route modules, before the blueprint is registered.
"""
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.export import export_table

from . import services
from .models import Decision
from .routes import bp

HEADERS = ["STT", "Họ và tên", "Đối tượng", "Ngày sinh", "Lớp, trường hoặc thôn, tổ", "Thành tích",
           "Số tiền thưởng (đồng)", "Số sổ vàng", "Ghi chú"]


@bp.get("/quyet-dinh/<int:decision_id>/xuat.xlsx")
@login_required
def honorees_export(decision_id):
    """The decision's honorees (the whole list: the page has no filters) with their register numbers."""
    d = get_or_404(Decision, decision_id)
    rows = ((i, h.full_name, h.kind_label, h.birth_text, h.place, h.achievement, h.amount, h.register_number,
             h.note) for i, h in enumerate(services.honorees(d), start=1))
    return export_table(f"Khen thưởng - Quyết định {d.number}.xlsx".replace("/", "-"), HEADERS, rows,
                        sheet_title="Danh sách khen thưởng")
