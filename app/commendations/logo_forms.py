"""The forms of a unit's logo page (issue 18 C): the upload, and the removal's CSRF-only form."""
from flask_wtf.file import FileField

from app.core.forms import BaseForm, ConfirmForm
from app.core.images import MAX_BYTES

ACCEPT = ".png,.svg,image/png,image/svg+xml"


class LogoForm(BaseForm):
    # Checked by the service (app.core.images), not by a validator: the message lands beside the field.
    file = FileField(f"Tệp biểu trưng (PNG hoặc SVG, tối đa {MAX_BYTES // 1024} KB)")


class RemoveLogoForm(ConfirmForm):
    """Nothing but its CSRF token."""
