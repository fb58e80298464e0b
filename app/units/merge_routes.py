"""Merge and rename pages (issue 20 D). Views authorise, load, take the form, call one service, answer."""
from flask import Blueprint, request, url_for
from flask_login import current_user, login_required

from app.core.actor import actor
from app.core.authz import authorize, get_or_404
from app.core.views import attempt, confirm_action, form_page, render

from . import merge_queries, merging
from .merge_forms import (NEW, SERIES_FIELDS, CancelMergeForm, ConfirmMergeForm, MergeForm, RenameForm,
                          numbering_fields, numbering_of)
from .models import Unit, UnitMerge

bp = Blueprint("unit_merges", __name__, url_prefix="/don-vi")
SERIES = list(SERIES_FIELDS.values())


@bp.get("/sap-nhap")
@login_required
def index():
    authorize("unit.merge")
    return render("units/merge_index.html", merges=merge_queries.merges_in_scope(current_user.unit),
                  parents=merge_queries.merge_parents(current_user.unit))


def _form_choices(form: MergeForm, parent: Unit) -> None:
    kids = merge_queries.active_children(parent)
    form.source_ids.choices = [(u.id, u.name) for u in kids]
    form.target_id.choices = [(NEW, "Một đơn vị mới (nhập tên bên dưới)")] + [(u.id, u.name) for u in kids]


def _args(form: MergeForm):
    """The form's units, each loaded with the merge permission (out of scope: 404)."""
    sources = [get_or_404(Unit, i, "unit.merge") for i in form.source_ids.data or []]
    target = get_or_404(Unit, form.target_id.data, "unit.merge") if form.target_id.data else None
    return dict(sources=sources, target=target, new_name=form.new_name.data, effective_on=form.effective_on.data,
                numbering=numbering_of(form), actor=actor(), reason=form.reason.data)


@bp.route("/sap-nhap/moi", methods=["GET", "POST"])
@login_required
def create():
    parent = get_or_404(Unit, request.args.get("cap_tren", current_user.unit_id), "unit.merge")
    form = MergeForm()
    _form_choices(form, parent)
    if form.validate_on_submit():
        args = _args(form)
        if answer := attempt(form, lambda: merging.propose(parent, args.pop("sources"), **args),
                             url=lambda m: url_for(".detail", merge_id=m.id), default_field="source_ids",
                             success="Đã lưu dự thảo sáp nhập. Hãy xem kỹ trước khi xác nhận."):
            return answer
    return form_page("units/merge_form.html", "units/_merge_form.html", form, parent=parent, series_fields=SERIES,
                     action=url_for(".create", cap_tren=parent.id), title="Sáp nhập đơn vị")


@bp.route("/sap-nhap/<int:merge_id>/sua", methods=["GET", "POST"])
@login_required
def edit(merge_id):
    merge = get_or_404(UnitMerge, merge_id, "unit.merge")
    form = MergeForm(obj=merge, source_ids=[u.id for u in merge.source_units], target_id=merge.target_id or NEW,
                     **numbering_fields(merge.numbering))
    _form_choices(form, merge.unit)
    if form.validate_on_submit():
        args = _args(form)
        if answer := attempt(form, lambda: merging.update_draft(merge, args.pop("sources"), **args),
                             url=url_for(".detail", merge_id=merge.id), default_field="source_ids",
                             success="Đã lưu thay đổi."):
            return answer
    return form_page("units/merge_form.html", "units/_merge_form.html", form, parent=merge.unit, merge=merge,
                     series_fields=SERIES,
                     action=url_for(".edit", merge_id=merge.id), title="Sửa dự thảo sáp nhập")


@bp.get("/sap-nhap/<int:merge_id>")
@login_required
def detail(merge_id):
    merge = get_or_404(UnitMerge, merge_id, "unit.merge")
    return render("units/merge_preview.html", merge=merge, plan=merging.preview(merge, actor()),
                  form=ConfirmMergeForm())


@bp.post("/sap-nhap/<int:merge_id>/xac-nhan")
@login_required
def confirm(merge_id):
    merge = get_or_404(UnitMerge, merge_id, "unit.merge")
    form = ConfirmMergeForm()
    return confirm_action(form, lambda: merging.confirm(merge, actor()),
                          back=url_for(".detail", merge_id=merge.id),
                          success=lambda m: f"Đã sáp nhập vào “{m.target_name}”.") \
        or render("units/merge_preview.html", status=422, merge=merge, plan=merging.preview(merge, actor()),
                  form=form)


@bp.route("/sap-nhap/<int:merge_id>/huy", methods=["GET", "POST"])
@login_required
def cancel(merge_id):
    merge = get_or_404(UnitMerge, merge_id, "unit.merge")
    form = CancelMergeForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: merging.cancel(merge, form.reason.data, actor()),
            url=url_for(".detail", merge_id=merge.id), success="Đã hủy dự thảo sáp nhập.")):
        return answer
    return form_page("units/merge_cancel.html", "units/_merge_cancel_form.html", form, merge=merge)


@bp.route("/<int:unit_id>/doi-ten", methods=["GET", "POST"])
@login_required
def rename(unit_id):
    unit = get_or_404(Unit, unit_id, "unit.merge")
    authorize("unit.merge", unit.parent or unit)  # an admin of the unit above (the top unit: its own)
    form = RenameForm()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: merging.rename(unit, form.name.data, form.effective_on.data, actor()),
            url=url_for("units.detail", unit_id=unit.id), success="Đã đổi tên đơn vị.")):
        return answer
    return form_page("units/rename.html", "units/_rename_form.html", form, unit=unit,
                     names=merging.names.history(unit))
