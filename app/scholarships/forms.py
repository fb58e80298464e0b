"""Scholarship forms: rounds, categories, nominations, decisions, payout, import."""
from dataclasses import dataclass

from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.fields import MoneyField, SelectField
from app.core.forms import BaseForm
from app.core.idempotency import IdempotentForm
from app.pupils.forms import SchoolYearField

from .award_goods import format_quantity, parse_quantity
from .models import KINDS, ROUND_STATUS


def _date(label, required=True):
    validators = [DataRequired("Vui lòng nhập ngày hợp lệ.")] if required else [Optional()]
    return DateField(label, format="%Y-%m-%d", validators=validators, render_kw={"type": "date"})


class RoundForm(BaseForm):
    name = StringField("Tên đợt học bổng", validators=[DataRequired("Vui lòng nhập tên đợt."), Length(max=200)])
    school_year = SchoolYearField("Năm học", validators=[DataRequired("Vui lòng nhập năm học.")])
    fund_id = SelectField("Chi từ quỹ", coerce=int, validators=[DataRequired("Vui lòng chọn quỹ.")])
    budget = MoneyField("Ngân sách của đợt")
    ceremony_date = _date("Ngày trao", required=False)
    decision_number = StringField("Số quyết định", validators=[Length(max=60)])
    status = SelectField("Trạng thái", choices=list(ROUND_STATUS.items()))


class QuantityField(StringField):
    """A quantity of goods as typed ("10", "1.830", "2,5"): Decimal, None when blank."""

    def process_formdata(self, valuelist):
        self.data = None
        raw = (valuelist[0] if valuelist else "") or ""
        try:
            self.data = parse_quantity(raw)
        except ValueError as err:
            raise ValueError(str(err)) from err

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_quantity(self.data) if self.data is not None else ""


def goods_fields(cls, prefix: str = "goods", what: str = "mỗi suất"):
    """Add the three goods fields of an award (item, unit, quantity) to the form class `cls`."""
    setattr(cls, f"{prefix}_item", StringField("Hiện vật", validators=[Length(max=200)]))
    setattr(cls, f"{prefix}_unit", StringField("Đơn vị tính", validators=[Length(max=30)]))
    setattr(cls, f"{prefix}_quantity", QuantityField(f"Số lượng {what}".strip(), render_kw={"inputmode": "decimal"}))
    return cls


@goods_fields
class CategoryForm(BaseForm):
    name = StringField("Tên loại học bổng", validators=[DataRequired("Vui lòng nhập tên."), Length(max=200)])
    kind = SelectField("Diện", choices=list(KINDS.items()))
    amount = MoneyField("Số tiền mỗi suất", required=False, allow_zero=True, empty=0)  # goods-only awards: 0
    quota = IntegerField("Số suất tối đa", validators=[Optional(), NumberRange(1, 100000, "Số suất từ 1 trở lên.")])


class NominationForm(IdempotentForm):
    pupil_id = HiddenField(validators=[DataRequired("Vui lòng chọn học sinh.")])
    category_id = SelectField("Loại học bổng", coerce=int, validators=[DataRequired("Vui lòng chọn loại.")])
    proposer = StringField("Đơn vị đề cử (trường, chi hội)", validators=[Length(max=200)])
    achievement = StringField("Thành tích được xét thưởng", validators=[Length(max=300)])
    reason = TextAreaField("Lý do đề cử", validators=[Length(max=500)])


class DecideForm(BaseForm):
    ids = SelectMultipleField("Đề cử", coerce=int, validate_choice=False)
    act = HiddenField()
    reason = StringField("Lý do không duyệt", validators=[Length(max=300)])


@dataclass(frozen=True)
class Act:
    """The decision a selection page's button asks for: "approve", "reject" or "budget", and for
    one row's "Duyệt" the nomination's id."""
    kind: str
    nomination_id: int | None = None


def read_act(raw: str | None) -> Act:
    """The button's value as posted (`act`, in the form or the action's query string): "approve",
    "reject", "budget", or "approve-<id>" for one row (the row's button, with JavaScript or without)."""
    kind, _, one = (raw or "").partition("-")
    return Act(kind, int(one) if kind == "approve" and one.isascii() and one.isdigit() else None)


class RejectForm(BaseForm):
    reason = StringField("Lý do không duyệt", validators=[DataRequired("Vui lòng nhập lý do."), Length(max=300)])


class PayoutForm(IdempotentForm):
    ids = SelectMultipleField("Suất đã ký nhận", coerce=int, validate_choice=False,
                              validators=[DataRequired("Chưa chọn suất nào.")])
    paid_on = _date("Ngày chi trả")
    # 0 is allowed: a batch of awards in goods only has no money to check.
    control_total = MoneyField("Tổng tiền theo danh sách đã ký (tổng kiểm tra)", allow_zero=True)
    future_ok = BooleanField("Tôi xác nhận ngày chi ở tương lai")


class BulkConfirmForm(IdempotentForm):
    """The confirm page of a bulk approval: its CSRF token and its double-submit key."""


class PayConfirmForm(IdempotentForm):
    """The confirm page of a bulk payout: the date, the sheet's total typed as a control, and the
    confirmation a date after today needs (the rows come from app.core.selection)."""
    paid_on = _date("Ngày chi trả")
    control_total = MoneyField("Tổng tiền kiểm tra (cộng trên danh sách đã ký)", allow_zero=True)
    future_ok = BooleanField("Tôi xác nhận ngày chi ở tương lai")


class PayOneForm(IdempotentForm):
    paid_on = _date("Ngày chi trả")


class ReverseForm(BaseForm):
    reason = StringField("Lý do hoàn chi trả", validators=[DataRequired("Vui lòng nhập lý do."), Length(max=300)])


class ImportForm(BaseForm):
    file = FileField("Tệp Excel (.xlsx) theo mẫu")
    proposer = StringField("Đơn vị đề cử (trường, chi hội)", validators=[Length(max=200)])


class ConfirmImportForm(IdempotentForm):
    token = HiddenField(validators=[DataRequired("Phiên nhập đã hết hạn, vui lòng tải tệp lên lại.")])


class AwardFilterForm(BaseForm):
    """The awards list's filters (GET): period, school level, circumstance."""
    class Meta:
        csrf = False

    # English attributes, the Vietnamese query parameters (name=) kept: the reports link here with them.
    period = SelectField("Kỳ", name="ky", validate_choice=False)
    level = SelectField("Cấp học", name="cap_hoc", validate_choice=False)
    circumstance = SelectField("Hoàn cảnh", name="hoan_canh", validate_choice=False)
