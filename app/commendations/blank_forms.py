"""Forms of blank printing: the layout (paper and each field's place), a printer, the print itself.

Millimetres and points are typed the Vietnamese way ("3,5") or the other ("3.5"); app.commendations.blanks
checks the ranges and says which box is wrong.
"""
from wtforms import BooleanField, Field, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import TextInput

from app.core.fields import SelectField
from app.core.forms import BaseForm

from .blank_models import ALIGNS, PAPERS, QR_LABEL, TEXT_FIELDS


def mm_text(value) -> str:
    """12.5 -> "12,5"; 12.0 -> "12"."""
    return "" if value is None else f"{float(value):g}".replace(".", ",")


class MmField(Field):
    """A length or a size with a decimal comma or point: float, None when blank or not a number
    (the service then refuses it beside this box). Not a StringField: BaseForm's text clean-up is
    for words."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, blank=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.blank = blank  # what an empty box means (None: it must be filled)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "") or ""
        self.data = None
        if not raw.strip():
            if self.blank is None:
                raise ValueError("Vui lòng nhập một số.")
            self.data = self.blank
            return
        try:
            self.data = float(raw.strip().replace(" ", "").replace(",", "."))
        except ValueError as err:
            raise ValueError("Vui lòng nhập một số, ví dụ 12,5.") from err

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return mm_text(self.data)


# What each box of a text field means, shown as its label (units visible in every label).
PARTS = {"x": "Lề trái x (mm)", "y": "Dòng chữ y (mm, chân chữ)", "w": "Bề rộng (mm)", "size": "Cỡ chữ (pt)"}


def _with_fields(cls):
    for key in TEXT_FIELDS:
        for part, label in PARTS.items():
            setattr(cls, f"{key}_{part}", MmField(label))
        setattr(cls, f"{key}_align", SelectField("Canh lề", choices=list(ALIGNS.items())))
        setattr(cls, f"{key}_show", BooleanField("In ô này"))
    cls.qr_x = MmField("Lề trái x (mm)")
    cls.qr_y = MmField("Mép trên y (mm)")
    cls.qr_size_mm = MmField("Cạnh (mm)")
    cls.qr_show = BooleanField("In mã QR")
    return cls


@_with_fields
class LayoutForm(BaseForm):
    paper = SelectField("Khổ giấy của phôi", choices=[(k, v[0]) for k, v in PAPERS.items()])

    @staticmethod
    def initial(paper: str, fields: dict) -> dict:
        """The form's data from a layout's fields (blanks.fields_of)."""
        data = {"paper": paper}
        for key, spec in fields.items():
            for part, value in spec.items():
                data[f"{key}_{part}"] = value
        return data

    def fields_data(self) -> dict:
        """{field: {x, y, w, size, align, show}, "qr": {x, y, size_mm, show}} as posted."""
        out = {key: {part: self[f"{key}_{part}"].data for part in (*PARTS, "align", "show")} for key in TEXT_FIELDS}
        out["qr"] = {part: self[f"qr_{part}"].data for part in ("x", "y", "size_mm", "show")}
        return out

    def groups(self):
        """(key, label, [form fields]) per printed field, in order: the template's fieldsets."""
        for key, (label, _lines, _bold) in TEXT_FIELDS.items():
            yield key, label, [self[f"{key}_{p}"] for p in ("show", *PARTS, "align")]
        yield "qr", QR_LABEL, [self[f"qr_{p}"] for p in ("show", "x", "y", "size_mm")]


class PrinterForm(BaseForm):
    name = StringField("Tên máy in", validators=[DataRequired("Vui lòng nhập tên máy in."), Length(max=80)])
    offset_x = MmField("Lệch ngang (mm, số dương: dịch sang phải)", blank=0.0)
    offset_y = MmField("Lệch dọc (mm, số dương: dịch xuống)", blank=0.0)


class BlankPrintForm(BaseForm):
    printer_id = SelectField("Máy in", coerce=int)
