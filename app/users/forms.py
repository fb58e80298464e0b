import re

from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.auth.passwords import password_problem
from app.core.authz import ROLE_LABELS
from app.core.fields import SelectField
from app.core.forms import BaseForm

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")


def _username(form, field):
    field.data = (field.data or "").lower()
    if not USERNAME_RE.match(field.data):
        raise ValidationError("Tên đăng nhập gồm 3–60 ký tự: chữ thường không dấu, số, dấu chấm, gạch.")


def _strong(form, field):
    problem = password_problem(field.data or "", getattr(form, "username", None) and form.username.data or "")
    if problem:
        raise ValidationError(problem)


ROLE_CHOICES = list(ROLE_LABELS.items())


class RoleChecks(SelectMultipleField):
    """One labelled checkbox per role: a small commune's chair may also keep the books."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _some_role(form, field):
    # Not DataRequired: its `required` flag would make the browser demand every checkbox.
    if not field.data:
        raise ValidationError("Vui lòng chọn ít nhất một vai trò.")


ROLES_HINT = "Chọn một hoặc nhiều vai trò; người dùng có mọi quyền của các vai trò đã chọn."


class UserCreateForm(BaseForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập."), _username])
    full_name = StringField("Họ và tên", validators=[
        DataRequired("Vui lòng nhập họ và tên."), Length(max=120, message="Họ tên dài quá 120 ký tự.")])
    phone = StringField("Điện thoại", validators=[Length(max=30, message="Số điện thoại quá dài.")])
    unit_id = SelectField("Đơn vị", coerce=int, validators=[DataRequired("Vui lòng chọn đơn vị.")])
    roles = RoleChecks("Vai trò", choices=ROLE_CHOICES, validate_choice=False, validators=[_some_role])
    password = PasswordField("Mật khẩu ban đầu", validators=[DataRequired("Vui lòng nhập mật khẩu."), _strong])


class UserEditForm(BaseForm):
    full_name = UserCreateForm.full_name
    phone = UserCreateForm.phone
    unit_id = UserCreateForm.unit_id
    roles = UserCreateForm.roles


class ResetPasswordForm(BaseForm):
    password = PasswordField("Mật khẩu mới", validators=[DataRequired("Vui lòng nhập mật khẩu mới."), _strong])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        EqualTo("password", message="Hai lần nhập mật khẩu không khớp.")])


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField("Tìm theo tên")
    role = SelectField("Vai trò", choices=[("", "Tất cả vai trò")] + ROLE_CHOICES)
    inactive = BooleanField("Cả tài khoản đã khóa")
