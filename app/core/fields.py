"""Form fields shared by every domain."""
from wtforms import StringField
from wtforms.validators import StopValidation

from app.core.books import BooksError, check_amount
from app.vn.money import MoneyError, format_number, parse_money


class MoneyField(StringField):
    """An amount typed by a person ("1.250.000", "1250000 đ", "1 250 000") as whole đồng.

    required: blank is refused ("Vui lòng nhập số tiền."); otherwise blank gives `empty`.
    allow_zero: whether 0 is a valid amount (an empty piggy bank, no target).
    More than app.core.books.max_amount() is refused ("Số tiền quá lớn: tối đa 100.000.000.000 đ ...").
    What the user typed is shown back unchanged when the form is re-displayed with errors.
    """

    def __init__(self, label=None, validators=None, *, required: bool = True, allow_zero: bool = False,
                 empty=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "numeric")
        super().__init__(label, validators, **kwargs)
        self.required, self.allow_zero, self.empty = required, allow_zero, empty

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "") or ""
        self.data = self.empty
        if not raw.strip():
            return
        try:
            self.data = parse_money(raw)
        except MoneyError as err:
            self.data = None
            raise ValueError(str(err)) from err
        if self.data == 0 and not self.allow_zero:
            self.data = None
            raise ValueError("Số tiền phải lớn hơn 0.")
        try:
            # The bound is read from the config now, at request time, not when the form class is made.
            check_amount(self.data, self.name, allow_zero=True)
        except BooksError as err:
            self.data = None
            raise ValueError(err.message) from err

    def pre_validate(self, form):
        if self.required and self.data is None and not self.process_errors:
            raise StopValidation("Vui lòng nhập số tiền.")

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None or (self.data == 0 and self.empty == 0 and not self.required):
            return ""
        return format_number(self.data)
