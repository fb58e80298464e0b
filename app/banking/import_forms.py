"""The forms of a statement's import and of the queue of bank lines (issue 17 B)."""
from flask_wtf.file import FileField
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from app.core.fields import SelectField
from app.core.forms import BaseForm, ConfirmForm
from app.core.idempotency import IdempotentForm
from app.funds.forms import DATE_FORMAT

from .matching import CATEGORY_LABELS
from .models import STATUS_LABELS

AUTO = ""  # the layout select's "find it from the file"


class UploadForm(BaseForm):
    """The bank's export and how to read it (preset from the account: its kept layout, else its bank's)."""

    file = FileField("Tệp sao kê (.xlsx hoặc .csv, như ngân hàng xuất ra)")
    layout = SelectField("Mẫu sao kê", validators=[Optional()])


# The fields a generic statement's columns are mapped to, with their labels; date, description and
# either the amount or the credit/debit pair are needed (app.banking.statements reads the mapping).
MAPPED = {"date": "Ngày giao dịch", "credit": "Số tiền vào (ghi có)", "debit": "Số tiền ra (ghi nợ)",
          "amount": "Số tiền (âm là tiền ra)", "direction": "Loại giao dịch (vào/ra), khi có",
          "description": "Nội dung / diễn giải", "reference": "Số tham chiếu / mã giao dịch", "balance": "Số dư"}
NONE = -1  # "— Không có —" in a column select


class MappingForm(BaseForm):
    """One select per field: which column of the sheet holds it (choices set from the sheet's preview)."""

    header_row = SelectField("Dòng tiêu đề", coerce=int, validators=[Optional()])
    date = SelectField(MAPPED["date"], coerce=int, validators=[Optional()])
    credit = SelectField(MAPPED["credit"], coerce=int, validators=[Optional()])
    debit = SelectField(MAPPED["debit"], coerce=int, validators=[Optional()])
    amount = SelectField(MAPPED["amount"], coerce=int, validators=[Optional()])
    direction = SelectField(MAPPED["direction"], coerce=int, validators=[Optional()])
    description = SelectField(MAPPED["description"], coerce=int, validators=[Optional()])
    reference = SelectField(MAPPED["reference"], coerce=int, validators=[Optional()])
    balance = SelectField(MAPPED["balance"], coerce=int, validators=[Optional()])

    def set_columns(self, headers: list[str], rows: int) -> None:
        columns = [(NONE, "— Không có —")] + [(i, f"Cột {_letters(i)}: {h}" if h else f"Cột {_letters(i)}")
                                           for i, h in enumerate(headers)]
        for name in MAPPED:
            self[name].choices = columns
        self.header_row.choices = [(n, f"Dòng {n}") for n in range(1, max(1, rows) + 1)]

    def preset(self, mapping: dict) -> None:
        """Select what a kept or guessed mapping says (app.banking.statements.generic's shape)."""
        self.header_row.data = mapping.get("header_row") or 1
        for name in MAPPED:
            value = mapping.get(name)
            self[name].data = NONE if value is None else value

    def mapping(self) -> dict:
        """The mapping in app.banking.statements.generic's shape: header_row 1-based, 0-based columns, None."""
        out = {name: (None if self[name].data in (None, NONE) else self[name].data) for name in MAPPED}
        out["header_row"] = self.header_row.data or 1
        return out


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


class ConfirmStatementForm(IdempotentForm):
    """The preview's “Lưu” button."""


class LinesForm(IdempotentForm):
    """The queue's one bulk form; the lines' own inputs (ids, name-N, campaign-N, entry-N) are read
    from the request by the view."""

    reason = StringField("Lý do bỏ qua", validators=[Length(max=300, message="Quá 300 ký tự.")])


class ReopenForm(ConfirmForm):
    pass


class LineFilterForm(BaseForm):
    class Meta:
        csrf = False

    status = SelectField("Trạng thái", name="trang_thai", validators=[Optional()],
                         choices=[("", "Chờ xử lý")] + [(k, v) for k, v in STATUS_LABELS.items() if k != "waiting"]
                         + [("all", "Mọi trạng thái")])
    category = SelectField("Kết quả khớp", name="khop", validators=[Optional()],
                           choices=[("", "Tất cả")] + list(CATEGORY_LABELS.items()))
    statement_id = SelectField("Sao kê", name="sao_ke", coerce=int, validators=[Optional()])
    date_from = DateField("Từ ngày", name="tu_ngay", format=DATE_FORMAT, validators=[Optional()],
                          render_kw={"type": "date"})
    date_to = DateField("Đến ngày", name="den_ngay", format=DATE_FORMAT, validators=[Optional()],
                        render_kw={"type": "date"})
    q = StringField("Tìm (tên, nội dung, mã)", name="q", validators=[Length(max=100)])

