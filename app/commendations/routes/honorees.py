"""Honorees: one line of a draft (add by hand or from a pupil or donor picked in the register, correct,
take off), a decision's list as .xlsx, and everyone commended across decisions with its export.

Picking without JavaScript is a page of its own (pick): a GET search form, then one "Chọn" button per
match that opens the honoree form prefilled (?hoc_sinh= / ?nha_hao_tam=). With htmx the same search
runs inside the honoree form page and only the list of matches is swapped in.

The list across decisions is what the commendation figures of the dashboard and reports count.
Filters: `ky` (period key), `loai` (kind), `don_vi` (a unit in scope).
"""
from flask import abort, render_template, request, url_for
from flask_login import login_required

from app.core.authz import get_or_404
from app.core.export import export_table
from app.core.paging import Page
from app.core.views import attempt, confirm_action, form_page, page_number, render
from app.reports.params import period_choices, unit_and_period

from .. import honorees, pickers, services
from ..forms import ConfirmForm, HonoreeFilterForm, HonoreeForm
from ..models import HONOREE_KINDS, Decision, Honoree
from . import bp, frozen_page, honoree_rows, stock_items

EXPORT_HEADERS = ["STT", "Họ và tên", "Đối tượng", "Ngày sinh", "Lớp, trường hoặc thôn, tổ", "Thành tích",
                  "Số tiền thưởng (đồng)", "Hiện vật", "Số sổ vàng", "Ghi chú"]


def _line(form: HonoreeForm, keep: Honoree | None = None) -> services.HonoreeData:
    """The posted line for the service; a corrected line keeps the assessment or nomination it came from."""
    pupil_id, donor_id = form.link_ids()
    kept = {"assessment_id": keep.assessment_id, "nomination_id": keep.nomination_id} if keep is not None else {}
    return services.HonoreeData.of(form.data, pupil_id=pupil_id, donor_id=donor_id, member_id=form.member_link(),
                                   **kept)


def _form(d: Decision, form: HonoreeForm) -> HonoreeForm:
    """The form prefilled from a pupil or donor picked in the register (?hoc_sinh=, ?nha_hao_tam=)."""
    picked = pickers.from_args(d, request.args)
    if picked and not form.is_submitted():
        pickers.fill(form, picked)
    return form


def _form_page(form, d: Decision, title: str, action: str, honoree: Honoree | None = None):
    pupil_id, donor_id = form.link_ids()
    return form_page("commendations/honoree_form.html", "commendations/_honoree_form.html", form, d=d,
                     title=title, action=action, honoree=honoree,
                     linked=pickers.linked(d, pupil_id, donor_id, form.member_link()),
                     pick_kinds=pickers.KINDS, stock_items=stock_items(d.unit))


@bp.route("/quyet-dinh/<int:decision_id>/them", methods=["GET", "POST"])
@login_required
def add(decision_id):
    """Add one honoree by hand, or from a pupil or donor picked in the register (?hoc_sinh=, ?nha_hao_tam=)."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    if (back := frozen_page(d)) is not None:
        return back
    form = _form(d, HonoreeForm(amount=d.default_amount, goods_item=d.default_goods_item,
                                goods_unit=d.default_goods_unit, goods_quantity=d.default_goods_quantity))
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.add_honoree(d, _line(form)), url=url_for(".detail", decision_id=d.id),
            success=lambda h: f"Đã thêm {h.full_name}.")):
        return answer
    return _form_page(form, d, "Thêm người được khen", url_for(".add", decision_id=d.id))


@bp.route("/nguoi/<int:honoree_id>/sua", methods=["GET", "POST"])
@login_required
def edit_honoree(honoree_id):
    """Correct one line of a draft's list (or link it to a pupil or donor picked in the register)."""
    h = get_or_404(Honoree, honoree_id, "commendation.write")
    if (back := frozen_page(h.decision)) is not None:
        return back
    form = _form(h.decision, HonoreeForm(obj=h, name=h.full_name, amount=h.amount))
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.update_honoree(h, _line(form, keep=h)),
            url=url_for(".detail", decision_id=h.decision_id), success="Đã lưu.")):
        return answer
    return _form_page(form, h.decision, f"Sửa: {h.full_name}", url_for(".edit_honoree", honoree_id=h.id), h)


@bp.route("/nguoi/<int:honoree_id>/xoa", methods=["GET", "POST"])
@login_required
def remove(honoree_id):
    """Take a line off a draft; GET is the confirmation page for browsers without JavaScript.

    The list's page and filter ride along in the query string, so the user comes back to the same
    place (#honorees); with htmx only the row is answered (a line saying it was taken off)."""
    h = get_or_404(Honoree, honoree_id, "commendation.write")
    if (back := frozen_page(h.decision)) is not None:
        return back
    args = {k: v for k, v in request.args.items() if k in ("trang", "canh_bao")}
    back = url_for(".detail", decision_id=h.decision_id, **args) + "#honorees"
    form = ConfirmForm()
    d, line = h.decision, {"id": h.id, "full_name": h.full_name}  # h is gone after the commit
    if answer := confirm_action(form, lambda: services.remove_honoree(h), back=back,
                                success="Đã bỏ khỏi danh sách.",
                                fragment=lambda _, error: render_template("commendations/_honoree_removed.html",
                                                                          h=line, error=error, d=d)):
        return answer
    return render("commendations/confirm.html", partial="commendations/_confirm.html", form=form,
                  heading=f"Bỏ “{h.full_name}” khỏi danh sách?",
                  action=url_for(".remove", honoree_id=h.id, **args), button="Bỏ khỏi danh sách", danger=True,
                  back=back)


@bp.get("/quyet-dinh/<int:decision_id>/chon-nguoi")
@login_required
def pick(decision_id):
    """Search pupils (?loai=hoc-sinh) or donors (?loai=nha-hao-tam) by name, without diacritics."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    if (back := frozen_page(d)) is not None:
        return back
    honoree = None
    if request.args.get("nguoi"):  # picking for a line being corrected, not a new one
        honoree = get_or_404(Honoree, request.args["nguoi"], "commendation.write")
        if honoree.decision_id != d.id:
            abort(404)
    kind = request.args.get("loai", "hoc-sinh")
    kind = kind if kind in pickers.KINDS else "hoc-sinh"
    q = request.args.get("q", "").strip()[:100]
    return render("commendations/pick.html", partial="commendations/_pick_results.html", d=d, honoree=honoree,
                  kind=kind, q=q, kinds=pickers.KINDS, matches=pickers.search(d, kind, q), limit=pickers.LIMIT)


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
    return export_table(name.replace("/", "-") + ".xlsx", EXPORT_HEADERS + (["Cảnh báo"] if only_warned else []),
                        rows, sheet_title="Danh sách khen thưởng")


def _filtered():
    unit, period = unit_and_period()
    filters = HonoreeFilterForm(request.args)
    filters.period.choices = period_choices(period)
    filters.period.data = period.key
    filters.kind.choices = [("", "Mọi đối tượng")] + list(HONOREE_KINDS.items())
    return unit, period, filters, honorees.honoree_query(unit, period, kind=filters.kind.data or "")


@bp.get("/danh-sach-duoc-khen")
@login_required
def honorees_all():
    """Everyone commended by the issued decisions of the unit's subtree in the period."""
    unit, period, filters, stmt = _filtered()
    count, amount = honorees.totals(stmt)
    page = page_number()
    pagination = Page(honorees.page_items(stmt, page), page, honorees.PER_PAGE, count)
    return render("commendations/honorees.html", partial="commendations/_honorees.html", unit=unit,
                  period=period, filters=filters, pagination=pagination, count=count, amount=amount)


@bp.get("/danh-sach-duoc-khen/xuat.xlsx")
@login_required
def honorees_all_export():
    """The honorees list (current filters) as .xlsx, or CSV with ?format=csv."""
    unit, period, _filters, stmt = _filtered()
    return export_table(f"Khen thưởng - {unit.name} - {period.title}.xlsx", honorees.EXPORT_HEADERS,
                        honorees.export_rows(stmt), "Khen thưởng")
