"""Pupil pages: list and search, create/edit with duplicate check, results, achievements, merge."""
from flask import request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from app.core.authz import authorize, get_or_404, is_id
from app.core.export import export_table
from app.core.views import attempt, confirm_action, form_page, page_number, render
from app.extensions import db
from app.scholarships.services import nominations_of

from .. import queries, services
from ..forms import AchievementForm, ConfirmForm, PupilFilterForm, PupilForm, ResultForm, SponsorshipForm
from ..models import GENDERS, Pupil, School, grading_words
from . import bp

PER_PAGE = 35  # a page stays under 30 KB with long school names (50 rows weighed 33 KB, 40 rows 30.7 KB)


def school_choices(blank: str = "— Chưa rõ —") -> list[tuple[int, str]]:
    # Names only: whole School objects for a province's schools cost each search 5 ms.
    schools = db.session.execute(services.schools_in_scope(current_user.unit).with_only_columns(School.id, School.name))
    return [(0, blank)] + [(s.id, s.name) for s in schools]


def filtered_pupils(args):
    """(filter form, keyword filters for queries.pupil_query) from the query string: one reading
    of the filters for the list and its export."""
    filters = PupilFilterForm(args)
    filters.school_id.choices = school_choices("Mọi trường")
    # The filters are read, not validated (a GET): a value no list could hold filters nothing.
    school_id = filters.school_id.data if is_id(filters.school_id.data) else None
    grade = filters.grade.data if isinstance(filters.grade.data, int) and 0 < filters.grade.data <= 16 else None
    return filters, dict(q=filters.q.data or "", school_id=school_id,
                         grade=grade, village=filters.village.data or "",
                         circumstance=filters.circumstance.data or "")


@bp.get("/")
@login_required
def index():
    """Pupils of the user's unit and below; name search without diacritics, filters, Vietnamese order."""
    authorize("view")
    filters, found = filtered_pupils(request.args)
    pagination = queries.pupil_page(current_user.unit, page_number(), PER_PAGE, **found)
    return render("pupils/index.html", partial="pupils/_rows.html", pagination=pagination, filters=filters)


@bp.get("/xuat.xlsx")
@login_required
def export():
    """The filtered pupil list (all pages) as .xlsx, or CSV with ?format=csv.

    Every row, however many: read in batches of 2,000 with their schools and units (one IN
    query per batch, not one per pupil), written to a temporary file before it is sent."""
    authorize("view")
    _, found = filtered_pupils(request.args)
    items = db.session.scalars(queries.pupil_query(current_user.unit, **found)
                               .options(selectinload(Pupil.school), selectinload(Pupil.unit))
                               .execution_options(yield_per=2000))
    rows = ((i, p.full_name, p.ho, p.dem, p.ten, p.birth_date or p.birth_year, GENDERS.get(p.gender, ""),
             p.ethnicity, p.class_text, p.school.name if p.school else "", p.school_year, p.village, p.guardian,
             p.phone, ", ".join(p.circumstances), p.circumstance_note, p.unit.name)
            for i, p in enumerate(items, start=1))
    return export_table("Danh sách học sinh.xlsx",
                        ["STT", "Họ và tên", "Họ", "Tên đệm", "Tên", "Ngày sinh (hoặc năm sinh)", "Giới tính",
                         "Dân tộc", "Lớp", "Trường", "Năm học", "Thôn, ấp", "Cha mẹ, người giám hộ",
                         "Điện thoại", "Hoàn cảnh", "Ghi chú hoàn cảnh", "Đơn vị"], rows, "Học sinh")


def _data(form: PupilForm) -> services.PupilData:
    school = get_or_404(School, form.school_id.data, "view") if form.school_id.data else None
    birth_date, birth_year = form.birth.data or (None, None)
    kw = dict(birth_date=birth_date, birth_year=birth_year, gender=form.gender.data or "",
              ethnicity=form.ethnicity.data, school=school, grade=form.grade.data,
              class_name=form.class_name.data, school_year=form.school_year.data or "", village=form.village.data,
              guardian=form.guardian.data, phone=form.phone.data, circumstances=set(form.circumstances.data or []),
              circumstance_note=form.circumstance_note.data)
    if form.ten.data:  # the three boxes, when filled, correct the automatic split
        return services.PupilData(ho=form.ho.data, dem=form.dem.data, ten=form.ten.data, **kw)
    return services.PupilData.from_full_name(form.full_name.data, **kw)


@bp.route("/moi", methods=["GET", "POST"])
@login_required
def create():
    """New pupil; a likely duplicate is shown and must be confirmed (or the existing record used)."""
    authorize("pupil.write")
    form = PupilForm()
    form.school_id.choices = school_choices()
    duplicates = []
    if form.validate_on_submit():
        data = _data(form)
        duplicates = services.likely_duplicates(current_user.unit, data)
        if duplicates and not form.not_duplicate.data:
            form.form_errors.append("Có thể học sinh này đã có trong sổ (xem danh sách bên dưới). "
                                    "Hãy mở hồ sơ cũ, hoặc đánh dấu ô xác nhận để vẫn lưu hồ sơ mới.")
        elif answer := attempt(form, lambda: services.create_pupil(current_user.unit, data),
                               url=lambda pupil: url_for(".detail", pupil_id=pupil.id),
                               success=lambda pupil: f"Đã thêm học sinh {pupil.full_name}."):
            return answer
    return form_page("pupils/form.html", "pupils/_form.html", form, title="Thêm học sinh",
                     action=url_for(".create"), duplicates=duplicates, pupil=None)


@bp.get("/<int:pupil_id>")
@login_required
def detail(pupil_id):
    """The pupil's record: results, achievements, who supports them, scholarships received."""
    pupil = get_or_404(Pupil, pupil_id)

    return render("pupils/detail.html", pupil=pupil, sponsorships=queries.sponsorships_of(pupil),
                  nominations=nominations_of(pupil),
                  merged_into=db.session.get(Pupil, pupil.merged_into_id) if pupil.merged_into_id else None)


@bp.route("/<int:pupil_id>/sua", methods=["GET", "POST"])
@login_required
def edit(pupil_id):
    pupil = get_or_404(Pupil, pupil_id, "pupil.write")
    form = PupilForm(obj=pupil, school_id=pupil.school_id or 0, circumstances=[
        k for k in services.CIRCUMSTANCES if getattr(pupil, k)])
    if not form.is_submitted():
        form.birth.data = pupil.birth_text
    form.school_id.choices = school_choices()
    if form.validate_on_submit() and (answer := attempt(
            form, lambda: services.update_pupil(pupil, _data(form)), url=url_for(".detail", pupil_id=pupil.id),
            success="Đã lưu thay đổi.")):
        return answer
    return form_page("pupils/form.html", "pupils/_form.html", form, title=f"Sửa: {pupil.full_name}",
                     action=url_for(".edit", pupil_id=pupil.id), duplicates=[], pupil=pupil)


def sub_form(pupil, form, save, title):
    """A record on the pupil's page (result, achievement, sponsorship) added or corrected by `save`."""
    if form.validate_on_submit() and (answer := attempt(form, save, url=url_for(".detail", pupil_id=pupil.id),
                                                        success="Đã lưu.")):
        return answer
    return form_page("pupils/sub_form.html", "pupils/_sub_form.html", form, pupil=pupil, title=title,
                     action=request.path)


@bp.route("/<int:pupil_id>/ket-qua", methods=["GET", "POST"])
@login_required
def add_result(pupil_id):
    """A school year's result with the grading words of the pupil's level (TT 27/2020 or TT 22/2021)."""
    pupil = get_or_404(Pupil, pupil_id, "pupil.write")
    form = ResultForm(school_year=pupil.school_year)
    form.grade_word.choices = [("", "— Không chọn (ghi xếp loại cũ) —")] + [(w, w) for w in grading_words(pupil.level)]
    return sub_form(pupil, form, lambda: services.add_result(
        pupil, form.school_year.data, form.grade_word.data, form.old_text.data, form.note.data),
        "Ghi kết quả học tập")


@bp.route("/<int:pupil_id>/thanh-tich", methods=["GET", "POST"])
@login_required
def add_achievement(pupil_id):
    pupil = get_or_404(Pupil, pupil_id, "pupil.write")
    form = AchievementForm(school_year=pupil.school_year)
    return sub_form(pupil, form, lambda: services.add_achievement(pupil, form.school_year.data, form.title.data),
                    "Ghi thành tích")


@bp.route("/<int:pupil_id>/do-dau", methods=["GET", "POST"])
@login_required
def add_sponsorship(pupil_id):
    """Đỡ đầu: a donor or teacher supports this pupil for a period."""
    pupil = get_or_404(Pupil, pupil_id, "pupil.write")
    form = SponsorshipForm()
    return sub_form(pupil, form, lambda: queries.add_sponsorship(
        pupil, form.sponsor_name.data, form.sponsor_kind.data, form.start_date.data, form.end_date.data,
        form.amount.data, form.period.data, form.note.data), "Thêm người đỡ đầu")


@bp.get("/trung-lap")
@login_required
def duplicates():
    """Likely duplicate records (same name without diacritics and same birth date/year), to merge."""
    authorize("pupil.write")
    return render("pupils/duplicates.html", pairs=services.duplicate_pairs(current_user.unit))


@bp.route("/<int:pupil_id>/gop/<int:other_id>", methods=["GET", "POST"])
@login_required
def merge(pupil_id, other_id):
    """Merge `other` into `pupil`; GET is the confirmation page for browsers without JavaScript."""
    pupil = get_or_404(Pupil, pupil_id, "pupil.write")
    other = get_or_404(Pupil, other_id, "pupil.write")
    form = ConfirmForm()
    return confirm_action(form, lambda: services.merge_pupils(pupil, other), back=url_for(".detail", pupil_id=pupil.id),
                          success=f"Đã gộp hồ sơ vào {pupil.full_name}.") \
        or render("pupils/merge.html", pupil=pupil, other=other, form=form)
