"""Dues forms: a unit's settings, a batch from a paper list, voiding, passing up."""
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.fields import MoneyField, SelectField
from app.core.forms import BaseForm
from app.core.idempotency import IdempotentForm
from app.funds.forms import DATE_FORMAT

NEW_FUND = "moi"  # the fund choice that creates "Quỹ hoạt động Hội"


def _date(label):
    return DateField(label, format=DATE_FORMAT, validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")],
                     render_kw={"type": "date"})


class SettingForm(BaseForm):
    enabled = BooleanField("Đơn vị này thu hội phí")
    amount = MoneyField("Mức hội phí mỗi hội viên một năm (đồng)", required=False, allow_zero=True, empty=0)
    fund_choice = SelectField("Quỹ nhận hội phí (không phải Quỹ khuyến học)", choices=[])
    share_up = MoneyField("Phần nộp cấp trên cho mỗi hội viên đã đóng (đồng)", required=False, allow_zero=True,
                          empty=0)
    lapsed_after = IntegerField("Chưa đóng bao nhiêu năm thì vào danh sách chưa đóng (1-5)", default=2, validators=[
        DataRequired("Vui lòng nhập số năm từ 1 đến 5."), NumberRange(1, 5, "Số năm phải từ 1 đến 5.")],
        render_kw={"inputmode": "numeric"})


class CollectForm(IdempotentForm):
    collected_on = _date("Ngày thu")
    collector = StringField("Người nộp (người thu của chi hội)", validators=[
        DataRequired("Vui lòng nhập tên người nộp."), Length(max=200, message="Quá 200 ký tự.")])
    control_total = MoneyField("Tổng tiền trên danh sách giấy (đồng)")


class DuesVoidForm(BaseForm):
    reason = TextAreaField("Lý do hủy", validators=[
        DataRequired("Vui lòng nhập lý do hủy."), Length(max=500, message="Quá 500 ký tự.")])


class RemitForm(IdempotentForm):
    unit_id = IntegerField("Đơn vị", validators=[DataRequired("Vui lòng chọn đơn vị.")])
    year = IntegerField("Năm", validators=[DataRequired("Vui lòng nhập năm."), NumberRange(2000, 2100, "Năm không hợp lệ.")])
    remitted_on = _date("Ngày nộp")


class YearForm(BaseForm):
    """The GET filters of the lists (unit, year): read, not validated."""

    class Meta:
        csrf = False

    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, choices=[], validate_choice=False)
    year = IntegerField("Năm", name="nam", validators=[Optional()], render_kw={"inputmode": "numeric"})
