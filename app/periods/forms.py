"""Forms of the closing pages: picking a unit and a year (GET), confirming a close, reopening."""
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.core.fields import SelectField
from app.core.forms import BaseForm, ConfirmForm  # noqa: F401  (ConfirmForm re-exported for the views)


class PickForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    # English attributes, the Vietnamese query parameters (name=) kept: links and bookmarks use them.
    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, validate_choice=False)
    year = IntegerField("Năm", name="nam",
                        validators=[Optional(), NumberRange(min=2000, max=2100, message="Năm không hợp lệ.")])


class ReopenForm(BaseForm):
    reason = TextAreaField("Lý do mở lại", validators=[
        DataRequired("Vui lòng nhập lý do mở lại kỳ đã khóa."), Length(max=500, message="Quá 500 ký tự.")])
