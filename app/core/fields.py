"""Form fields shared by every domain."""
import re

import wtforms
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.validators import StopValidation
from wtforms.widgets import Select

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


class LongSelect(Select):
    """wtforms' Select, its options written without html_params: a province's unit picker has 500
    options and the generic writer (sorted keys, escaping, a Markup per option) was 40 % of the
    member list's CPU time, and such pickers (units, campaigns, funds) are on most pages. The same
    HTML (tests/core/test_select_widget.py compares the two); options with render_kw or boolean
    values, and groups, go through the generic writer."""

    def __call__(self, field, **kwargs):
        if self.multiple or field.has_groups():
            return super().__call__(field, **kwargs)
        choices = list(field.iter_choices())
        if any(c[3] or isinstance(c[0], bool) for c in choices):
            return super().__call__(field, **kwargs)
        head = super().__call__(_NoChoices(field), **kwargs)[:-len("</select>")]
        parts = [str(head)]
        for value, label, selected, _kw in choices:
            parts.append(f'<option {"selected " if selected else ""}value="{escaped(value)}">{escaped(label)}</option>')
        parts.append("</select>")
        return Markup("".join(parts))


_SPECIAL = re.compile("[&<>'\"]")


def escaped(value) -> str:
    """markupsafe.escape's text, skipped for the usual text that has nothing to escape (and, like
    escape, leaving text already marked safe as it is)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    text = str(value)
    return str(escape(text)) if _SPECIAL.search(text) else text


class _NoChoices:
    """A field seen through with no choices: Select writes only the <select ...> tag for it."""

    def __init__(self, field):
        self._field = field

    def __getattr__(self, name):
        return getattr(self._field, name)

    def has_groups(self):
        return False

    def iter_choices(self):
        return iter(())


class SelectField(wtforms.SelectField):
    """Every drop-down of the app: wtforms' SelectField written by LongSelect."""

    widget = LongSelect()
