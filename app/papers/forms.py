"""The form people type a paper's code into (GET: looking a paper up changes nothing)."""
from wtforms import StringField
from wtforms.validators import Length

from app.core.forms import BaseForm

from . import codes

HINT = ("15 chữ và số in cạnh mã QR ở góc giấy khen, phiếu thu, phiếu chi, quyết định hoặc danh sách, "
        "ví dụ 7KQ2M-XW4HD-0R9TB. Không phân biệt chữ hoa, chữ thường; có thể bỏ dấu gạch.")
NOT_A_CODE = ("Mã xác minh gồm 15 chữ và số (chữ số 0-9 và chữ cái A-Z), thường in thành 3 nhóm 5 ký tự. "
              "Vui lòng kiểm tra lại mã in trên giấy.")


class VerifyForm(BaseForm):
    class Meta:
        csrf = False  # a GET lookup changes nothing

    ma = StringField("Mã xác minh", validators=[Length(max=64, message=NOT_A_CODE)])

    def code(self) -> str | None:
        """The code in its printed form ("7KQ2M-XW4HD-0R9TB"), or None (with the message beside the
        field) when what was typed cannot be a code."""
        compact = codes.normalise(self.ma.data or "")
        if compact is None:
            self.ma.errors = list(self.ma.errors or []) + [NOT_A_CODE]
            return None
        return codes.pretty(compact)
