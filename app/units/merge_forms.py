"""Forms of the merge and rename pages (issue 20 D)."""
from wtforms import BooleanField, DateField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.core.fields import SelectField
from app.core.forms import BaseForm

from .merge_queries import SERIES_LABELS
from .models import CONTINUE, NUMBERING_LABELS

DATE_FORMAT = "%Y-%m-%d"
NEW = 0  # the target select's "a new unit" choice


class UnitChecks(SelectMultipleField):
    """One labelled checkbox per unit: many sources picked in one form."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MergeForm(BaseForm):
    source_ids = UnitChecks("Các đơn vị được sáp nhập", coerce=int, validate_choice=False)
    target_id = SelectField("Sáp nhập vào", coerce=int)
    new_name = StringField("Tên mới (đơn vị mới, hoặc tên mới của đơn vị nhận)",
                           validators=[Length(max=200, message="Tên dài quá 200 ký tự.")])
    effective_on = DateField("Ngày hiệu lực", format=DATE_FORMAT, render_kw={"type": "date"},
                             validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")])
    numbering = SelectField("Đánh số chứng từ sau sáp nhập", choices=list(NUMBERING_LABELS.items()),
                            default=CONTINUE)
    reason = TextAreaField("Căn cứ, lý do (ví dụ: Nghị quyết sáp nhập)",
                           validators=[Length(max=500, message="Dài quá 500 ký tự.")])


# One optional choice per numbering series, beside the choice for all (app.units.merge_queries.SERIES_LABELS).
SERIES_FIELDS = {"PT": "num_pt", "PC": "num_pc", "GN": "num_gn", "XK": "num_xk", "register": "num_register",
                 "member": "num_member"}
_SAME = [("", "Như lựa chọn chung")] + list(NUMBERING_LABELS.items())
for _key, _name in SERIES_FIELDS.items():
    setattr(MergeForm, _name, SelectField(SERIES_LABELS[_key], choices=_SAME, default=""))


def numbering_of(form: MergeForm) -> dict:
    """{"*": the choice for all, series: its own choice when one was picked}."""
    out = {"*": form.numbering.data}
    out.update({key: form[name].data for key, name in SERIES_FIELDS.items() if form[name].data})
    return out


def numbering_fields(numbering: dict | None) -> dict:
    """The form's values for a merge's stored numbering (the edit page)."""
    numbering = numbering or {}
    return {"numbering": numbering.get("*", CONTINUE),
            **{name: numbering.get(key, "") for key, name in SERIES_FIELDS.items()}}


class ConfirmMergeForm(BaseForm):
    sure = BooleanField("Tôi đã xem kỹ bản xem trước và xác nhận sáp nhập (không thể hoàn tác).",
                        validators=[DataRequired("Vui lòng đánh dấu ô xác nhận.")])


class CancelMergeForm(BaseForm):
    reason = TextAreaField("Lý do hủy", validators=[DataRequired("Vui lòng nhập lý do hủy."),
                                                    Length(max=500, message="Dài quá 500 ký tự.")])


class RenameForm(BaseForm):
    name = StringField("Tên mới", validators=[DataRequired("Vui lòng nhập tên mới."),
                                              Length(max=200, message="Tên dài quá 200 ký tự.")])
    effective_on = DateField("Ngày hiệu lực", format=DATE_FORMAT, render_kw={"type": "date"},
                             validators=[DataRequired("Vui lòng nhập ngày hợp lệ.")])


__all__ = ["MergeForm", "ConfirmMergeForm", "CancelMergeForm", "RenameForm", "NEW", "Optional", "numbering_of",
           "numbering_fields", "SERIES_FIELDS"]
