"""The register's forms: a member, the list's filters, ending and resuming membership.

Fields are read as typed and the service checks them (app.members.services.check_fields), so a
refusal is one Vietnamese message beside its field whether it came from a form or an import row.
"""
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.fields import SelectField
from app.core.forms import BaseForm
from app.core.idempotency import IdempotentForm

from .models import DECEASED, GENDERS, LEFT, OCCUPATIONS
from .queries import STATUS_ARG_LABELS

_DATE = {"format": "%Y-%m-%d", "render_kw": {"type": "date"}}


class MemberForm(BaseForm):
    name = StringField("Họ và tên", validators=[Length(max=220, message="Họ và tên dài quá 220 ký tự.")])
    birth_year = StringField("Năm sinh", validators=[Length(max=10, message="Năm sinh là 4 chữ số.")])
    gender = SelectField("Giới tính", choices=list(GENDERS.items()), default="", validate_choice=False)
    occupation = SelectField("Nhóm nghề nghiệp", choices=list(OCCUPATIONS.items()), default="",
                             validate_choice=False)
    village = StringField("Thôn, ấp, tổ dân phố")
    address = StringField("Địa chỉ")
    phone = StringField("Số điện thoại")
    joined_on = DateField("Ngày vào hội", validators=[DataRequired("Vui lòng nhập ngày vào hội.")], **_DATE)
    note = TextAreaField("Ghi chú")


class MemberCreateForm(IdempotentForm, MemberForm):
    # A member stays in the unit that numbered them: the unit is chosen once, on creation.
    unit_id = SelectField("Thuộc chi hội, ban", coerce=int, validate_choice=False)
    number = StringField("Số thẻ hội viên", validators=[Length(max=10, message="Số thẻ dài quá 10 chữ số.")])
    not_duplicate = BooleanField("Đã kiểm tra: đây là người khác, vẫn thêm hội viên mới")


class MemberFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    # English attributes, the Vietnamese query parameters (name=) of API.md kept: the counts link here.
    q = StringField("Tìm theo tên, số thẻ, số điện thoại")
    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, default=0, validate_choice=False)
    status = SelectField("Trạng thái", name="trang_thai", default="dang", validate_choice=False,
                         choices=list(STATUS_ARG_LABELS.items()))
    village = StringField("Thôn, ấp", name="thon")
    occupation = SelectField("Nhóm nghề nghiệp", name="nghe", default="", validate_choice=False,
                             choices=[("", "Mọi nhóm")] + [(k, v) for k, v in OCCUPATIONS.items() if k])
    joined_in = StringField("Vào hội năm", name="vao_nam")
    ended_in = StringField("Ra khỏi hội, từ trần năm", name="ra_nam")
    on_roll_in = StringField("Là hội viên cuối năm", name="nam")


class EndForm(BaseForm):
    status = SelectField("Lý do thôi", choices=[(LEFT, "Ra khỏi hội"), (DECEASED, "Từ trần")], default=LEFT,
                         validate_choice=False)
    ended_on = DateField("Từ ngày", validators=[DataRequired("Vui lòng nhập ngày.")], **_DATE)
    reason = StringField("Lý do cụ thể", validators=[Length(max=300, message="Lý do dài quá 300 ký tự.")])


class RejoinForm(IdempotentForm):
    """Vào hội lại: a new row (app.members.status.rejoin) in a unit of the user's scope."""
    unit_id = SelectField("Vào chi hội, ban", coerce=int, validate_choice=False)
    joined_on = DateField("Ngày vào hội lại", validators=[DataRequired("Vui lòng nhập ngày vào hội lại.")],
                          **_DATE)
    not_duplicate = BooleanField("Đã kiểm tra: người trong danh sách trên là người khác, vẫn ghi vào hội lại")


class ReopenForm(BaseForm):
    """Hủy ghi nhận ra khỏi hội: the end was recorded by mistake (app.members.status.reopen)."""
    reason = StringField("Lý do hủy", validators=[Length(max=300, message="Lý do dài quá 300 ký tự.")])
