from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.fields import SelectField
from app.core.forms import BaseForm
from app.core.idempotency import IdempotentForm
from app.funds.forms import DATE_FORMAT

from .models import DIRECTION_LABELS, SOURCE_LABELS


class GiveOutForm(IdempotentForm):
    """Xuất hiện vật: the stock to take from (unit and item in one select), how much, to whom."""

    stock_id = SelectField("Hiện vật trong kho", coerce=int,
                           validators=[DataRequired("Vui lòng chọn hiện vật còn trong kho.")])
    quantity = StringField("Số lượng xuất", validators=[DataRequired("Vui lòng nhập số lượng."),
                                                        Length(max=20, message="Quá 20 ký tự.")],
                           render_kw={"inputmode": "decimal"})
    entry_date = DateField("Ngày xuất", format=DATE_FORMAT, render_kw={"type": "date"},
                           validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")])
    recipient = StringField("Người nhận", validators=[DataRequired("Vui lòng nhập người nhận."),
                                                      Length(max=200, message="Quá 200 ký tự.")])
    purpose = TextAreaField("Nội dung xuất", validators=[DataRequired("Vui lòng nhập nội dung xuất."),
                                                         Length(max=500, message="Quá 500 ký tự.")])
    basis = StringField("Căn cứ (số quyết định)", validators=[Length(max=100, message="Quá 100 ký tự.")])


class RegisterFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    # English attributes, the Vietnamese query parameters of the page's URLs (name=) kept.
    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, validators=[Optional()])
    item_key = SelectField("Hiện vật", name="hang", validators=[Optional()])
    item_unit = SelectField("Đơn vị tính", name="dvt", validators=[Optional()])
    direction = SelectField("Nhập/xuất", name="huong", validators=[Optional()],
                            choices=[("", "Cả nhập và xuất")] + list(DIRECTION_LABELS.items()))
    source = SelectField("Nguồn", name="nguon", validators=[Optional()],
                         choices=[("", "Mọi nguồn")] + [(k, v) for k, v in SOURCE_LABELS.items() if k != "reversal"])
    date_from = DateField("Từ ngày", name="tu_ngay", format=DATE_FORMAT, validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = DateField("Đến ngày", name="den_ngay", format=DATE_FORMAT, validators=[Optional()],
                        render_kw={"type": "date"})
    include_voided = SelectField("Phiếu đã hủy", name="da_huy", validators=[Optional()],
                                 choices=[("", "Không hiện"), ("1", "Hiện cả phiếu đã hủy")])


class StockFilterForm(BaseForm):
    class Meta:
        csrf = False

    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, validators=[Optional()])
    only_on_hand = SelectField("Hiện vật", name="con", validators=[Optional()],
                               choices=[("", "Mọi hiện vật đã nhập"), ("1", "Chỉ hiện vật còn trong kho")])
