"""Exactly-once form submissions: a double click or a retried POST creates one record.

Volunteers on slow mobile data tap "Lưu" twice, or the browser resends a POST after
a timeout. Each create form therefore carries a hidden key, a fresh uuid4 made when
the form is rendered; the first POST with a key stores it (with the URL of what it
created) in the same transaction as the record; any later POST with the same key
creates nothing and is sent to that URL.

How to use it (donations, piggy-bank openings, payments...):

    # forms.py
    from app.core.idempotency import IdempotentForm

    class DonationForm(IdempotentForm):      # a BaseForm with the hidden field `idem_key`
        ...

    # template: the field must be rendered inside the <form>
    {{ form.csrf_token }} {{ form.idem_key }}

    # routes.py
    from app.core import idempotency

    if form.validate_on_submit():
        try:
            done = idempotency.once(
                form.idem_key.data,
                lambda: services.record_donation(...),            # the service call; must not commit
                url=lambda d: url_for(".detail", donation_id=d.id))
            db.session.commit()
        except services.DonationError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            if done.created:
                flash("Đã ghi ...", "success")
            return go(done.url)

A 422 answer re-renders the same key: nothing was stored, so the corrected submission
still counts as the first. `once()` never commits; the view commits the key and the
record together. On PostgreSQL two simultaneous POSTs with one key race on the unique
index: the loser's INSERT waits for the winner's commit, fails, and `once()` rolls back
and answers with the winner's result. On SQLite, the writes (attempt()'s) are serialised by
BEGIN IMMEDIATE, and the key is checked inside the write.

Keys are pruned after KEEP_DAYS (`prune()`, run daily by the worker and by `flask prune-keys`):
a form left open longer than that counts as a fresh submission, which is what its user expects.
"""
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

import click
from flask import abort
from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from wtforms import HiddenField
from wtforms.validators import ValidationError

from app.core.actor import actor_id
from app.core.clock import utcnow
from app.core.db import write_mode
from app.core.forms import BaseForm
from app.extensions import db

_KEY = re.compile(r"^[0-9a-f]{32}$")
KEEP_DAYS = 30


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_key"
    __system__ = "written by idempotency.once for the user who submitted, never named by a form"  # app.core.owners

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None]
    result_url: Mapped[str] = mapped_column(String(500), default="")


def new_key() -> str:
    return uuid.uuid4().hex


def _valid_key(form, field):
    if not _KEY.match(field.data or ""):
        raise ValidationError("Biểu mẫu đã cũ hoặc không hợp lệ. Vui lòng tải lại trang và nhập lại.")


class IdempotencyField(HiddenField):
    """A hidden input holding a fresh uuid4 per rendered form (kept on a 422 re-render)."""

    def __init__(self, label="", validators=None, **kwargs):
        kwargs.setdefault("default", new_key)
        super().__init__(label, validators=list(validators or []) + [_valid_key], **kwargs)

    def _value(self):
        if not self.data:
            self.data = new_key()
        return self.data


class IdempotentForm(BaseForm):
    """Subclass for any form whose POST creates something."""

    idem_key = IdempotencyField()


@dataclass
class Outcome:
    url: str
    created: bool  # False: the key was used before, nothing new was written
    obj: Any = None  # the created object (only when created)
    object_type: str = ""
    object_id: int | None = None


def lookup(key: str) -> IdempotencyKey | None:
    return db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key))


def _replay(row: IdempotencyKey) -> Outcome:
    if row.user_id != actor_id():
        abort(400)  # someone else's key: never reveal their result
    return Outcome(url=row.result_url, created=False, object_type=row.object_type, object_id=row.object_id)


def once(key: str, create: Callable[[], Any], *, url: Callable[[Any], str]) -> Outcome:
    """Run `create()` unless `key` was used; return where to send the user.

    `create` is the service call (may raise its own error: the caller rolls back, and the
    key is rolled back with it). `url(obj)` gives the page of what was created. Does not
    commit. Call it first in the transaction: the race path rolls the session back.
    """
    existing = lookup(key)
    if existing is not None:
        return _replay(existing)
    row = IdempotencyKey(key=key, user_id=actor_id())
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        # PostgreSQL: a concurrent request with this key committed first.
        db.session.rollback()
        existing = lookup(key)
        if existing is None:
            raise
        return _replay(existing)
    obj = create()
    db.session.flush()
    row.object_type = getattr(obj, "__tablename__", type(obj).__name__)[:40]
    row.object_id = getattr(obj, "id", None)
    row.result_url = url(obj)[:500]
    return Outcome(url=row.result_url, created=True, obj=obj, object_type=row.object_type,
                   object_id=row.object_id)


def remember(key: str, obj: Any, url: str) -> None:
    """Store `key` as used for `obj` without creating anything: an import written in batches
    (app.core.imports.write_in_batches) keeps its own progress, and records the form's key with its
    last batch so that a later click with that key is answered like any repeated submit. Does not
    commit; a key already stored (by a concurrent click) is left as it is."""
    if not _KEY.match(key or "") or lookup(key) is not None:
        return
    db.session.add(IdempotencyKey(key=key, user_id=actor_id(), object_type=getattr(obj, "__tablename__", "")[:40],
                                  object_id=getattr(obj, "id", None), result_url=url[:500]))


def prune(keep_days: int = KEEP_DAYS, now: datetime | None = None) -> int:
    """Delete keys older than `keep_days`; return how many went. Does not commit."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return result.rowcount or 0


def register_cli(app) -> None:
    @app.cli.command("prune-keys")
    @click.option("--days", default=KEEP_DAYS, show_default=True, help="Giữ khoá trong bao nhiêu ngày.")
    def prune_keys(days: int) -> None:
        """Delete old double-submit keys (they only matter while a form is open)."""
        with write_mode():
            gone = prune(days)
            db.session.commit()
        click.echo(f"Đã xoá {gone} khoá chống gửi trùng cũ hơn {days} ngày.")
