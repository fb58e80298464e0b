"""Pupil, school, result, achievement and sponsorship forms."""
import re

from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.fields import MoneyField, SelectField
from app.core.forms import BaseForm, ConfirmForm  # noqa: F401  (re-exported for the views)
from app.core.idempotency import IdempotentForm
from app.vn.dates import parse_date, parse_school_year

from .models import CIRCUMSTANCES, GENDERS, PERIODS, SCHOOL_LEVELS, SPONSOR_KINDS

_YEAR = re.compile(r"^\d{4}$")


class BirthField(StringField):
    """"05/02/2015" (a date) or "2015" (the year alone): data is (date | None, year | None)."""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = (None, None)
        if not self.raw:
            return
        if _YEAR.match(self.raw):
            self.data = (None, int(self.raw))
            return
        try:
            day = parse_date(self.raw)
        except ValueError as err:
            raise ValueError(str(err)) from err
        self.data = (day, day.year)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data if isinstance(self.data, str) else ""


class SchoolYearField(StringField):
    def pre_validate(self, form):
        if self.data:
            try:
                start = parse_school_year(self.data)
            except ValueError as err:
                raise ValidationError(str(err)) from err
            self.data = f"{start}-{start + 1}"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PupilForm(BaseForm):
    full_name = StringField("Họ và tên", validators=[Length(max=220, message="Họ và tên dài quá 220 ký tự.")])
    ho = StringField("Họ", validators=[Length(max=60, message="Họ dài quá 60 ký tự.")])
    dem = StringField("Tên đệm", validators=[Length(max=100, message="Tên đệm dài quá 100 ký tự.")])
    ten = StringField("Tên", validators=[Length(max=60, message="Tên dài quá 60 ký tự.")])
    birth = BirthField("Ngày sinh (hoặc chỉ năm sinh)")
    gender = SelectField("Giới tính", choices=list(GENDERS.items()), default="", validate_choice=False)
    ethnicity = StringField("Dân tộc", default="Kinh", validators=[Length(max=40)])
    school_id = SelectField("Trường", coerce=int)
    grade = IntegerField("Khối lớp", validators=[Optional(), NumberRange(0, 16, "Khối lớp từ 1 đến 12.")])
    class_name = StringField("Lớp", validators=[Length(max=20, message="Tên lớp dài quá 20 ký tự.")])
    school_year = SchoolYearField("Năm học", validators=[Length(max=20)])
    village = StringField("Thôn, ấp, tổ dân phố", validators=[Length(max=120)])
    guardian = StringField("Cha, mẹ hoặc người giám hộ", validators=[Length(max=120)])
    phone = StringField("Số điện thoại", validators=[Length(max=20, message="Số điện thoại dài quá 20 ký tự.")])
    circumstances = MultiCheckboxField("Hoàn cảnh", choices=list(CIRCUMSTANCES.items()))
    circumstance_note = TextAreaField("Ghi chú hoàn cảnh", validators=[Length(max=300)])
    not_duplicate = BooleanField("Đã kiểm tra: đây là học sinh khác, vẫn lưu")

    def validate_ten(self, field):
        if not (field.data or self.full_name.data):
            raise ValidationError("Vui lòng nhập họ và tên.")


class SchoolForm(BaseForm):
    name = StringField("Tên trường", validators=[DataRequired("Vui lòng nhập tên trường."), Length(max=200)])
    level = SelectField("Cấp học", choices=list(SCHOOL_LEVELS.items()))
    commune = StringField("Xã, phường", validators=[Length(max=200)])
    unit_id = SelectField("Thuộc đơn vị", coerce=int)


class ResultForm(BaseForm):
    school_year = SchoolYearField("Năm học", validators=[DataRequired("Vui lòng nhập năm học.")])
    grade_word = SelectField("Xếp loại (theo quy định hiện hành)")
    old_text = StringField("Xếp loại cũ (ghi nguyên văn, ví dụ “Học sinh giỏi”)", validators=[Length(max=100)])
    note = StringField("Ghi chú", validators=[Length(max=300)])


class AchievementForm(BaseForm):
    school_year = SchoolYearField("Năm học", validators=[DataRequired("Vui lòng nhập năm học.")])
    title = StringField("Thành tích", validators=[DataRequired("Vui lòng nhập thành tích."), Length(max=300)])


class SponsorshipForm(BaseForm):
    sponsor_name = StringField("Người đỡ đầu", validators=[DataRequired("Vui lòng nhập tên người đỡ đầu."),
                                                           Length(max=200)])
    sponsor_kind = SelectField("Là", choices=list(SPONSOR_KINDS.items()))
    start_date = DateField("Từ ngày", format="%Y-%m-%d", validators=[DataRequired("Vui lòng nhập ngày.")],
                           render_kw={"type": "date"})
    end_date = DateField("Đến ngày (để trống nếu chưa định)", format="%Y-%m-%d", validators=[Optional()],
                         render_kw={"type": "date"})
    amount = MoneyField("Số tiền hỗ trợ")
    period = SelectField("Kỳ", choices=list(PERIODS.items()))
    note = StringField("Ghi chú", validators=[Length(max=300)])


class PupilFilterForm(BaseForm):
    class Meta:
        csrf = False

    # English attributes, the Vietnamese query parameters (name=) kept: links and bookmarks use them.
    # `q` is the search box's usual name everywhere.
    q = StringField("Tìm theo tên")
    school_id = SelectField("Trường", name="truong", coerce=int, validate_choice=False)
    grade = SelectField("Khối", name="khoi", coerce=int, validate_choice=False,
                        choices=[(0, "Mọi khối")] + [(g, f"Khối {g}") for g in range(1, 13)])
    village = StringField("Thôn, ấp", name="thon")
    circumstance = SelectField("Hoàn cảnh", name="hoan_canh", validate_choice=False,
                               choices=[("", "Mọi hoàn cảnh")] + list(CIRCUMSTANCES.items()))



class ImportForm(BaseForm):
    file = FileField("Tệp Excel (.xlsx) theo mẫu")
    school_year = SchoolYearField("Năm học của danh sách", validators=[Length(max=20)])


class ConfirmImportForm(IdempotentForm):
    token = HiddenField(validators=[DataRequired("Phiên nhập đã hết hạn, vui lòng tải tệp lên lại.")])
