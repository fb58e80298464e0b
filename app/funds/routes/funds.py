"""Funds: the list with balances, a fund's ledger (page and export), a new fund."""
from flask import request, url_for
from flask_login import current_user, login_required

from app.books.owners import void_link
from app.core.authz import authorize, can, get_or_404
from app.core.export import export_table
from app.core.views import attempt, form_page, page_number, render
from app.extensions import db
from app.units.models import Unit
from app.units.services import scope_choices

from .. import services
from ..forms import FundForm, LedgerFilterForm
from ..models import Fund, LedgerEntry
from ..queries import ledger_query
from . import bp


@bp.get("/")
@login_required
def index():
    """Funds of the user's unit and below, with balances from one aggregate query."""
    authorize("view")
    pagination = db.paginate(services.funds_in_scope(current_user.unit), page=page_number(), per_page=50,
                             error_out=False)
    totals = services.balances(pagination.items)
    return render("funds/index.html", partial="funds/_fund_rows.html", pagination=pagination, totals=totals)


@bp.get("/xuat.xlsx")
@login_required
def index_export():
    """The funds of the user's unit and below with their balances, as .xlsx or CSV (?format=csv)."""
    authorize("view")
    found = list(db.session.scalars(services.funds_in_scope(current_user.unit)))
    totals = services.balances(found)
    rows = ((f.name, f.unit.name, f.description, totals.get(f.id, 0), "Đang hoạt động" if f.active else
             "Ngừng hoạt động") for f in found)
    return export_table("Danh sách quỹ.xlsx", ["Tên quỹ", "Đơn vị", "Mô tả", "Số dư (đồng)", "Trạng thái"], rows,
                        sheet_title="Quỹ")


def filtered_ledger(fund, args):
    """(filter form, select) for a fund's ledger page and its export: one reading of the filters."""
    filters = LedgerFilterForm(args)
    return filters, ledger_query(fund, date_from=filters.date_from.data, date_to=filters.date_to.data,
                                 direction=filters.direction.data or "", source=filters.source.data or "")


@bp.get("/<int:fund_id>")
@login_required
def detail(fund_id):
    """A fund: balance in figures and words, and its ledger (filtered, newest first)."""
    fund = get_or_404(Fund, fund_id)
    filters, stmt = filtered_ledger(fund, request.args)
    pagination = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render("funds/detail.html", partial="funds/_entries.html", fund=fund, filters=filters,
                  pagination=pagination, fund_balance=services.balance(fund), void_link=void_link,
                  may_write=_may_write())


def _may_write():
    """may_write(entry): can('money.write', entry), asked once per unit, not per row: the answer
    depends on the entry's unit only, and asking it for each of 50 rows was a fifth of the page."""
    known: dict[int, bool] = {}

    def may_write(entry) -> bool:
        if entry.unit_id not in known:
            known[entry.unit_id] = can(current_user, "money.write", entry)
        return known[entry.unit_id]
    return may_write


def _note(e) -> str:
    """The cash book's remark column: voided, a reversal, a correction or corrected."""
    if e.reversal:
        return "Đã hủy"
    if e.original:
        return "Hủy phiếu " + (e.original.number or "")
    if e.corrected:
        return "Điều chỉnh phiếu " + (e.corrected.number or "")
    return "Đã điều chỉnh" if any(c.reversal is None for c in e.corrections) else ""


@bp.get("/<int:fund_id>/so-quy.xlsx")
@login_required
def export(fund_id):
    """The fund's ledger (same filters as the page) as .xlsx, or CSV with ?format=csv; oldest first
    like a paper cash book."""
    fund = get_or_404(Fund, fund_id)
    _, stmt = filtered_ledger(fund, request.args)
    entries = list(db.session.scalars(stmt.order_by(None).order_by(LedgerEntry.entry_date, LedgerEntry.id)))
    rows = ((e.entry_date, e.number or "", e.direction_label, e.source_label, e.counterparty, e.description,
             e.basis, e.amount if e.direction == "in" else None, e.amount if e.direction == "out" else None,
             _note(e))
            for e in entries)
    return export_table(f"Sổ quỹ - {fund.name}.xlsx",
                        ["Ngày", "Số phiếu", "Thu/Chi", "Nguồn", "Người nộp/nhận", "Nội dung", "Căn cứ",
                         "Thu (đồng)", "Chi (đồng)", "Ghi chú"], rows, sheet_title="Sổ quỹ")


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def create():
    """A new fund for the user's unit or a unit below it."""
    authorize("money.write")
    form = FundForm(unit_id=request.args.get("don_vi", current_user.unit_id, type=int))
    form.unit_id.choices = scope_choices(current_user.unit)
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "money.write")
        if answer := attempt(form, lambda: services.create_fund(unit, form.name.data, form.description.data),
                             url=lambda fund: url_for(".detail", fund_id=fund.id),
                             success=lambda fund: f"Đã tạo quỹ “{fund.name}”."):
            return answer
    return form_page("funds/fund_form.html", "funds/_fund_form.html", form)
