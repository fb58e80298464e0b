"""The key verification codes are made with, kept in the database itself.

A certificate hangs on a wall for years: its code must keep working after the server is replaced,
restored from a backup, or its SECRET_KEY changed (logging everyone out after a leak must not void
every printed paper). So the key lives in the database, which every backup carries: migration
0028_paper_key writes one random key when it creates the table. PAPER_KEY in the environment, when
set, wins (a province hosting several databases can give them one key).
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class PaperKey(db.Model):
    """One row: the secret every paper's code is derived from (app.papers.codes)."""

    __tablename__ = "paper_key"
    __not_counted__ = "the key of the papers' verification codes, not a figure"
    __system__ = "written once by migration 0028, never from a form"

    id: Mapped[int] = mapped_column(primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))


def paper_secret() -> str:
    """PAPER_KEY, else the database's key (read once per app), else SECRET_KEY (a database from
    before migration 0028 cannot exist: the migration writes the row)."""
    configured = current_app.config.get("PAPER_KEY")
    if configured:
        return configured
    cache = current_app.extensions.setdefault("paper_key", {})
    if "secret" not in cache:
        stored = db.session.scalar(select(PaperKey.secret).order_by(PaperKey.id).limit(1))
        cache["secret"] = stored or current_app.config["SECRET_KEY"]
    return cache["secret"]
