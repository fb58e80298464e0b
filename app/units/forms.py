from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.core.fields import SelectField
from app.core.forms import BaseForm, ConfirmForm  # noqa: F401  (re-exported for the views)

from .models import UNIT_KINDS


class UnitForm(BaseForm):
    parent_id = SelectField("Đơn vị cấp trên", coerce=int,
                            validators=[DataRequired("Vui lòng chọn đơn vị cấp trên.")])
    name = StringField("Tên đơn vị", validators=[
        DataRequired("Vui lòng nhập tên đơn vị."), Length(max=200, message="Tên dài quá 200 ký tự.")])
    kind = SelectField("Loại", choices=list(UNIT_KINDS.items()),
                       validators=[DataRequired("Vui lòng chọn loại đơn vị.")])
    address = TextAreaField("Địa chỉ", validators=[Length(max=300, message="Địa chỉ dài quá 300 ký tự.")])


class UnitEditForm(BaseForm):
    name = UnitForm.name
    kind = UnitForm.kind
    address = UnitForm.address


class MoveForm(BaseForm):
    parent_id = SelectField("Chuyển về đơn vị cấp trên", coerce=int,
                            validators=[DataRequired("Vui lòng chọn đơn vị cấp trên mới.")])

