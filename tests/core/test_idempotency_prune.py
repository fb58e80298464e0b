"""Old double-submit keys are pruned; recent ones keep guarding their forms."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.core.clock import utcnow
from app.core.idempotency import IdempotencyKey, new_key, prune
from app.extensions import db
from app.printing.queue import huey_for


def _key(age_days: float) -> IdempotencyKey:
    row = IdempotencyKey(key=new_key(), created_at=utcnow() - timedelta(days=age_days))
    db.session.add(row)
    return row


def _keys() -> int:
    return db.session.scalar(select(func.count()).select_from(IdempotencyKey))


def test_prune_removes_only_keys_older_than_the_window(app):
    _key(31)
    recent = _key(29)
    recent_key = recent.key
    db.session.commit()
    assert prune(30) == 1
    db.session.commit()
    assert {k.key for k in db.session.scalars(select(IdempotencyKey))} == {recent_key}


def test_prune_keys_command_reports_and_deletes(app):
    _key(90), _key(1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["prune-keys", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "Đã xoá 1 khoá" in result.output
    db.session.expire_all()
    assert _keys() == 1


def test_the_worker_prunes_keys_every_night(app):
    _key(45)
    db.session.commit()
    huey_for(app)  # the queue, with its periodic tasks, is built on first use
    task = app.extensions["prune_keys_task"]
    due = task.task_class().validate_datetime
    assert due(datetime(2026, 11, 23, 3, 17)) and not due(datetime(2026, 11, 23, 4, 17))
    task.call_local()
    db.session.expire_all()
    assert _keys() == 0
