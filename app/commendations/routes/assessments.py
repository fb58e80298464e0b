"""Learning-title assessments (Gia đình học tập, Dòng họ học tập, Công dân học tập ...): the list with
the share recognised per village and its export, registering one, its score sheet.

Assessments belong to a unit and are scope-checked as usual; the criteria set they are scored against
is one the unit may see (criteria.py)."""
from flask import request, url_for
from flask_login import current_user, login_required

from app.core.authz import authorize, get_or_404
from app.core.export import export_table
from app.core.views import attempt, form_page, render
from app.extensions import db
from app.units.models import Unit
from app.units.services import scope_choices

from .. import assessments as assess
from .. import criteria as crit
from ..forms import AssessmentForm, score_form
from ..models import TITLE_KINDS, Assessment
from . import bp
from .criteria import criteria_set

EXPORT_HEADERS = ["Tên", "Danh hiệu", "Năm", "Thôn, ấp", "Điểm", "Kết quả", "Đơn vị", "Ghi chú"]


def assessment_filters(args) -> tuple[int | None, str, str]:
    """(year, title kind, village) of the assessment list and its export: one reading of the filters."""
    year = args.get("nam", type=int)
    year = year if year and 1900 <= year <= 2100 else None  # a year in words or 20 digits filters nothing
    kind = args.get("danh_hieu", "")
    kind = kind if kind in TITLE_KINDS else ""
    return year, kind, args.get("thon", "").strip()[:200]


def step_filters(args) -> tuple[str, Unit]:
    """(step, unit) of the list: `buoc` one of assess.STEPS (else every one), `don_vi` a unit in the
    user's scope (its subtree; another unit answers 404), by default the user's own unit. The
    organisation counts (app.members.counts) link here with both."""
    step = args.get("buoc", "")
    step = step if step in assess.STEPS else ""
    unit_id = args.get("don_vi", type=int)
    return step, get_or_404(Unit, unit_id) if unit_id else current_user.unit


@bp.get("/danh-gia")
@login_required
def assessments():
    """Assessments of the user's unit and below (or of `don_vi`'s subtree), with the share recognised
    per village; `buoc` keeps one step (registered, scored, recognised)."""
    authorize("view")
    year, kind, village = assessment_filters(request.args)
    step, root = step_filters(request.args)
    rows = db.session.scalars(assess.in_scope(root, year, kind, village, step)).all()
    return render("commendations/assessments.html", partial="commendations/_assessment_rows.html", rows=rows,
                  summary=assess.village_summary(rows), year=year, kind=kind, kinds=TITLE_KINDS, village=village,
                  villages=assess.villages(current_user.unit), step=step, steps=assess.STEPS,
                  root=root if root.id != current_user.unit_id else None)


@bp.get("/danh-gia/xuat.xlsx")
@login_required
def assessments_export():
    """The assessment list with the page's year, title and village filters (.xlsx, or CSV with ?format=csv)."""
    authorize("view")
    year, kind, village = assessment_filters(request.args)
    step, root = step_filters(request.args)
    found = db.session.scalars(assess.in_scope(root, year, kind, village, step))
    rows = ((a.full_name, a.kind_label, a.year, a.village, a.total, a.result_label, a.unit.name, a.note)
            for a in found)
    return export_table("Danh sách đánh giá danh hiệu học tập.xlsx", EXPORT_HEADERS, rows, sheet_title="Đánh giá")


@bp.route("/danh-gia/moi", methods=["GET", "POST"])
@login_required
def assessment_create():
    """Register a family (clan, community, unit, citizen) for a learning title."""
    authorize("commendation.write")
    form = AssessmentForm(year=request.args.get("nam", type=int), unit_id=current_user.unit_id)
    form.criteria_set_id.choices = [(s.id, f"{s.name} (phiên bản {s.version}, {s.year})")
                                    for s in crit.choices_for(current_user.unit)]
    form.unit_id.choices = scope_choices(current_user.unit)
    if form.validate_on_submit():
        cset = criteria_set(form.criteria_set_id.data)
        unit = get_or_404(Unit, form.unit_id.data, "commendation.write")
        if answer := attempt(form, lambda: assess.register(unit, cset, form.name.data, form.year.data,
                                                           form.village.data, form.note.data),
                             once=True, url=lambda a: url_for(".assessment", assessment_id=a.id),
                             success="Đã đăng ký. Hãy chấm điểm."):
            return answer
    return form_page("commendations/assessment_form.html", "commendations/_assessment_form.html", form)


@bp.get("/danh-gia/<int:assessment_id>")
@login_required
def assessment(assessment_id):
    """An assessment and its score sheet (read-only for those who may not score)."""
    a = get_or_404(Assessment, assessment_id)
    return render("commendations/assessment.html", partial="commendations/_score_form.html",
                  form=score_form(a.criteria_set, scores=a.scores), a=a, honoured=assess.honoured_by(a))


@bp.post("/danh-gia/<int:assessment_id>/cham-diem")
@login_required
def assessment_score(assessment_id):
    """Save the scores; pass/fail is computed by the rule of the set the assessment registered with."""
    a = get_or_404(Assessment, assessment_id, "commendation.write")
    form = score_form(a.criteria_set, request.form)
    if form.validate() and (answer := attempt(
            form, lambda: assess.score(a, [f.data for f in form.score_fields]),
            url=url_for(".assessment", assessment_id=a.id),
            success=lambda _: f"Đã chấm: {a.total} điểm, {a.result_label}.")):
        return answer
    return form_page("commendations/assessment.html", "commendations/_score_form.html", form, a=a,
                     honoured=assess.honoured_by(a))
