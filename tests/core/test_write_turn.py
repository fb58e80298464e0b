"""A POST reads without a turn in the write queue, and takes it only for its write (issue 20 F).

A POST's transaction begins as a read (plain BEGIN, a WAL snapshot on SQLite): loading the user,
authorising, loading the objects and validating the form hold nothing another writer waits for.
attempt() (app.core.views._commit) and core_db.writing() end that read and begin the write (the turn,
then BEGIN IMMEDIATE); the objects reload under the lock, so the service decides on current data.
A write statement in a POST's read transaction is a programming error, raised under test.

The gates below stop a request thread at a chosen point (its first read, or the start of its write)
while the test's thread writes: a writer that is not delayed proves the turn was not held, and the
same writer stopped at the start of the write is the positive control (the harness sees a held turn).
"""
import threading
import time
import uuid

import pytest
from flask import has_request_context, request
from sqlalchemy import event, func, select, text

from app.campaigns import services as campaign_services
from app.core import db as core_db
from app.core.idempotency import IdempotencyKey
from app.donations.models import Donation
from app.extensions import db
from app.funds.models import LedgerEntry
from tests.donations.test_entry import _data, _form
from tests.factories_donations import make_campaign

GIFT = "/quyen-gop/nhap"


def _count(model=Donation) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model))


def _sqlite(app) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write queue (PostgreSQL queues row locks itself)")


class Gate:
    """Stops the first POST request that reaches it until the test opens it."""

    def __init__(self):
        self.reached, self.open = threading.Event(), threading.Event()
        self.armed = True

    def stop_here(self) -> None:
        if self.armed and has_request_context() and request.method == "POST":
            self.armed = False
            self.reached.set()
            assert self.open.wait(20), "the test never opened the gate"


def _post_in_thread(app, client, url, data, htmx):
    box = {}

    def run():
        with app.app_context():  # the client commits the calling context's session around a request
            box["resp"] = client.post(url, data=data, htmx=htmx)
            db.session.remove()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def _other_writer(app, done: list) -> threading.Thread:
    """Another writer of the box (a gunicorn thread's write): its turn, BEGIN IMMEDIATE, a commit."""
    def run():
        with app.app_context():
            began = time.monotonic()
            with core_db.write_mode():
                db.session.execute(text("SELECT 1"))
                db.session.commit()
            done.append(time.monotonic() - began)
            db.session.remove()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("htmx", [False, True])
def test_a_post_holds_no_turn_while_its_view_reads(app, world, as_user, htmx):
    _sqlite(app)
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, GIFT)
    gate = Gate()

    def at_read(_conn, _cur, statement, *_a):
        if statement.lstrip()[:6].upper() == "SELECT" and not core_db.wants_write():
            gate.stop_here()  # the request's first read: the user being loaded

    event.listen(db.engine, "before_cursor_execute", at_read)
    try:
        post, box = _post_in_thread(app, client, GIFT, _data(campaign, key), htmx)
        assert gate.reached.wait(10)
        done: list = []
        _other_writer(app, done).join(5)
        assert done and done[0] < 1.0, done  # not delayed by the POST stopped mid-read
        gate.open.set()
        post.join(20)
    finally:
        gate.open.set()
        post.join(20)
        event.remove(db.engine, "before_cursor_execute", at_read)
    assert box["resp"].status_code == (200 if htmx else 303)
    assert _count() == 1 and _count(LedgerEntry) == 1


def test_control_a_post_stopped_inside_its_write_holds_the_turn(app, world, as_user):
    _sqlite(app)
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, GIFT)
    gate = Gate()

    def at_write(_conn):
        if core_db.wants_write():
            gate.stop_here()  # after the turn and BEGIN IMMEDIATE (this listener runs after app.core.db's)

    event.listen(db.engine, "begin", at_write)
    try:
        post, box = _post_in_thread(app, client, GIFT, _data(campaign, key), False)
        assert gate.reached.wait(10)
        done: list = []
        writer = _other_writer(app, done)
        writer.join(0.8)
        assert not done  # it waits for the POST's turn: the harness sees a held turn
        gate.open.set()
        writer.join(10)
    finally:
        gate.open.set()
        post.join(20)
        event.remove(db.engine, "begin", at_write)
    assert done and box["resp"].status_code == 303 and _count() == 1


@pytest.mark.parametrize("htmx", [False, True])
def test_the_write_decides_on_current_data_a_refusal_writes_nothing_and_keeps_the_input(app, world, as_user,
                                                                                        htmx, monkeypatch):
    """The campaign is closed by another writer after the view read it open (its choices, the form's
    validation): the write reloads it under the lock and the service refuses."""
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, GIFT)
    gate = Gate()
    writing = core_db.writing

    def gated():
        gate.stop_here()  # attempt() is about to write: the view's reads are done, its snapshot open
        return writing()

    monkeypatch.setattr(core_db, "writing", gated)
    try:
        post, box = _post_in_thread(app, client, GIFT, _data(campaign, key), htmx)
        assert gate.reached.wait(10)
        with writing():
            campaign_services.set_status(db.session.get(type(campaign), campaign.id), "closed")
        gate.open.set()
        post.join(20)
    finally:
        gate.open.set()
    resp = box["resp"]
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422, html[:400]
    assert "đã kết thúc" in html and 'value="Nguyễn Thị Hồng Nhung"' in html
    assert ("<html" in html) != htmx
    assert _count() == 0 and _count(LedgerEntry) == 0 and _count(IdempotencyKey) == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_a_double_submit_still_creates_one_record(world, as_user, htmx):
    campaign = make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    key = _form(client, GIFT)
    first = client.post(GIFT, data=_data(campaign, key), htmx=htmx)
    second = client.post(GIFT, data=_data(campaign, key), htmx=htmx)
    assert first.status_code == second.status_code == (200 if htmx else 303)
    assert _count() == 1 and _count(LedgerEntry) == 1 and _count(IdempotencyKey) == 1


# --- the safety net -------------------------------------------------------------------------------

def _views(app):
    """Test routes: a POST writing without saying so, the same saying so, a GET's audit-like write."""
    def key_row():
        db.session.add(IdempotencyKey(key=uuid.uuid4().hex, result_url="/"))

    def unsaid():
        db.session.scalar(select(func.count()).select_from(IdempotencyKey))  # the view reads first
        key_row()
        db.session.commit()
        return "ok"

    def said():
        db.session.scalar(select(func.count()).select_from(IdempotencyKey))
        with core_db.writing():
            key_row()
        return "ok"

    def said_by_write_mode():
        db.session.scalar(select(func.count()).select_from(IdempotencyKey))
        db.session.commit()  # the read ends
        with core_db.write_mode():
            key_row()
            db.session.commit()
        return "ok"

    app.add_url_rule("/_t/unsaid", "t_unsaid", unsaid, methods=["GET", "POST"])
    app.add_url_rule("/_t/said", "t_said", said, methods=["GET", "POST"])
    app.add_url_rule("/_t/write-mode", "t_write_mode", said_by_write_mode, methods=["GET", "POST"])


@pytest.mark.parametrize("htmx", [False, True])
def test_a_post_that_writes_without_saying_so_raises_in_tests(app, client, htmx):
    _sqlite(app)
    _views(app)
    with pytest.raises(core_db.WriteOutsideTurn, match="POST /_t/unsaid"):
        client.post("/_t/unsaid", htmx=htmx)
    assert _count(IdempotencyKey) == 0
    # positive control: the same write, said
    assert client.post("/_t/said", htmx=htmx).status_code == 200
    assert client.post("/_t/write-mode", htmx=htmx).status_code == 200
    assert _count(IdempotencyKey) == 2


def test_a_get_that_writes_in_write_mode_is_left_as_it_was(app, client):
    _sqlite(app)
    _views(app)
    assert client.get("/_t/write-mode").status_code == 200  # e.g. a download's audit entry
    assert client.get("/_t/said").status_code == 200
    assert _count(IdempotencyKey) == 2


def test_in_production_the_net_logs_and_sqlite_decides(db_url, app, caplog):
    """Not strict: a fresh snapshot upgrades to write (logged); a stale one is refused by SQLite
    ("database is locked"), never a lost update."""
    _sqlite(app)
    from app import create_app
    from tests.conftest import BASE_CONFIG, AppClient

    prod = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": db_url, "WRITE_TURN_STRICT": False})
    prod.test_client_class = AppClient
    _views(prod)
    with prod.app_context():
        resp = prod.test_client().post("/_t/unsaid")
        db.session.remove()
        db.engine.dispose()
    assert resp.status_code == 200
    assert "writes in its read transaction" in caplog.text
    assert _count(IdempotencyKey) == 1


def test_writing_inside_a_write_goes_on_in_it(app):
    """A service that queues a print from attempt()'s work: writing() keeps the write transaction."""
    _sqlite(app)
    with app.test_request_context("/", method="POST"):
        with core_db.writing():
            db.session.add(IdempotencyKey(key=uuid.uuid4().hex, result_url="/a"))
            db.session.flush()
            assert core_db.began_writing(db.session())
            with core_db.writing():
                db.session.add(IdempotencyKey(key=uuid.uuid4().hex, result_url="/b"))
        assert not db.session().in_transaction()
    assert _count(IdempotencyKey) == 2
