"""School pages (the list of schools pupils attend)."""
from flask import url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, get_or_404
from app.core.export import export_table
from app.core.views import attempt, form_page, render
from app.extensions import db
from app.units.models import Unit
from app.units.services import scope_choices

from .. import services
from ..forms import SchoolForm
from ..models import School
from . import bp


@bp.get("/truong/")
@login_required
def schools():
    authorize("view")
    return render("pupils/schools.html", schools=db.session.scalars(services.schools_in_scope(current_user.unit)).all())


@bp.get("/truong/xuat.xlsx")
@login_required
def schools_export():
    """The school list as .xlsx, or CSV with ?format=csv."""
    authorize("view")
    rows = ((s.name, s.level_label, s.commune, s.unit.name)
            for s in db.session.scalars(services.schools_in_scope(current_user.unit)))
    return export_table("Danh sách trường học.xlsx", ["Tên trường", "Cấp học", "Xã, phường", "Đơn vị"], rows,
                        sheet_title="Trường học")


@bp.route("/truong/moi", methods=["GET", "POST"])
@login_required
def school_create():
    authorize("pupil.write")
    form = SchoolForm(unit_id=current_user.unit_id)
    return _school_form(form, None)


@bp.route("/truong/<int:school_id>/sua", methods=["GET", "POST"])
@login_required
def school_edit(school_id):
    school = get_or_404(School, school_id, "pupil.write")
    form = SchoolForm(obj=school)
    return _school_form(form, school)


def _school_form(form, school):
    form.unit_id.choices = scope_choices(current_user.unit)
    if form.validate_on_submit():
        unit = get_or_404(Unit, form.unit_id.data, "pupil.write")
        if answer := attempt(form, lambda: services.save_school(unit, form.name.data, form.level.data,
                                                                form.commune.data, school),
                             url=url_for(".schools"), success=lambda saved: f"Đã lưu trường “{saved.name}”."):
            return answer
    action = url_for(".school_edit", school_id=school.id) if school else url_for(".school_create")
    return form_page("pupils/school_form.html", "pupils/_school_form.html", form, school=school, action=action,
                     title=f"Sửa: {school.name}" if school else "Thêm trường")
