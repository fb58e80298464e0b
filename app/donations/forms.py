from wtforms import BooleanField, DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.fields import MoneyField, SelectField
from app.core.forms import BaseForm
from app.core.idempotency import IdempotentForm
from app.funds.forms import DATE_FORMAT

from .donors import DONOR_KINDS
from .models import METHODS
from .services import Gift

_LEN = "Quá {max} ký tự."
MONEY = "tien"  # the list filter value for gifts of money (cash and transfer), apart from goods


def _len(n):
    return Length(max=n, message=_LEN.format(max=n))


class DonationForm(IdempotentForm):
    """Quick entry of one gift from a paper list. Field order is the tab order."""

    campaign_id = SelectField("Đợt vận động", coerce=int, validators=[DataRequired("Vui lòng chọn đợt vận động.")])
    donation_date = DateField("Ngày đóng góp", format=DATE_FORMAT, render_kw={"type": "date"},
                              validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")])
    donor_name = StringField("Họ tên người đóng góp", validators=[_len(200)],
                             render_kw={"autocomplete": "off"})
    donor_kind = SelectField("Loại", choices=list(DONOR_KINDS.items()), default="person")
    address = StringField("Địa chỉ (ấp, tổ dân phố)", validators=[_len(300)])
    phone = StringField("Điện thoại", validators=[_len(30)], render_kw={"inputmode": "tel"})
    donor_id = HiddenField()
    amount = MoneyField("Số tiền (đồng)", render_kw={"inputmode": "numeric"})
    method = SelectField("Hình thức", choices=list(METHODS.items()), default="cash")
    item = StringField("Hiện vật", validators=[_len(200)])
    quantity = StringField("Số lượng", validators=[_len(20)], render_kw={"inputmode": "decimal"})
    item_unit = StringField("Đơn vị tính", validators=[_len(30)])
    collector_name = StringField("Người thu", validators=[_len(120)])
    collector_unit_id = SelectField("Chi hội thu", coerce=int, validators=[Optional()])
    note = StringField("Ghi chú", validators=[_len(500)])
    # This gift only: a named business may give once under its name and once anonymously.
    anonymous = BooleanField("Ẩn danh khi công khai")

    def names_donor(self) -> bool:
        """A name typed, a suggestion picked, or an anonymous donor: someone the gift is from."""
        return bool(self.donor_name.data or self.donor_id.data or self.donor_kind.data == "anonymous")

    def picked_donor_id(self) -> int | None:
        """The id of the suggestion picked (a hidden input), or None: the typed name counts."""
        picked = (self.donor_id.data or "").strip()
        return int(picked) if picked.isdigit() and int(picked) else None

    def gift(self) -> Gift:
        """The gift as plain values: the one place the write path reads this form."""
        return Gift(amount=self.amount.data, donation_date=self.donation_date.data,
                    donor_name=self.donor_name.data or "", donor_kind=self.donor_kind.data,
                    address=self.address.data or "", phone=self.phone.data or "", method=self.method.data,
                    item=self.item.data or "", quantity=self.quantity.data or "",
                    item_unit=self.item_unit.data or "", collector_name=self.collector_name.data or "",
                    note=self.note.data or "", anonymous=bool(self.anonymous.data))


class BatchForm(IdempotentForm):
    """The header of a collection sheet; the rows are read from rows-N-* inputs."""

    campaign_id = SelectField("Đợt vận động", coerce=int, validators=[DataRequired("Vui lòng chọn đợt vận động.")])
    donation_date = DateField("Ngày thu", format=DATE_FORMAT, render_kw={"type": "date"},
                              validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")])
    collector_name = StringField("Người thu", validators=[_len(120)])
    collector_unit_id = SelectField("Chi hội thu", coerce=int, validators=[Optional()])
    control_total = MoneyField("Tổng cộng trên giấy (đồng)", render_kw={"inputmode": "numeric"})
    # How many blank rows "Thêm dòng" adds (`rows` is the sheet's lines); posted as so_dong, as before.
    more_rows = IntegerField("Số dòng", name="so_dong", render_kw={"inputmode": "numeric"},
                             validators=[Optional(), NumberRange(1, 200, "Từ 1 đến 200 dòng.")])


class VoidForm(BaseForm):
    reason = TextAreaField("Lý do hủy", validators=[DataRequired("Vui lòng nhập lý do hủy."), _len(500)])


class MergeForm(BaseForm):
    keep_id = SelectField("Gộp vào người", coerce=int, validators=[DataRequired("Vui lòng chọn người giữ lại.")])


class DonorForm(BaseForm):
    name = StringField("Họ tên", validators=[_len(200)])
    kind = SelectField("Loại", choices=list(DONOR_KINDS.items()))
    address = StringField("Địa chỉ", validators=[_len(300)])
    phone = StringField("Điện thoại", validators=[_len(30)])
    note = TextAreaField("Ghi chú", validators=[_len(500)])


class ImportForm(IdempotentForm):
    pass


class DonationFilterForm(BaseForm):
    class Meta:
        csrf = False

    # English attributes, the Vietnamese query parameters (name=) kept: the reports' and campaigns'
    # links, bookmarks and tests use them.
    campaign_id = SelectField("Đợt vận động", name="dot", coerce=int, validators=[Optional()])
    date_from = DateField("Từ ngày", name="tu_ngay", format=DATE_FORMAT, validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = DateField("Đến ngày", name="den_ngay", format=DATE_FORMAT, validators=[Optional()],
                        render_kw={"type": "date"})
    # MONEY: cash and transfer together (what the reports call money, apart from goods in kind).
    method = SelectField("Hình thức", name="hinh_thuc", validators=[Optional()],
                         choices=[("", "Mọi hình thức"), (MONEY, "Tiền (tiền mặt và chuyển khoản)")]
                         + list(METHODS.items()))
    donor = StringField("Người đóng góp", name="nguoi")
    collector = StringField("Người/chi hội thu", name="nguoi_thu")
    include_voided = SelectField("Khoản đã hủy", name="da_huy", validators=[Optional()],
                                 choices=[("", "Không hiện"), ("1", "Hiện cả khoản đã hủy")])
