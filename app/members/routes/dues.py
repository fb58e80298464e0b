"""Dues pages (hội phí) under /hoi-vien/hoi-phi: settings, a batch from a paper list, a batch and its
papers, voiding it, who paid which year, the lapsed list, passing up to the unit above.

A path that answers GET and POST has ONE rule (two rules on one path with an int converter answer
405, not 404, on a too-large id). The unit a page is about comes from ?don_vi= (the user's unit and
below; anything else 404) and defaults to the user's unit; the year from ?nam=."""
from typing import NamedTuple

from flask import abort, flash, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from app.core import idempotency
from app.core.authz import authorize, get_or_404, is_id, scope_unit_ids
from app.core.clock import today
from app.core.export import export_table
from app.core.fields import escaped
from app.core.views import attempt, form_page, go, page_number, render
from app.extensions import db
from app.reports import cache
from app.units.models import Unit
from app.units.services import subtree
from app.vn.money import format_vnd

from .. import dues, dues_queries as dq
from .. import dues_remit as passing_up
from ..dues_forms import NEW_FUND, CollectForm, DuesVoidForm, RemitForm, SettingForm
from ..models import DuesBatch, DuesRemittance
from . import bp

PER_PAGE = 40


def _unit_arg(source=None) -> Unit:
    """The unit named by don_vi (in the user's scope, else 404), or the user's own unit."""
    raw = (source if source is not None else request.args).get("don_vi", "")
    try:
        uid = int(raw)
    except (TypeError, ValueError):
        return current_user.unit
    if not is_id(uid):
        if source is not None:
            return current_user.unit  # a posted form's garbled unit: the view refuses it beside the form
        abort(404)
    return get_or_404(Unit, uid)


def _year_arg(source=None) -> int:
    raw = (source if source is not None else request.args).get("nam", "")
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return today().year
    return min(max(year, dues.EARLIEST_YEAR), today().year + 1)


class PickerUnit(NamedTuple):
    """A unit of the dues pages' picker: plain data, so it can be cached."""
    id: int
    depth: int
    name: str


class Picker:
    """The units of the dues pages' picker (_dues_unit_picker.html), the user's active subtree in tree
    order. Its options are written here, not by a template loop over 500 units of a province (a
    third of the lapsed list's time), as the loop wrote them: names escaped, indented by depth."""

    def __init__(self, units: list[PickerUnit]):
        self.units = units

    def options(self, selected: int) -> Markup:
        top = self.units[0].depth if self.units else 0
        return Markup("".join(f'<option value="{u.id}"{" selected" if u.id == selected else ""}>'
                              f'{"— " * (u.depth - top)}{escaped(u.name)}</option>' for u in self.units))


def _units() -> Picker:
    """The picker, its units kept in the reports cache: a province's 500 units put in Vietnamese
    order were over half of the lapsed list's time. Any change to the tree bumps the global version
    the entry is keyed on (units are `__counted__ = "tree"`)."""
    root = current_user.unit
    return Picker(cache.cached("members.dues_units", root.id, (), lambda: [
        PickerUnit(u.id, u.depth, u.name) for u in subtree(root, include_inactive=False)]))


@bp.get("/hoi-phi/")
@login_required
def dues_index():
    """Which units collect dues (with a link to each one's settings), the latest batches."""
    authorize("view")
    # The user's unit and the units right below it, and every unit below that has a dues setting:
    # a province's page does not list thousands of branches that collect nothing.
    near = subtree(current_user.unit, include_inactive=False, levels=1)
    with_setting = dq.units_with_setting(current_user.unit)
    order = {u.path: i for i, u in enumerate(near)}  # tree order, names in order; a deeper unit under its own

    def key(u):
        top = max((p for p in order if u.path.startswith(p)), key=len)
        return order[top], u.path != top, u.path

    seen = {u.id for u in near}
    units = sorted(near + [u for u in with_setting if u.id not in seen], key=key)
    batches = dues.recent_batches(scope_unit_ids(current_user.unit))
    return render("members/dues_index.html", partial="members/_dues_index.html", units=units,
                  settings=dq.settings_of(units), batches=batches)


@bp.route("/hoi-phi/cai-dat", methods=["GET", "POST"])
@login_required
def dues_settings():
    """A unit's dues settings (?don_vi=), dues.manage (the index shows every unit's figures to readers)."""
    unit = _unit_arg()  # the form posts to its own URL (?don_vi=)
    authorize("dues.manage", unit)
    setting = dues.setting_of(unit)
    funds_ = dues.operating_funds(unit)
    form = SettingForm(obj=setting) if setting else SettingForm()
    choices = [("", "— Chọn quỹ —")] + [(str(f.id), f.name) for f in funds_]
    if not any(f.name == dues.OPERATING_FUND_NAME for f in funds_):
        choices.append((NEW_FUND, f"Tạo mới “{dues.OPERATING_FUND_NAME}”"))
    form.fund_choice.choices = choices
    if request.method == "GET":
        form.fund_choice.data = str(setting.fund_id) if setting and setting.fund_id else ("" if funds_ else NEW_FUND)
    if form.validate_on_submit():
        choice = form.fund_choice.data or ""
        fund_id = int(choice) if choice.isdigit() else None
        back = url_for(".dues_settings", don_vi=unit.id)
        answer = attempt(form, lambda: dues.save_setting(
            unit, enabled=form.enabled.data, amount=form.amount.data, fund_id=fund_id, share_up=form.share_up.data,
            lapsed_after=form.lapsed_after.data, new_fund=choice == NEW_FUND), url=back,
            success=f"Đã lưu cài đặt hội phí của {unit.name}.")
        if answer:
            return answer
    return form_page("members/dues_settings.html", "members/_dues_settings_form.html", form, unit=unit,
                     setting=setting, units=_units())


def _collect_context(unit: Unit, year: int, ticked: set[int]):
    members = list(db.session.scalars(dues.roll(unit))) if dues.collecting(unit) else []
    paid = dues.paid_member_ids(unit, year)
    later = {m.id for m in members if m.joined_on.year > year}  # joined after the dues year: nothing owed
    selectable = sum(1 for m in members if m.id not in paid and m.id not in later)
    return {"members": members, "paid": paid, "later": later, "ticked": ticked - paid - later,
            "selectable": selectable}


@bp.route("/hoi-phi/thu", methods=["GET", "POST"])
@login_required
def dues_collect():
    """A batch from a chi hội's paper list: ?don_vi= (unit), ?nam= (dues year), ?tat_ca=1 (all ticked,
    for a browser without JavaScript). POST writes one phiếu thu for the ticked members, once."""
    posted = request.method == "POST"
    unit, year = _unit_arg(request.form if posted else None), _year_arg(request.form if posted else None)
    authorize("dues.collect", unit)
    setting = dues.collecting(unit)
    form = CollectForm()
    if not posted:
        form.collected_on.data = today()
    raw_ticks = request.form.getlist("hoi_vien") if posted else []
    ticked = {int(i) for i in raw_ticks if i.isdigit() and is_id(int(i))}
    # The hidden unit and year and the ticks are the page's own: anything else is refused, never guessed.
    garbled = posted and (str(unit.id) != request.form.get("don_vi", "") or str(year) != request.form.get("nam", "")
                          or len(ticked) != len(raw_ticks))
    if posted and form.validate_on_submit():
        if garbled:
            form.form_errors.append("Đơn vị, năm hoặc danh sách hội viên gửi lên không hợp lệ: hãy tải lại trang.")
        elif answer := attempt(form, lambda: dues.collect(
                unit, year=year, member_ids=ticked, collected_on=form.collected_on.data, collector=form.collector.data,
                control_total=form.control_total.data), once=True,
                url=lambda b: url_for(".dues_batch", batch_id=b.id),
                success=lambda b: f"Đã ghi đợt thu hội phí năm {b.year}: {b.count} hội viên, phiếu thu "
                                  f"{b.ledger_entry.number}."):
            return answer
    ctx = _collect_context(unit, year, ticked)
    if request.method == "GET" and request.args.get("tat_ca"):
        ctx["ticked"] = {m.id for m in ctx["members"]} - ctx["paid"] - ctx["later"]
    ticked_sum = len(ctx["ticked"]) * (setting.amount if setting else 0)
    status = 422 if posted else 200
    return render("members/dues_collect.html", partial="members/_dues_collect_form.html", status=status, form=form,
                  unit=unit, year=year, setting=setting, units=_units(), ticked_sum=ticked_sum, **ctx)


@bp.get("/hoi-phi/dot/<int:batch_id>")
@login_required
def dues_batch(batch_id):
    """A batch: who paid, its phiếu thu (PDF) and its list (PDF), and the void link."""
    batch = get_or_404(DuesBatch, batch_id)
    return render("members/dues_batch.html", partial="members/_dues_batch.html", batch=batch,
                  rows=dues.batch_rows(batch))


@bp.get("/hoi-phi/dot/<int:batch_id>/danh-sach.pdf")
@login_required
def dues_batch_pdf(batch_id):
    """Danh sách thu hội phí: the list attached to the batch's phiếu thu (A4)."""
    batch = get_or_404(DuesBatch, batch_id)
    from app.printing.services import Column, pdf_response, render_list_pdf  # heavy: loaded when first needed

    rows = [{"stt": i, "full_name": p.member.full_name, "number": p.member.number, "village": p.member.village,
             "amount": p.amount} for i, p in enumerate(dues.batch_rows(batch), start=1)]
    columns = [Column("stt", "STT", 9, "stt"), Column("full_name", "Họ và tên", 36),
               Column("number", "Số thẻ", 12, align="c"), Column("village", "Thôn, tổ", 22),
               Column("amount", "Số tiền (đồng)", 21, "money")]
    pdf = render_list_pdf("pdf/members/dues_list.html", rows, columns=columns, amount_key="amount", batch=batch)
    return pdf_response(pdf, f"Danh sách thu hội phí năm {batch.year} - đợt {batch.id}.pdf")


@bp.route("/hoi-phi/dot/<int:batch_id>/huy", methods=["GET", "POST"])
@login_required
def dues_void(batch_id):
    """Void a batch (reason): its phiếu thu reversed, its members' year freed. GET is the no-JS confirmation."""
    batch = get_or_404(DuesBatch, batch_id, "dues.void")
    back = url_for(".dues_batch", batch_id=batch.id)
    form = DuesVoidForm()
    if batch.voided:
        flash("Đợt thu này đã được hủy trước đó.", "error")
        return go(back)
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: dues.void_batch(batch, form.reason.data), url=back,
            success=f"Đã hủy đợt thu hội phí năm {batch.year} ({batch.count} hội viên).")):
        return answer
    return form_page("members/dues_void.html", "members/_dues_void_form.html", form, batch=batch, back=back)


@bp.get("/hoi-phi/da-dong")
@login_required
def dues_paid():
    """Who has paid which year: members × the last three years to ?nam=, for ?don_vi= and below."""
    authorize("view")
    unit, year = _unit_arg(), _year_arg()
    pagination, paid, years = dq.grid_page(unit, year, page_number(), PER_PAGE)
    total, counts = dq.grid_counts(unit, year)
    return render("members/dues_paid.html", partial="members/_dues_paid.html", unit=unit, year=year,
                  pagination=pagination, paid=paid, years=years, total=total, counts=counts, units=_units(),
                  collecting=dq.collecting_count(unit))


@bp.get("/hoi-phi/da-dong.xlsx")
@login_required
def dues_paid_export():
    authorize("view")
    unit, year = _unit_arg(), _year_arg()
    years = dq.grid_years(year)
    rows = ((n, m.full_name, m.number, m.unit.name, *["Đã đóng" if ok else "" for ok in marks])
            for n, m, marks in dq.grid_export_rows(unit, year))
    return export_table(f"Hội phí đã đóng {years[0]}-{year}.xlsx",
                        ["STT", "Họ và tên", "Số thẻ", "Đơn vị", *[f"Năm {y}" for y in years]], rows, "Đã đóng")


@bp.get("/hoi-phi/chua-dong")
@login_required
def dues_lapsed():
    """Danh sách hội viên chưa đóng hội phí (?don_vi=, ?nam= the reference year), paged."""
    authorize("view")
    unit, year = _unit_arg(), _year_arg()
    pagination, rows, owed, collecting = dq.lapsed_view(unit, year, page_number(), PER_PAGE)
    return render("members/dues_lapsed.html", partial="members/_dues_lapsed.html", unit=unit, year=year,
                  pagination=pagination, rows=rows, count=pagination.total, owed=owed, units=_units(),
                  collecting=collecting)


@bp.get("/hoi-phi/chua-dong.xlsx")
@login_required
def dues_lapsed_export():
    authorize("view")
    unit, year = _unit_arg(), _year_arg()
    rows = ((n, r["member"].full_name, r["member"].number, r["member"].unit.name, r["member"].village,
             ", ".join(str(y) for y in r["years"]), len(r["years"]), r["amount"])
            for n, r in dq.lapsed_export_rows(unit, year))
    return export_table(f"Danh sách hội viên chưa đóng hội phí {year}.xlsx",
                        ["STT", "Họ và tên", "Số thẻ", "Đơn vị", "Thôn, tổ", "Các năm chưa đóng", "Số năm",
                         "Số tiền còn thiếu (đồng)"], rows, "Chưa đóng")


@bp.route("/hoi-phi/nop-cap-tren", methods=["GET", "POST"])
@login_required
def dues_remit():
    """Passing up (?nam=): per unit of the user's subtree, paid × share − remitted = owed; POST remits
    one unit's owed amount for the year as a fund transfer to the parent's dues fund."""
    authorize("dues.remit")
    year = _year_arg(request.form if request.method == "POST" else None)
    form = RemitForm()
    if request.method == "GET":
        form.remitted_on.data = today()
    if request.method == "POST" and form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "dues.remit")
        answer = attempt(form, lambda: passing_up.remit(unit, form.year.data, remitted_on=form.remitted_on.data),
                         once=True, url=lambda r: url_for(".dues_remit", nam=r.year),
                         success=lambda r: f"Đã nộp cấp trên {format_vnd(r.amount)} hội phí năm {r.year} "
                                           f"của {r.unit.name}.")
        if answer:
            return answer
    rows = passing_up.positions(scope_unit_ids(current_user.unit), year)
    return render("members/dues_remit.html", partial="members/_dues_remit.html",
                  status=422 if request.method == "POST" else 200, form=form, year=year, rows=rows,
                  failed=request.method == "POST",
                  new_idem_key=idempotency.new_key)


@bp.route("/hoi-phi/nop-cap-tren/<int:remittance_id>/huy", methods=["GET", "POST"])
@login_required
def dues_remit_void(remittance_id):
    """Void a remittance (reason): both legs of its transfer reversed. The receiving unit must be in the
    user's scope too (its fund changes). GET is the no-JS confirmation."""
    rem = get_or_404(DuesRemittance, remittance_id, "dues.void")
    authorize("dues.void", rem.to_unit)
    back = url_for(".dues_remit", nam=rem.year)
    if rem.voided_at is not None:
        flash("Lần nộp này đã được hủy trước đó.", "error")
        return go(back)
    form = DuesVoidForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: passing_up.void_remittance(rem, form.reason.data), url=back,
            success=f"Đã hủy lần nộp cấp trên hội phí năm {rem.year} của {rem.unit.name}.")):
        return answer
    return form_page("members/dues_remit_void.html", "members/_dues_remit_void_form.html", form, rem=rem, back=back)
