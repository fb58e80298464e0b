"""Criteria sets, learning-title assessments (with the village summary) and certificate settings.

Criteria sets without a unit are shared by every unit: only the top unit's admins change them
(app.core.owners.authorize_shared). A unit's own copy is scope-checked like any unit record, and a
unit sees only the shared sets and the copies above it and within its scope (criteria.visible).
Assessments and settings belong to a unit and are scope-checked as usual.
"""
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required

from app.core import idempotency, owners
from app.core.authz import authorize, can, get_or_404
from app.core.views import attach_error, form_page, go, render
from app.extensions import db
from app.units.models import Unit
from app.units.services import scope_choices

from . import assessments as assess
from . import certificates as certs
from . import criteria as crit
from .forms import AssessmentForm, ConfirmForm, CriteriaSetForm, SettingForm, score_form
from .models import TITLE_KINDS, Assessment, CriteriaSet
from .routes import bp


def _criteria_set(set_id) -> CriteriaSet:
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


def _criteria_text(cset: CriteriaSet) -> str:
    return "\n".join(f"{c['name']} | {c['max']}" for c in cset.criteria)


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
    if form.validate_on_submit():
        added = crit.seed_sets()
        db.session.commit()
        flash(f"Đã thêm {len(added)} bộ tiêu chí mẫu; có thể sửa trước khi chấm điểm." if added
              else "Các bộ tiêu chí mẫu đã có sẵn.", "success")
        return go(url_for(".criteria_index"))
    return render("commendations/confirm.html", partial="commendations/_confirm.html", form=form,
                  heading="Thêm các bộ tiêu chí mẫu (Gia đình học tập, Công dân học tập)?",
                  action=url_for(".criteria_seed"), button="Thêm bộ tiêu chí mẫu", danger=False,
                  back=url_for(".criteria_index"))


@bp.get("/tieu-chi/<int:set_id>")
@login_required
def criteria_detail(set_id):
    """A criteria set: its criteria, maximum points and pass rule."""
    cset = _criteria_set(set_id)
    authorize("view")
    return render("commendations/criteria_detail.html", partial="commendations/_criteria_detail.html", cset=cset,
                  used=crit.in_use(cset), may_change=may_change(cset), may_copy=may_copy(cset),
                  applies=cset.id in {s.id for s in crit.sets_for(current_user.unit)})


def _save_set(form, save, title, action, cset=None):
    if form.validate_on_submit():
        try:
            saved = save(crit.parse_criteria(form.criteria.data))
            db.session.commit()
        except crit.CriteriaError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash("Đã lưu bộ tiêu chí.", "success")
            return go(url_for(".criteria_detail", set_id=saved.id))
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
    cset = _authorize_change(_criteria_set(set_id))  # a missing set is 404 before any role check
    form = CriteriaSetForm(obj=cset)
    if not form.is_submitted():  # obj would put the criteria list itself in the textarea
        form.criteria.data = _criteria_text(cset)
    del form.title_kind
    return _save_set(form, lambda items: crit.update_set(
        cset, name=form.name.data, year=form.year.data, criteria=items, pass_total=form.pass_total.data,
        min_each=form.min_each.data or 0, note=form.note.data), f"Sửa: {cset.name}",
        url_for(".criteria_edit", set_id=cset.id), cset)


@bp.route("/tieu-chi/<int:set_id>/phien-ban-moi", methods=["GET", "POST"])
@login_required
def criteria_new_version(set_id):
    """A new version superseding this one; old assessments keep the version they used."""
    cset = _authorize_change(_criteria_set(set_id))  # a missing set is 404 before any role check
    form = CriteriaSetForm(obj=cset)
    if not form.is_submitted():  # obj would put the criteria list itself in the textarea
        form.criteria.data = _criteria_text(cset)
    del form.title_kind, form.name
    return _save_set(form, lambda items: crit.new_version(
        cset, year=form.year.data, criteria=items, pass_total=form.pass_total.data,
        min_each=form.min_each.data or 0, note=form.note.data),
        f"Phiên bản mới: {cset.name}", url_for(".criteria_new_version", set_id=cset.id), cset)


@bp.route("/tieu-chi/<int:set_id>/ban-rieng", methods=["GET", "POST"])
@login_required
def criteria_copy(set_id):
    """The user's unit makes its own copy of a set it uses; the shared set stays as it is. GET confirms."""
    cset = _criteria_set(set_id)
    authorize("criteria.manage", current_user.unit)
    form = ConfirmForm()
    error = ""
    if owners.may_change_shared(current_user):
        error = "Bạn quản lý bộ tiêu chí dùng chung: hãy sửa hoặc tạo phiên bản mới của chính bộ này."
    elif form.validate_on_submit():
        try:
            copy = crit.copy_set(current_user.unit, cset)
            db.session.commit()
        except crit.CriteriaError as err:
            db.session.rollback()
            error = str(err)
        else:
            flash("Đã tạo bản riêng của đơn vị; các hồ sơ đánh giá mới của đơn vị sẽ chấm theo bản này.", "success")
            return go(url_for(".criteria_detail", set_id=copy.id))
    status = 422 if error and request.method == "POST" else 200
    return render("commendations/criteria_copy.html", partial="commendations/_criteria_copy.html", form=form,
                  cset=cset, error=error, unit=current_user.unit, status=status)


def assessment_filters(args) -> tuple[int | None, str, str]:
    """(year, title kind, village) of the assessment list and its export: one reading of the filters."""
    year = args.get("nam", type=int)
    year = year if year and 1900 <= year <= 2100 else None  # a year in words or 20 digits filters nothing
    kind = args.get("danh_hieu", "")
    kind = kind if kind in TITLE_KINDS else ""
    return year, kind, args.get("thon", "").strip()[:200]


@bp.get("/danh-gia")
@login_required
def assessments():
    """Assessments of the user's unit and below, with the share recognised per village."""
    authorize("view")
    year, kind, village = assessment_filters(request.args)
    rows = db.session.scalars(assess.in_scope(current_user.unit, year, kind, village)).all()
    return render("commendations/assessments.html", partial="commendations/_assessment_rows.html", rows=rows,
                  summary=assess.village_summary(rows), year=year, kind=kind, kinds=TITLE_KINDS, village=village,
                  villages=assess.villages(current_user.unit))


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
        cset = _criteria_set(form.criteria_set_id.data)
        unit = get_or_404(Unit, form.unit_id.data, "commendation.write")
        try:
            done = idempotency.once(form.idem_key.data, lambda: assess.register(
                unit, cset, form.name.data, form.year.data, form.village.data, form.note.data),
                url=lambda a: url_for(".assessment", assessment_id=a.id))
            db.session.commit()
        except crit.CriteriaError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            if done.created:
                flash("Đã đăng ký. Hãy chấm điểm.", "success")
            return go(done.url)
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
    if form.validate():
        try:
            assess.score(a, [f.data for f in form.score_fields])
            db.session.commit()
        except crit.CriteriaError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash(f"Đã chấm: {a.total} điểm, {a.result_label}.", "success")
            return go(url_for(".assessment", assessment_id=a.id))
    return form_page("commendations/assessment.html", "commendations/_score_form.html", form, a=a,
                     honoured=assess.honoured_by(a))


@bp.route("/mau-giay-khen", methods=["GET", "POST"])
@login_required
def settings():
    """The certificate template of a unit (the user's own unless ?don_vi= names one below)."""
    unit = get_or_404(Unit, request.args.get("don_vi", current_user.unit_id), "commendation.issue")
    s = certs.setting_for(unit)
    form = SettingForm(obj=s, **{f"wording_{k}": certs.wording_of(s, k) for k in certs.WORDING_KINDS})
    form.logo.choices = certs.logo_choices()
    if form.validate_on_submit():
        try:
            certs.save_setting(unit, issuer_line=form.issuer_line.data, title=form.title.data,
                               border=form.border.data, logo=form.logo.data, signer_title=form.signer_title.data,
                               signer_name=form.signer_name.data, place=form.place.data, wording=form.wording())
            db.session.commit()
        except ValueError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash("Đã lưu mẫu giấy khen.", "success")
            return go(url_for(".settings", don_vi=unit.id))
    return form_page("commendations/settings.html", "commendations/_settings_form.html", form, unit=unit,
                     units=scope_choices(current_user.unit), defaults=certs.DEFAULT_WORDING)


@bp.get("/mau-giay-khen/xem-thu")
@login_required
def settings_preview():
    """A sample certificate with the unit's saved template (the longest realistic name), before any decision."""
    unit = get_or_404(Unit, request.args.get("don_vi", current_user.unit_id), "commendation.issue")
    return render("commendations/settings_preview.html", partial="commendations/_settings_preview.html",
                  unit=unit, c=certs.certificate(*_sample(unit), certs.setting_for(unit)))


def _sample(unit):
    """An unsaved decision and honoree to fill the sample certificate (never added to the session)."""
    from app.core.clock import today as vn_today

    from .models import Decision, Honoree

    today = vn_today()
    school_year = f"{today.year - 1}-{today.year}"
    d = Decision(unit=unit, number="15/QĐ-HKH", decision_date=today, place="", school_year=school_year,
                 signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH", signer_name="", title="")
    h = Honoree(ho="Công Tằng Tôn Nữ", dem="Thị Hoàng Phương Quỳnh Ngọc Diễm Lệ Ái", ten="Bích",
                place="Lớp 9A1, Trường THCS Lai Vung", register_number=1,
                achievement=f"Đạt giải Nhất kỳ thi học sinh giỏi cấp tỉnh môn Ngữ văn năm học {school_year}, "
                            "có nhiều đóng góp cho phong trào khuyến học của địa phương")
    return d, h
