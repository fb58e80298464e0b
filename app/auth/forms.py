from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from app.core.forms import BaseForm


class LoginForm(BaseForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])


class ChangePasswordForm(BaseForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    password = PasswordField("Mật khẩu mới", validators=[DataRequired("Vui lòng nhập mật khẩu mới.")])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        EqualTo("password", message="Hai lần nhập mật khẩu không khớp.")])


class LogoutForm(BaseForm):
    """Logout is a POST with a CSRF token, so a link on another site cannot sign anyone out."""
