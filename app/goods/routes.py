"""Goods pages: stock per unit and item, the register, handing goods out, an entry, its paper, voiding.

Receiving happens through donations (a gift in kind); a hand-out ("Xuất hiện vật") needs goods.write.
"""
from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.authz import authorize, get_or_404, is_id
from app.core.export import export_table
from app.core.views import attempt, form_page, go, page_number, render
from app.extensions import db
from app.funds.forms import VoidForm
from app.units.models import Unit
from app.units.services import scope_choices

from . import queries, services
from .forms import GiveOutForm, RegisterFilterForm, StockFilterForm
from .models import OUT, GoodsEntry

bp = Blueprint("goods", __name__, url_prefix="/hien-vat")
PER_PAGE = 50


def _unit_filter(field):
    """The unit picked in a filter (in scope), or None for the user's whole scope."""
    field.choices = [(0, "Mọi đơn vị")] + scope_choices(current_user.unit, active_only=False)
    if not is_id(field.data):
        return None
    return get_or_404(Unit, field.data)


def _stock():
    """(filter form, stock rows) for the stock page and its export: one reading of the filters."""
    filters = StockFilterForm(request.args)
    unit = _unit_filter(filters.unit_id)
    return filters, services.stock(unit or current_user.unit, only_on_hand=filters.only_on_hand.data == "1")


@bp.get("/")
@login_required
def index():
    """Stock per unit and item in the user's scope: received, given out, on hand, value on hand."""
    authorize("view")
    filters, rows = _stock()
    return render("goods/index.html", partial="goods/_stock.html", filters=filters, rows=rows)


@bp.get("/ton-kho.xlsx")
@login_required
def index_export():
    """The stock table (same filters) as .xlsx, or CSV with ?format=csv."""
    authorize("view")
    _, stock = _stock()
    rows = ((r["unit_name"], r["item"], r["item_unit"], r["received"], r["given_out"], r["on_hand"],
             r["value_on_hand"]) for r in stock)
    return export_table("Tồn kho hiện vật.xlsx", ["Đơn vị", "Hiện vật", "Đơn vị tính", "Đã nhận", "Đã xuất",
                                                  "Còn lại", "Giá trị còn lại (đồng)"], rows,
                        sheet_title="Tồn kho")


def _register():
    filters = RegisterFilterForm(request.args)
    unit = _unit_filter(filters.unit_id)
    filters.item_key.choices, filters.item_unit.choices = queries.item_choices(current_user.unit)
    stmt = queries.register_query(current_user.unit, unit_id=unit.id if unit else None,
                                  item_key=filters.item_key.data or "", item_unit=filters.item_unit.data or "",
                                  direction=filters.direction.data or "", source=filters.source.data or "",
                                  date_from=filters.date_from.data, date_to=filters.date_to.data,
                                  include_voided=filters.include_voided.data == "1")
    return filters, stmt


@bp.get("/so")
@login_required
def register():
    """The goods register: papers received and handed out, filtered, newest first, with totals."""
    authorize("view")
    filters, stmt = _register()
    pagination = db.paginate(queries.with_rows(stmt), page=page_number(), per_page=PER_PAGE, error_out=False)
    return render("goods/register.html", partial="goods/_register.html", filters=filters, pagination=pagination,
                  totals=queries.register_totals(stmt), one_item=bool(filters.item_key.data and filters.item_unit.data))


@bp.get("/so/xuat.xlsx")
@login_required
def register_export():
    """The register (same filters as the page) as .xlsx, or CSV with ?format=csv; oldest first."""
    authorize("view")
    _, stmt = _register()
    entries = db.session.scalars(queries.with_rows(stmt.order_by(None).order_by(GoodsEntry.entry_date,
                                                                               GoodsEntry.id)))
    rows = ((e.entry_date, e.number or "", e.unit.name, e.direction_label, e.source_label, e.item, e.item_unit,
             e.quantity if e.direction != OUT else None, e.quantity if e.direction == OUT else None, e.value,
             e.counterparty, e.description, e.basis,
             f"Đã hủy ngày {e.reversal.entry_date:%d/%m/%Y}: {e.reversal.description}" if e.reversal else "")
            for e in entries)
    return export_table("Sổ hiện vật.xlsx", ["Ngày", "Số phiếu", "Đơn vị", "Nhập/xuất", "Nguồn", "Hiện vật",
                                             "Đơn vị tính", "Số lượng nhập", "Số lượng xuất",
                                             "Giá trị quy ra tiền (đồng)", "Bên giao/nhận", "Nội dung", "Căn cứ",
                                             "Ghi chú"], rows, sheet_title="Sổ hiện vật")


def _stock_choices() -> dict:
    """{unit name: [(first entry id, "item (còn N unit)")]} of what units in scope may hand out."""
    choices: dict = {}
    for r in services.stock(current_user.unit, only_on_hand=True):
        label = f"{r['item']} (còn {services.format_quantity(r['on_hand'])} {r['item_unit']})"
        choices.setdefault(r["unit_name"], []).append((r["first_id"], label))
    return choices


@bp.route("/xuat", methods=["GET", "POST"])
@login_required
def give_out():
    """Xuất hiện vật: refused beside the quantity when not enough is on hand (input kept); one record
    per form key."""
    authorize("goods.write")
    form = GiveOutForm(entry_date=clock.today(), stock_id=request.args.get("kho", type=int))
    form.stock_id.choices = _stock_choices()
    if form.validate_on_submit():
        key = get_or_404(GoodsEntry, form.stock_id.data, "goods.write")
        if answer := attempt(
                form, lambda: services.give_out(key.unit, item=key.item, item_unit=key.item_unit,
                                                quantity=form.quantity.data, entry_date=form.entry_date.data,
                                                recipient=form.recipient.data, purpose=form.purpose.data,
                                                basis=form.basis.data),
                once=True, url=lambda entry: url_for(".detail", entry_id=entry.id),
                success=lambda entry: f"Đã ghi phiếu xuất {entry.number}."):
            return answer
    return form_page("goods/give_out.html", "goods/_give_out_form.html", form)


@bp.get("/<int:entry_id>")
@login_required
def detail(entry_id):
    """One entry: what, how much, who; its paper, its void (or its owner's page)."""
    entry = get_or_404(GoodsEntry, entry_id)
    return render("goods/detail.html", partial="goods/_detail.html", entry=entry,
                  reversal=services.reversal_of(entry), owner=queries.owner_of(entry))


@bp.get("/<int:entry_id>/phieu.pdf")
@login_required
def entry_pdf(entry_id):
    """Biên bản giao nhận hiện vật (in) or phiếu xuất hiện vật (out); voided ones say ĐÃ HỦY."""
    entry = get_or_404(GoodsEntry, entry_id)
    if not entry.number:
        abort(404)  # reversals have no paper of their own; the original prints ĐÃ HỦY
    from app.printing.services import pdf_response, render_pdf  # heavy: loaded when first needed

    template = "pdf/goods/receipt.html" if entry.direction != OUT else "pdf/goods/issue.html"
    pdf = render_pdf(template, entry=entry, reversal=services.reversal_of(entry))
    title = "Biên bản giao nhận hiện vật" if entry.direction != OUT else "Phiếu xuất hiện vật"
    return pdf_response(pdf, f"{title} {entry.number}.pdf")


def _void_refusal(entry: GoodsEntry, owner) -> str:
    if entry.reversal_of_id is not None or entry.source == "reversal":
        return "Đây là phiếu hủy, không thể hủy tiếp."
    if services.is_reversed(entry):
        return "Phiếu hiện vật này đã được hủy trước đó."
    if entry.source != "issue":
        where = owner[0] if owner else "chứng từ gốc"
        return (f"Phiếu này được ghi từ một {where}. Hãy hủy từ trang của {where} đó, "
                "để sổ hiện vật và chứng từ gốc luôn khớp nhau.")
    return ""


@bp.route("/<int:entry_id>/huy", methods=["GET", "POST"])
@login_required
def void(entry_id):
    """Void a hand-out entered here (a reversal with a reason); other sources are voided by their owner."""
    entry = get_or_404(GoodsEntry, entry_id, "goods.write")
    back = url_for(".detail", entry_id=entry.id)
    owner = queries.owner_of(entry)
    refusal = _void_refusal(entry, owner)
    form = VoidForm()
    if refusal:
        if form.is_submitted():
            flash(refusal, "error")
            return go(back)
        return render("goods/void.html", entry=entry, form=form, refusal=refusal, owner=owner, back=back)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.reverse(entry, form.reason.data), url=back,
            success=f"Đã hủy phiếu xuất {entry.number}.")):
        return answer
    return form_page("goods/void.html", "goods/_void_form.html", form, entry=entry, refusal="", owner=owner,
                     back=back)


__all__ = ["bp"]
