"""`flask books-check`: run every invariant of the books, print what was checked and every finding."""
from __future__ import annotations

import click
from flask import Flask, current_app

from app.vn.dates import local_datetime
from app.vn.money import format_number


def print_report(report, echo=click.echo) -> None:
    """What was checked (counts and the checks run), then every finding, all in Vietnamese."""
    tz = current_app.config.get("VN_TIMEZONE", "Asia/Ho_Chi_Minh")
    seconds = (report.finished_at - report.started_at).total_seconds()
    took = f"{seconds:.1f}".replace(".", ",")
    echo(f"Kiểm tra sổ sách lúc {local_datetime(report.started_at, tz)}, mất {took} giây.")
    echo("Đã kiểm tra:")
    for label, n in report.counts.items():
        echo(f"  {label}: {format_number(n)}")
    echo(f"Các phép kiểm tra ({len(report.checks)}):")
    for name, n in report.checks.items():
        echo(f"  [{'đạt' if not n else f'{n} vấn đề'}] {name}")
    if report.ok:
        echo("Kết quả: không có vấn đề nào. Sổ sách khớp.")
        return
    echo(f"Kết quả: có {format_number(len(report.findings))} vấn đề:")
    for i, f in enumerate(report.findings, 1):
        where = ", ".join(x for x in (f"đơn vị #{f.unit_id}" if f.unit_id else "", f.ref) if x)
        echo(f"  {i}. [{f.kind_label}] {f.message}" + (f" ({where})" if where else ""))


def register_cli(app: Flask) -> None:
    @app.cli.command("books-check")
    @click.option("--khong-luu", "no_store", is_flag=True,
                  help="Chỉ in kết quả, không lưu lần kiểm tra này (bảng điều khiển vẫn hiện lần trước).")
    def books_check(no_store: bool) -> None:
        """Check every invariant of the money and goods books; exit code 1 when anything is wrong."""
        from . import checks, runs

        if no_store:
            report = checks.run_all()
        else:
            report, _run = runs.run_and_store("cli")
        print_report(report)
        if not report.ok:
            raise SystemExit(1)
