from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from app.core.fields import MoneyField, SelectField
from app.core.forms import BaseForm
from app.core.idempotency import IdempotentForm

from .models import DIRECTION_LABELS, METHOD_LABELS, SOURCE_LABELS

DATE_FORMAT = "%Y-%m-%d"


def _date_field(label):
    return DateField(label, format=DATE_FORMAT, validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")],
                     render_kw={"type": "date"})


class FundForm(BaseForm):
    name = StringField("Tên quỹ", validators=[DataRequired("Vui lòng nhập tên quỹ."),
                                              Length(max=200, message="Tên quỹ dài quá 200 ký tự.")])
    unit_id = SelectField("Thuộc đơn vị", coerce=int, validators=[DataRequired("Vui lòng chọn đơn vị.")])
    description = TextAreaField("Mô tả", validators=[Length(max=500, message="Mô tả dài quá 500 ký tự.")])


class PaymentForm(IdempotentForm):
    entry_date = _date_field("Ngày chi")
    amount = MoneyField("Số tiền (đồng)")
    recipient = StringField("Người nhận tiền", validators=[
        DataRequired("Vui lòng nhập người nhận tiền."), Length(max=200, message="Quá 200 ký tự.")])
    purpose = TextAreaField("Nội dung chi", validators=[
        DataRequired("Vui lòng nhập nội dung chi."), Length(max=500, message="Quá 500 ký tự.")])
    basis = StringField("Căn cứ (số quyết định)", validators=[Length(max=100, message="Quá 100 ký tự.")])
    method = SelectField("Hình thức", choices=list(METHOD_LABELS.items()), default="cash")


class TransferForm(IdempotentForm):
    to_fund_id = SelectField("Chuyển đến quỹ", coerce=int, validators=[DataRequired("Vui lòng chọn quỹ nhận.")])
    entry_date = _date_field("Ngày chuyển")
    amount = MoneyField("Số tiền (đồng)")
    reason = TextAreaField("Lý do chuyển", validators=[
        DataRequired("Vui lòng nhập lý do chuyển."), Length(max=500, message="Quá 500 ký tự.")])


class VoidForm(BaseForm):
    reason = TextAreaField("Lý do hủy", validators=[
        DataRequired("Vui lòng nhập lý do hủy."), Length(max=500, message="Quá 500 ký tự.")])


class LedgerFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    # English attributes, the Vietnamese query parameters of the page's URLs (name=) kept.
    date_from = DateField("Từ ngày", name="tu_ngay", format=DATE_FORMAT, validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = DateField("Đến ngày", name="den_ngay", format=DATE_FORMAT, validators=[Optional()],
                        render_kw={"type": "date"})
    direction = SelectField("Thu/chi", name="huong", choices=[("", "Cả thu và chi")] + list(DIRECTION_LABELS.items()))
    source = SelectField("Nguồn", name="nguon", choices=[("", "Mọi nguồn")] + list(SOURCE_LABELS.items()))


class CorrectForm(BaseForm):
    """The reason of a correction (bút toán điều chỉnh) of an entry in a closed period."""

    reason = TextAreaField("Lý do điều chỉnh", validators=[
        DataRequired("Vui lòng nhập lý do điều chỉnh."), Length(max=500, message="Quá 500 ký tự.")])
