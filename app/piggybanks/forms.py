from wtforms import DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.fields import MoneyField, SelectField
from app.core.forms import BaseForm, ConfirmForm  # noqa: F401  (re-exported for the views)
from app.core.idempotency import IdempotentForm
from app.funds.forms import DATE_FORMAT

from .models import DISPOSITIONS, HOLDER_TYPES, STATUS_LABELS


# Piggy-bank amounts may be 0 (an empty pig, no seed money); blank is None and the forms
# say which amounts are required.
def _money(label, **kwargs):
    return MoneyField(label, required=False, allow_zero=True, **kwargs)


def _date(label):
    return DateField(label, format=DATE_FORMAT, validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")],
                     render_kw={"type": "date"})


def _required(field, message):
    if field.data is None and not field.errors:
        field.errors = list(field.errors) + [message]
        return False
    return True


class IssueForm(IdempotentForm):
    unit_id = SelectField("Chi hội / đơn vị nuôi", coerce=int, validators=[DataRequired("Vui lòng chọn đơn vị.")])
    holder_type = SelectField("Loại người nuôi", choices=list(HOLDER_TYPES.items()), default="household")
    names = TextAreaField("Danh sách người nuôi (mỗi dòng một tên)", validators=[
        DataRequired("Vui lòng nhập ít nhất một tên."), Length(max=20000, message="Danh sách quá dài.")])
    # Normalised by app.piggybanks.codes (case, spaces, a trailing dash), so no length check on the raw text here.
    prefix = StringField("Tiền tố mã heo", validators=[DataRequired("Vui lòng nhập tiền tố mã, ví dụ LV-TL."),
                                                       Length(max=60, message="Tiền tố dài quá 20 ký tự.")])
    start = IntegerField("Số bắt đầu", validators=[Optional(), NumberRange(1, 99999, "Số bắt đầu từ 1 đến 99999.")],
                         render_kw={"inputmode": "numeric"})
    issued_on = _date("Ngày cấp heo")
    seed_money = _money("Tiền mồi mỗi heo (đồng)", default=0)
    campaign_id = SelectField("Đợt vận động", coerce=int, default=0)


class OpeningForm(IdempotentForm):
    opened_on = _date("Ngày mổ heo")
    amount = _money("Số tiền đếm được (đồng)")
    disposition = SelectField("Xử lý tiền", choices=list(DISPOSITIONS.items()), default="fund")
    to_fund_amount = _money("Số nộp quỹ (khi chia)")
    kept_amount = _money("Số gia đình giữ lại (khi chia)")
    witness1 = StringField("Người chứng kiến thứ nhất", validators=[
        DataRequired("Vui lòng nhập tên người chứng kiến."), Length(max=120, message="Quá 120 ký tự.")])
    witness2 = StringField("Người chứng kiến thứ hai", validators=[
        DataRequired("Vui lòng nhập tên người chứng kiến."), Length(max=120, message="Quá 120 ký tự.")])
    note = StringField("Ghi chú", validators=[Length(max=300, message="Quá 300 ký tự.")])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        return _required(self.amount, "Vui lòng nhập số tiền đếm được (ghi 0 nếu heo rỗng).") and ok


class CodeForm(BaseForm):
    code = StringField("Mã heo mới", validators=[DataRequired("Vui lòng nhập mã heo mới."),
                                                 Length(max=60, message="Mã heo dài quá 30 ký tự.")])
    reason = StringField("Lý do sửa mã", validators=[DataRequired("Vui lòng nhập lý do sửa mã."),
                                                     Length(max=300, message="Quá 300 ký tự.")])


class ReissueForm(BaseForm):
    issued_on = _date("Ngày tái đàn")
    seed_money = _money("Tiền mồi (đồng)", default=0)


class VoidForm(BaseForm):
    reason = TextAreaField("Lý do hủy", validators=[
        DataRequired("Vui lòng nhập lý do hủy."), Length(max=500, message="Quá 500 ký tự.")])


class BatchHeadForm(IdempotentForm):
    """The header of the batch entry; the rows are read by app.piggybanks.batch. The control total is
    asked on the confirmation page (the view requires it there)."""

    opened_on = _date("Ngày mổ heo")
    control_total = _money("Tổng tiền kiểm tra (đồng)")
    witness1 = StringField("Người chứng kiến 1 (dùng cho dòng để trống)",
                           validators=[Length(max=120, message="Quá 120 ký tự.")])
    witness2 = StringField("Người chứng kiến 2 (dùng cho dòng để trống)",
                           validators=[Length(max=120, message="Quá 120 ký tự.")])


class PigFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    # English attributes, the Vietnamese query parameters (name=) kept: links, bookmarks and the bulk
    # form's carried "f.don_vi" use them. `q` is the search box's usual name everywhere.
    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, default=0)
    holder_type = SelectField("Loại người nuôi", name="loai", default="",
                              choices=[("", "Mọi loại")] + list(HOLDER_TYPES.items()))
    status = SelectField("Trạng thái", name="trang_thai", default="",
                         choices=[("", "Mọi trạng thái")] + list(STATUS_LABELS.items()))
    q = StringField("Tìm mã heo hoặc tên người nuôi")


class ReportFilterForm(BaseForm):
    class Meta:
        csrf = False

    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, default=0)
    year = IntegerField("Năm", name="nam", validators=[Optional(), NumberRange(2000, 2100, "Năm không hợp lệ.")])
    date_from = DateField("Từ ngày", name="tu_ngay", format=DATE_FORMAT, validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = DateField("Đến ngày", name="den_ngay", format=DATE_FORMAT, validators=[Optional()],
                        render_kw={"type": "date"})
