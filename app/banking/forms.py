"""Forms of the bank account pages (the statement upload's forms live in import_forms.py)."""
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from app.core.fields import SelectField
from app.core.forms import BaseForm
from app.core.idempotency import IdempotentForm

from .napas import choices as bank_choices

_BANK = "Ngân hàng"
_NUMBER = "Số tài khoản"
_NAME = "Tên chủ tài khoản"
_LABEL = "Tên gọi trong sổ (không bắt buộc)"


def _bank_field():
    return SelectField(_BANK, validators=[DataRequired("Vui lòng chọn ngân hàng trong danh sách.")],
                       choices=[("", "— Chọn ngân hàng —")] + bank_choices(), validate_choice=False)


class _AccountFields:
    """What both account forms ask (WTForms collects fields from a mixin's attributes too)."""

    bin = _bank_field()
    account_number = StringField(_NUMBER, validators=[DataRequired("Vui lòng nhập số tài khoản."),
                                                      Length(max=40, message="Quá 40 ký tự.")],
                                 render_kw={"inputmode": "numeric", "autocomplete": "off"})
    account_name = StringField(_NAME, validators=[DataRequired("Vui lòng nhập tên chủ tài khoản."),
                                                  Length(max=120, message="Quá 120 ký tự.")])
    label = StringField(_LABEL, validators=[Length(max=100, message="Quá 100 ký tự.")])
    is_default = BooleanField("Là tài khoản mặc định của đơn vị (mã QR hiện tài khoản này)")


class AccountForm(_AccountFields, IdempotentForm):
    """Thêm tài khoản ngân hàng: which unit, which bank (NAPAS list, BIN shown), number, holder."""

    unit_id = SelectField("Đơn vị chủ tài khoản", coerce=int, validators=[DataRequired("Vui lòng chọn đơn vị.")])


class AccountEditForm(_AccountFields, BaseForm):
    """Sửa tài khoản: the bank and the number only while no line was recorded on it (the service says)."""

    active = BooleanField("Đang dùng (bỏ chọn để ngừng dùng tài khoản này)")


class ReminderForm(BaseForm):
    """The amount a reminder fixes in its QR (a GET form: works with JavaScript off, no CSRF)."""

    class Meta:
        csrf = False

    amount = StringField("Số tiền đề nghị (đồng)", name="so_tien", render_kw={"inputmode": "numeric"})


class MonthForm(BaseForm):
    class Meta:
        csrf = False  # a GET picker changes nothing

    # Browsers without a month picker show a text box: "2024-07" typed by hand works the same.
    month = StringField("Tháng", name="thang", render_kw={"type": "month", "placeholder": "2024-07"})
