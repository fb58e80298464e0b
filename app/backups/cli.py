"""`flask backup` and `flask restore FILE`."""
from __future__ import annotations

import click
from alembic.script import ScriptDirectory
from flask import Flask, current_app

from app.vn.dates import local_datetime
from app.vn.money import format_number


def _count(n: int) -> str:
    return format_number(n)


def _describe(backup) -> str:
    when = local_datetime(backup.created_at, current_app.config.get("VN_TIMEZONE", "Asia/Ho_Chi_Minh"))
    return (f"{backup.location}\n  lúc {when}, {backup.kind_label.lower()}, "
            f"{len(backup.tables)} bảng, {_count(backup.rows)} dòng, {_count(backup.size)} byte")


def _heads() -> list[str]:
    config = current_app.extensions["migrate"].migrate.get_config()
    return sorted(ScriptDirectory.from_config(config).get_heads())


def register_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option("--auto", "auto", is_flag=True,
                  help="Như bản sao lưu hằng ngày: chỉ tạo khi bản mới nhất đã quá một ngày, rồi xoá bản tự động cũ.")
    @click.option("--list", "show", is_flag=True, help="Chỉ liệt kê các bản sao lưu hiện có.")
    def backup_command(auto: bool, show: bool) -> None:
        """Back up the whole database (consistent while the app runs) into the backup directory, checked."""
        from . import services, store

        try:
            if show:
                backups = services.list_backups()
                click.echo(f"Nơi giữ bản sao lưu: {store.where(services.backup_dir())}")
                for item in backups:
                    click.echo(_describe(item))
                if not backups:
                    click.echo("Chưa có bản sao lưu nào.")
                return
            made = services.backup_if_due() if auto else services.make_backup("manual")
        except services.BackupError as err:
            raise click.ClickException(str(err)) from None
        if made is None:
            click.echo("Bản sao lưu mới nhất chưa quá một ngày: không cần sao lưu.")
            return
        checks = ("integrity_check, foreign_key_check" if made.engine == "sqlite" else "pg_restore --list")
        click.echo(f"Đã sao lưu và kiểm tra ({checks}, số dòng từng bảng):")
        click.echo(_describe(made))

    @app.cli.command("restore")
    @click.argument("file")
    @click.option("--yes", is_flag=True, help="Không hỏi lại (dùng trong kịch bản).")
    def restore_command(file: str, yes: bool) -> None:
        """Put a backup back in place of the current data (after a confirmation)."""
        from app.audit.services import record
        from app.core.db import write_mode
        from app.extensions import db

        from . import services

        try:
            path = services.resolve(file)
            found = services.verify(path)
        except services.BackupError as err:
            raise click.ClickException(str(err)) from None
        rows = sum(found.get("tables", {}).values())
        click.echo(f"Bản sao lưu {path}: hợp lệ, {len(found.get('tables', {}))} bảng, {_count(rows)} dòng.")
        if not yes and not click.confirm("TOÀN BỘ dữ liệu hiện tại sẽ được thay bằng bản sao lưu này (dữ liệu "
                                         "hiện tại được sao lưu riêng trước). Tiếp tục?"):
            click.echo("Đã huỷ: dữ liệu không thay đổi.")
            raise SystemExit(1)
        try:
            before = services.restore(path)
        except services.BackupError as err:
            raise click.ClickException(str(err)) from None
        with write_mode():
            record("restore", object_type="backup", username="flask restore",
                   after={"file": path.name, "before": before.name if before else None})
            db.session.commit()
        click.echo(f"Đã khôi phục dữ liệu từ {path.name}.")
        if before is not None:
            click.echo(f"Dữ liệu ngay trước khi khôi phục được giữ ở {before.location}.")
        revisions = found.get("revisions")
        if revisions is not None and revisions != _heads():
            click.echo("Bản sao lưu có cấu trúc của phiên bản khác: chạy `flask db upgrade heads` trước khi mở ứng dụng.")
