"""Forms of the disclosure pages: picking a unit and a year (GET), confirming a publication."""
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from app.core.fields import SelectField
from app.core.forms import BaseForm, ConfirmForm  # noqa: F401  (ConfirmForm re-exported for the views)


class PickForm(BaseForm):
    class Meta:
        csrf = False

    # English attributes, the Vietnamese query parameters (name=) kept: links and bookmarks use them.
    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, validate_choice=False)
    year = IntegerField("Năm", name="nam", validators=[Optional(), NumberRange(min=2000, max=2100)])
