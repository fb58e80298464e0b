from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.forms import BaseForm, ConfirmForm  # noqa: F401  (re-exported for the views)
from app.funds.forms import DATE_FORMAT
from app.core.fields import MoneyField, SelectField

from .models import KIND_LABELS


class CampaignForm(BaseForm):
    name = StringField("Tên đợt vận động", validators=[DataRequired("Vui lòng nhập tên đợt vận động."),
                                                       Length(max=200, message="Quá 200 ký tự.")])
    unit_id = SelectField("Đơn vị tổ chức", coerce=int, validators=[DataRequired("Vui lòng chọn đơn vị.")])
    fund_id = SelectField("Quỹ nhận tiền", coerce=int, validators=[Optional()])
    kind = SelectField("Loại", choices=list(KIND_LABELS.items()), default="fund_drive")
    purpose = TextAreaField("Mục đích", validators=[Length(max=500, message="Quá 500 ký tự.")])
    start_date = DateField("Ngày bắt đầu", format=DATE_FORMAT, validators=[Optional()], render_kw={"type": "date"})
    end_date = DateField("Ngày kết thúc", format=DATE_FORMAT, validators=[Optional()], render_kw={"type": "date"})
    target_amount = MoneyField("Mục tiêu (đồng)", required=False, allow_zero=True, empty=0)



class CampaignFilterForm(BaseForm):
    class Meta:
        csrf = False

    # English attributes, the Vietnamese query parameters (name=) kept: links and bookmarks use them.
    # `q` is the search box's usual name everywhere.
    q = StringField("Tìm theo tên")
    status = SelectField("Trạng thái", name="trang_thai",
                         choices=[("", "Tất cả"), ("open", "Đang mở"), ("closed", "Đã kết thúc")])
    period = SelectField("Bắt đầu trong", name="ky", validate_choice=False)
