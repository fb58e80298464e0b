"""`flask units-merge`: a merge from the command line (the national bench times it; an operator can
run one the web form would page through). Same service as the pages: propose, preview, confirm."""
from __future__ import annotations

import time
from datetime import date

import click
from flask import Flask
from sqlalchemy import select

from app.core.db import write_mode
from app.core.refusal import Refusal
from app.extensions import db
from app.vn.money import format_vnd


def register_cli(app: Flask) -> None:
    @app.cli.command("units-merge")
    @click.option("--cap-tren", "parent_id", type=int, required=True, help="Id của đơn vị cấp trên.")
    @click.option("--nguon", "sources", required=True, help="Id các đơn vị được sáp nhập, cách nhau bởi dấu phẩy.")
    @click.option("--vao", "target_id", type=int, default=None, help="Id đơn vị nhận (bỏ trống: tạo đơn vị mới).")
    @click.option("--ten-moi", "new_name", default="", help="Tên đơn vị mới, hoặc tên mới của đơn vị nhận.")
    @click.option("--ngay", "day", required=True, help="Ngày hiệu lực, YYYY-MM-DD.")
    @click.option("--danh-so", "numbering", type=click.Choice(["continue", "restart"]), default="continue")
    @click.option("--nguoi", "username", required=True, help="Tên đăng nhập của quản trị viên đơn vị cấp trên.")
    @click.option("--xac-nhan", "do_confirm", is_flag=True, help="Xác nhận luôn (mặc định chỉ xem trước).")
    def units_merge(parent_id, sources, target_id, new_name, day, numbering, username, do_confirm) -> None:
        """Propose a merge, print its preview and timings; with --xac-nhan confirm it."""
        from app.units import merging
        from app.units.models import Unit
        from app.users.models import User

        actor = db.session.scalar(select(User).where(User.username == username))
        if actor is None:
            raise click.ClickException(f"Không có người dùng “{username}”.")
        units = [db.session.get(Unit, int(i)) for i in sources.split(",") if i.strip()]
        if any(u is None for u in units) or db.session.get(Unit, parent_id) is None:
            raise click.ClickException("Có id đơn vị không tồn tại.")
        with write_mode(), merging._crossing("flask units-merge"):  # IMMEDIATE writes on SQLite; RLS: crosses units
            _run(merging, parent_id, units, target_id, new_name, day, numbering, actor, do_confirm)


def _run(merging, parent_id, units, target_id, new_name, day, numbering, actor, do_confirm) -> None:
    from app.units.models import Unit

    try:
        merge = merging.propose(db.session.get(Unit, parent_id), units,
                                target=db.session.get(Unit, target_id) if target_id else None,
                                new_name=new_name, effective_on=date.fromisoformat(day), numbering=numbering,
                                actor=actor, reason="Dòng lệnh flask units-merge")
        db.session.commit()
        t0 = time.perf_counter()
        plan = merging.preview(merge, actor)
        t_preview = time.perf_counter() - t0
        click.echo(f"Dự thảo sáp nhập #{merge.id} vào “{plan.target_name}”: xem trước {t_preview * 1000:.0f} ms.")
        for s in plan.sources:
            click.echo(f"  {s.unit.name}: {format_vnd(s.total)} ({len(s.funds)} quỹ), {len(s.users)} người dùng, "
                       f"{len(s.children)} đơn vị cấp dưới, " + ", ".join(f"{k}: {v}" for k, v in s.counts.items()))
        for c in plan.conflicts:
            click.echo(f"  Chặn: {c}")
        if not do_confirm or plan.conflicts:
            return
        t0 = time.perf_counter()
        merging.confirm(merge, actor)
        db.session.commit()
        click.echo(f"Đã sáp nhập: {time.perf_counter() - t0:.2f} giây, "
                   f"{len(merge.result['transfers'])} lần chuyển quỹ.")
    except Refusal as err:
        db.session.rollback()
        raise click.ClickException(str(err)) from err
