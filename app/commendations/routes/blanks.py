"""Printing onto pre-printed certificate blanks (phôi giấy khen): layout, printers, calibration, printing.

Setting up (the layout, the printers) is the issuer's: commendation.issue on the unit (the user's own
unless ?don_vi= names one below). The calibration page and printing a decision's certificates onto
blanks are read-only papers, like the decision's other PDFs: anyone who may see the decision.
"""
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.core.authz import get_or_404, is_id
from app.core.forms import ConfirmForm
from app.core.views import attempt, confirm_action, go, render
from app.printing.offer import queue_from_form
from app.printing.services import pdf_response
from app.units.models import Unit
from app.units.services import scope_choices

from .. import blanks, queries
from ..blank_forms import BlankPrintForm, LayoutForm, PrinterForm, mm_text
from ..blank_models import PrinterProfile
from ..models import Decision, Honoree
from ..services import honorees
from . import bp

PICK_MAX = 300  # honorees offered for a test sheet (a longer list: the first ones)


def _unit() -> Unit:
    """The user's own unit unless ?don_vi= names one below (the blanks are the issuer's)."""
    return get_or_404(Unit, request.args.get("don_vi", current_user.unit_id), "commendation.issue")


def _page(unit: Unit, layout_form, printer_form, editing=None, status=200):
    layout = blanks.layout_for(unit)
    return render("commendations/blank_layout.html", partial="commendations/_blank_layout.html", status=status,
                  unit=unit, form=layout_form, printer_form=printer_form, editing=editing, layout=layout,
                  printers=blanks.printers(unit), units=scope_choices(current_user.unit), mm=mm_text,
                  delete_form=ConfirmForm())


def _printer_form(printer=None):
    if printer is None:
        return PrinterForm(formdata=None, data={"offset_x": 0.0, "offset_y": 0.0})
    return PrinterForm(formdata=None, data={"name": printer.name, "offset_x": printer.offset_x_mm,
                                            "offset_y": printer.offset_y_mm})


@bp.route("/phoi-giay-khen", methods=["GET", "POST"])
@login_required
def blank_layout():
    """Where each text goes on the unit's blanks, and the unit's printers with their offsets."""
    unit = _unit()
    layout = blanks.layout_for(unit)
    form = LayoutForm(data=LayoutForm.initial(layout.paper, blanks.fields_of(layout)))
    if request.method == "POST" and request.form.get("mac_dinh") == "1":
        # "Start again for this paper": only the paper is read, the boxes' values are replaced.
        if not ConfirmForm().validate_on_submit():
            abort(400)
        answer = attempt(form, lambda: blanks.reset_layout(unit, request.form.get("paper", "")),
                         url=url_for(".blank_layout", don_vi=unit.id),
                         success="Đã đặt lại vị trí mặc định cho khổ giấy đã chọn.")
        if answer:
            return answer
    elif form.validate_on_submit() and (answer := attempt(
            form, lambda: blanks.save_layout(unit, form.paper.data, form.fields_data()),
            url=url_for(".blank_layout", don_vi=unit.id), success="Đã lưu vị trí in trên phôi giấy khen.")):
        return answer
    editing = None
    if request.method == "GET" and request.args.get("sua"):
        editing = get_or_404(PrinterProfile, request.args["sua"], "commendation.issue")
        if editing.unit_id != unit.id:
            abort(404)
    return _page(unit, form, _printer_form(editing), editing, status=422 if form.errors else 200)


def _layout_form(unit):
    layout = blanks.layout_for(unit)
    return LayoutForm(formdata=None, data=LayoutForm.initial(layout.paper, blanks.fields_of(layout)))


@bp.post("/phoi-giay-khen/may-in", defaults={"printer_id": None})
@bp.post("/phoi-giay-khen/may-in/<int:printer_id>")
@login_required
def blank_printer_save(printer_id):
    """Add a printer to the unit (?don_vi=), or change one's name and offsets."""
    printer = get_or_404(PrinterProfile, printer_id, "commendation.issue") if printer_id is not None else None
    unit = printer.unit if printer is not None else _unit()
    form = PrinterForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: blanks.save_printer(unit, form.name.data, form.offset_x.data, form.offset_y.data, printer),
            url=url_for(".blank_layout", don_vi=unit.id),
            success=lambda p: f"Đã lưu máy in {p.name}: lệch ngang {mm_text(p.offset_x_mm)} mm, "
                              f"lệch dọc {mm_text(p.offset_y_mm)} mm.")):
        return answer
    return _page(unit, _layout_form(unit), form, printer, status=422)


@bp.post("/phoi-giay-khen/may-in/<int:printer_id>/xoa")
@login_required
def blank_printer_delete(printer_id):
    """Remove a printer (its offsets go with it; printed papers are not affected)."""
    printer = get_or_404(PrinterProfile, printer_id, "commendation.issue")
    unit_id, name = printer.unit_id, printer.name
    answer = confirm_action(ConfirmForm(), lambda: blanks.delete_printer(printer),
                            back=url_for(".blank_layout", don_vi=unit_id), success=f"Đã xóa máy in {name}.")
    return answer if answer is not None else abort(400)


def _printer_arg(unit_id: int):
    """?may_in=<id>: a printer of `unit_id` the user may see (404 otherwise); absent or 0: no offset."""
    raw = request.args.get("may_in", "0")
    if raw in ("", "0"):
        return None
    printer = get_or_404(PrinterProfile, raw)
    if printer.unit_id != unit_id:
        abort(404)
    return printer


@bp.get("/phoi-giay-khen/can-chinh.pdf")
@login_required
def blank_calibration():
    """The calibration page of a printer (?may_in=), or without offsets, on the unit's layout (?don_vi=)."""
    printer = None
    if request.args.get("may_in", "0") not in ("", "0"):
        printer = get_or_404(PrinterProfile, request.args["may_in"])
        unit = printer.unit
    else:
        unit = get_or_404(Unit, request.args.get("don_vi", current_user.unit_id))
    pdf = blanks.calibration_pdf(blanks.layout_for(unit), printer)
    return pdf_response(pdf, f"Căn chỉnh phôi giấy khen {printer.name if printer else unit.name}.pdf")


def _ids(d: Decision) -> list[int]:
    """The honorees ticked in the posted form (nguoi=…); [] for none ticked (the whole list). A line that
    is not this decision's is refused (404), never dropped: a refused pick must not widen to all."""
    picked = request.form.getlist("nguoi")
    wanted = {int(v) for v in picked if v.isdigit() and is_id(int(v))}
    ids = [h.id for h in honorees(d) if h.id in wanted]
    if len(wanted) != len(set(picked)) or len(ids) != len(wanted):
        abort(404)
    return ids


@bp.get("/quyet-dinh/<int:decision_id>/in-phoi/to-thu.pdf")
@login_required
def blank_sheet(decision_id):
    """One honoree's sheet at once (?nguoi=<id>&may_in=<id>): the test sheet before a whole batch."""
    d = get_or_404(Decision, decision_id)
    h = get_or_404(Honoree, request.args.get("nguoi", ""))
    if h.decision_id != d.id:
        abort(404)
    printer = _printer_arg(d.unit_id)
    layout = blanks.layout_for(d.unit)
    pdf = blanks.blanks_pdf(layout, blanks.decision_sheets(d, layout, printer, [h.id]))
    return pdf_response(pdf, f"Giấy khen (phôi) {h.full_name}.pdf")


@bp.route("/quyet-dinh/<int:decision_id>/in-phoi", methods=["GET", "POST"])
@login_required
def blank_print(decision_id):
    """Print the decision's certificates onto blanks: the page, and all of them (or the ticked ones) as
    a background job (POST). One test sheet at once: blank_sheet."""
    d = get_or_404(Decision, decision_id)
    unit_printers = blanks.printers(d.unit)
    form = BlankPrintForm()
    form.printer_id.choices = [(0, "Không chỉnh lệch (0 mm)")] + [
        (p.id, f"{p.name} (ngang {mm_text(p.offset_x_mm)} mm, dọc {mm_text(p.offset_y_mm)} mm)") for p in unit_printers]
    if request.method == "GET" and unit_printers:
        form.printer_id.data = unit_printers[0].id  # a unit with printers prints on one of them
    count = queries.totals(d)[0]
    if form.validate_on_submit():
        if not count:
            flash("Danh sách đang trống.", "error")
            return go(url_for(".detail", decision_id=d.id))
        ids = _ids(d)
        params = {"decision_id": d.id, "printer_id": form.printer_id.data, **({"honoree_ids": ids} if ids else {})}
        return queue_from_form(blanks.KIND, params, unit=d.unit, title=f"Giấy khen in trên phôi, Quyết định {d.number}",
                               filename=f"Giấy khen (phôi) {d.number}.pdf")
    people = honorees(d)[:PICK_MAX]
    return render("commendations/blank_print.html", partial="commendations/_blank_print.html",
                  status=422 if form.errors else 200, d=d, form=form, count=count, people=people,
                  pick_max=PICK_MAX, printers=unit_printers, mm=mm_text)
