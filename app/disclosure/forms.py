"""Forms of the disclosure pages: picking a unit and a year (GET), confirming a publication."""
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from app.core.forms import BaseForm, ConfirmForm  # noqa: F401  (ConfirmForm re-exported for the views)


class PickForm(BaseForm):
    class Meta:
        csrf = False

    don_vi = SelectField("Đơn vị", coerce=int, validate_choice=False)
    nam = IntegerField("Năm", validators=[Optional(), NumberRange(min=2000, max=2100)])
