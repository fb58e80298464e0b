"""Demo data: `flask seed-demo` builds a believable association to try the app on."""
import click
from sqlalchemy import func, select

from app.extensions import db


def init_app(app):
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Chỉ nạp khi cơ sở dữ liệu chưa có đơn vị nào.")
    def seed_demo(if_empty):
        """Load the demo association and print its logins (passwords are shown once)."""
        from app.units.models import Unit

        from .services import seed

        if if_empty and db.session.scalar(select(func.count()).select_from(Unit)):
            click.echo("Dữ liệu đã có sẵn, không nạp dữ liệu mẫu. (Đặt lại mật khẩu mẫu: flask demo-passwords)")
            return
        from app.core.db import write_mode

        with write_mode():
            logins = seed()
            db.session.commit()
        _print_logins(logins)

    @app.cli.command("demo-passwords")
    def demo_passwords():
        """Give the demo accounts new random passwords and print them."""
        from .services import reset_demo_passwords

        from app.core.db import write_mode

        with write_mode():
            logins = reset_demo_passwords()
            db.session.commit()
        _print_logins(logins)


def _print_logins(logins):
    click.echo("\nTài khoản dùng thử (mật khẩu chỉ hiện một lần, hãy ghi lại):")
    for username, password, role, unit in logins:
        click.echo(f"  {username:<12} {password:<16} {role:<10} {unit}")
    click.echo("")
