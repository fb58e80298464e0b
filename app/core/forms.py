"""Base form: every text a user types is NFC-normalised on the way in.

Some phone keyboards send "ế" as "e" plus two combining marks; stored that way
it would not match searches, sort wrongly and print with broken accents.
"""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from app.core.wtforms_vi import TRANSLATIONS
from app.vn.text import clean, nfc, strip_controls


def _strip_nfc(value):
    value = strip_controls(nfc(value))
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS

        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", ()))
            cls = unbound_field.field_class
            if issubclass(cls, PasswordField):
                filters.insert(0, nfc)  # never strip a password
            elif issubclass(cls, TextAreaField):
                filters.insert(0, _strip_nfc)  # keep line breaks
            elif issubclass(cls, StringField):
                filters.insert(0, clean)
            return unbound_field.bind(form=form, filters=filters, **options)


class ConfirmForm(BaseForm):
    """An empty form: its CSRF token is what makes a confirmation page (void, lock, close) safe."""
