"""Criteria sets: the list, the shipped sets, one set, a new set, editing, a new version, a unit's own copy.

Criteria sets without a unit are shared by every unit: only the top unit's admins change them
(app.core.owners.authorize_shared). A unit's own copy is scope-checked like any unit record, and a
unit sees only the shared sets and the copies above it and within its scope (criteria.visible).
"""
from flask import abort, request, url_for
from flask_login import current_user, login_required

from app.core import owners
from app.core.authz import authorize, can
from app.core.views import attempt, confirm_action, form_page, render
from app.extensions import db

from .. import criteria as crit
from ..forms import ConfirmForm, CriteriaSetForm
from ..models import CriteriaSet
from . import bp


def criteria_set(set_id) -> CriteriaSet:
    """The set, or 404 when it does not exist or is another unit's copy the user may not see."""
    try:
        cset = db.session.get(CriteriaSet, int(set_id))
    except (TypeError, ValueError):
        cset = None
    if cset is None or not crit.visible(cset, current_user.unit):
        abort(404)
    return cset


def _authorize_change(cset: CriteriaSet) -> CriteriaSet:
    """A shared set: the top unit's admins only (403). A unit's copy: the admins of that unit and above
    (404 outside their scope, 403 for another role)."""
    if cset.shared:
        owners.authorize_shared("criteria.manage")
    else:
        authorize("criteria.manage", cset)
    return cset


def may_change(cset: CriteriaSet) -> bool:
    return owners.may_change_shared(current_user) if cset.shared else can(current_user, "criteria.manage", cset)


def may_copy(cset: CriteriaSet) -> bool:
    """A unit admin (not one who changes the shared sets) may copy a current set the unit uses."""
    return (can(current_user, "criteria.manage") and not owners.may_change_shared(current_user)
            and not cset.superseded_by_id and cset.unit_id != current_user.unit_id)


def _form_of(cset: CriteriaSet, *fixed: str) -> CriteriaSetForm:
    """The set's form, its criteria as the lines a user types, without the fields that stay as they are."""
    form = CriteriaSetForm(obj=cset)
    if not form.is_submitted():  # obj would put the criteria list itself in the textarea
        form.criteria.data = "\n".join(f"{c['name']} | {c['max']}" for c in cset.criteria)
    for name in fixed:
        delattr(form, name)
    return form


@bp.get("/tieu-chi")
@login_required
def criteria_index():
    """Every criteria set, newest versions first within a name."""
    authorize("view")
    sets = db.session.scalars(db.select(CriteriaSet).where(crit.visible_clause(current_user.unit)).order_by(
        CriteriaSet.title_kind, CriteriaSet.name, CriteriaSet.version.desc())).all()
    names = {s.name for s in sets if s.shared}
    in_use = {s.id for s in crit.sets_for(current_user.unit)}
    return render("commendations/criteria_index.html", partial="commendations/_criteria_rows.html", sets=sets,
                  seeds_missing=[x["name"] for x in crit.SEEDS if x["name"] not in names], in_use=in_use,
                  manages_shared=owners.may_change_shared(current_user))


@bp.route("/tieu-chi/them-mau", methods=["GET", "POST"])
@login_required
def criteria_seed():
    """Add the shipped criteria sets that are missing (same as `flask seed-criteria`); GET confirms."""
    owners.authorize_shared("criteria.manage")
    form = ConfirmForm()
    if answer := confirm_action(form, crit.seed_sets, back=url_for(".criteria_index"), success=lambda added: (
            f"Đã thêm {len(added)} bộ tiêu chí mẫu; có thể sửa trước khi chấm điểm." if added
            else "Các bộ tiêu chí mẫu đã có sẵn.")):
        return answer
    return render("commendations/confirm.html", partial="commendations/_confirm.html", form=form,
                  heading="Thêm các bộ tiêu chí mẫu (Gia đình học tập, Công dân học tập)?",
                  action=url_for(".criteria_seed"), button="Thêm bộ tiêu chí mẫu", danger=False,
                  back=url_for(".criteria_index"))


@bp.get("/tieu-chi/<int:set_id>")
@login_required
def criteria_detail(set_id):
    """A criteria set: its criteria, maximum points and pass rule."""
    cset = criteria_set(set_id)
    authorize("view")
    return render("commendations/criteria_detail.html", partial="commendations/_criteria_detail.html", cset=cset,
                  used=crit.in_use(cset), may_change=may_change(cset), may_copy=may_copy(cset),
                  applies=cset.id in {s.id for s in crit.sets_for(current_user.unit)})


def _save_set(form, save, title, action, cset=None):
    """`save(criteria)` with the criteria lines read (crit.parse_criteria refuses a bad line), then the set's page."""
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: save(crit.parse_criteria(form.criteria.data)),
            url=lambda saved: url_for(".criteria_detail", set_id=saved.id), success="Đã lưu bộ tiêu chí.")):
        return answer
    return form_page("commendations/criteria_form.html", "commendations/_criteria_form.html", form,
                     title=title, action=action, cset=cset)


@bp.route("/tieu-chi/moi", methods=["GET", "POST"])
@login_required
def criteria_create():
    """A new shared criteria set (version 1): the top unit's admins only."""
    owners.authorize_shared("criteria.manage")
    form = CriteriaSetForm()
    return _save_set(form, lambda items: crit.create_set(
        form.title_kind.data, form.name.data, form.year.data, items, form.pass_total.data,
        form.min_each.data or 0, form.note.data), "Thêm bộ tiêu chí", url_for(".criteria_create"))


@bp.route("/tieu-chi/<int:set_id>/sua", methods=["GET", "POST"])
@login_required
def criteria_edit(set_id):
    """Edit a set nobody was scored against (the service refuses a set in use)."""
    cset = _authorize_change(criteria_set(set_id))  # a missing set is 404 before any role check
    form = _form_of(cset, "title_kind")
    return _save_set(form, lambda items: crit.update_set(
        cset, name=form.name.data, year=form.year.data, criteria=items, pass_total=form.pass_total.data,
        min_each=form.min_each.data or 0, note=form.note.data), f"Sửa: {cset.name}",
        url_for(".criteria_edit", set_id=cset.id), cset)


@bp.route("/tieu-chi/<int:set_id>/phien-ban-moi", methods=["GET", "POST"])
@login_required
def criteria_new_version(set_id):
    """A new version superseding this one; old assessments keep the version they used."""
    cset = _authorize_change(criteria_set(set_id))  # a missing set is 404 before any role check
    form = _form_of(cset, "title_kind", "name")
    return _save_set(form, lambda items: crit.new_version(
        cset, year=form.year.data, criteria=items, pass_total=form.pass_total.data,
        min_each=form.min_each.data or 0, note=form.note.data),
        f"Phiên bản mới: {cset.name}", url_for(".criteria_new_version", set_id=cset.id), cset)


@bp.route("/tieu-chi/<int:set_id>/ban-rieng", methods=["GET", "POST"])
@login_required
def criteria_copy(set_id):
    """The user's unit makes its own copy of a set it uses; the shared set stays as it is. GET confirms."""
    cset = criteria_set(set_id)
    authorize("criteria.manage", current_user.unit)
    form = ConfirmForm()
    error = ""
    if owners.may_change_shared(current_user):
        error = "Bạn quản lý bộ tiêu chí dùng chung: hãy sửa hoặc tạo phiên bản mới của chính bộ này."
    elif form.validate_on_submit():
        if answer := attempt(form, lambda: crit.copy_set(current_user.unit, cset),
                             url=lambda copy: url_for(".criteria_detail", set_id=copy.id),
                             success="Đã tạo bản riêng của đơn vị; các hồ sơ đánh giá mới của đơn vị sẽ "
                                     "chấm theo bản này."):
            return answer
        error = " ".join(form.form_errors)  # the refusal, said on the page (the form has no field of its own)
    status = 422 if error and request.method == "POST" else 200
    return render("commendations/criteria_copy.html", partial="commendations/_criteria_copy.html", form=form,
                  cset=cset, error=error, unit=current_user.unit, status=status)
