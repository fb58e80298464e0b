"""The print queue under load (issue 15, finding 8): job state is written outside the builder's
read transaction, a user's pending jobs are capped, and the worker serves users in turn."""
import itertools
import threading
import time

from sqlalchemy import select, update

from app.core.db import write_mode
from app.extensions import db
from app.printing import jobs, jobstate
from app.printing.models import PrintJob
from app.printing.queue import huey_for
from app.units.models import Unit
from tests.conftest import login
from tests.factories_printing import TEST_KIND, ensure_test_document

REPORT = "/bao-cao/tong-ket/in"
_edits = itertools.count()
FULL = "Bạn đang có 3 bản in chờ xử lý; vui lòng đợi xong rồi in tiếp."


def _queued(world, user, n=1, kind=TEST_KIND):
    """n queued jobs of ``user``, oldest first (rows, as a queue left by earlier requests)."""
    rows = [PrintJob(unit_id=world.commune.id, user_id=user.id, kind=kind, params={"n": i}, content_hash=f"{i:064d}",
                     title=f"Tài liệu {i}", status="queued") for i in range(n)]
    db.session.add_all(rows)
    db.session.flush()
    ids = [row.id for row in rows]
    db.session.commit()  # and no read after it: the test's own session must not hold a stale snapshot
    return ids


def _commit_elsewhere(unit_id):
    """A write by another connection (another user's save), committed at once."""
    with write_mode(), db.engine.begin() as conn:  # a real change: SQLite skips rewriting an equal row
        conn.execute(update(Unit).where(Unit.id == unit_id).values(name=f"Hội Khuyến học {next(_edits)}"))


def test_status_write_succeeds_after_another_writer_committed_during_our_read(world):
    # SQLite cannot upgrade a read snapshot to a write once someone else has committed
    # (SQLITE_BUSY_SNAPSHOT): the write must not happen inside the session's read.
    [job_id] = _queued(world, world.users["clerk"])
    db.session.scalar(select(PrintJob.status).where(PrintJob.id == job_id))  # our read begins
    _commit_elsewhere(world.commune.id)
    assert jobs._set(job_id, progress=50) == 1
    db.session.rollback()
    assert db.session.get(PrintJob, job_id).progress == 50


def test_a_builder_reading_while_others_write_still_finishes(world):
    mine, other = world.commune.id, world.other_commune.id

    def reads_then_reports(params, progress):
        from app.printing.services import render_pdf

        db.session.get(Unit, mine)  # the builder's read transaction
        _commit_elsewhere(other)
        progress(1, 2)
        _commit_elsewhere(other)
        return render_pdf("pdf/_base.html", page_numbers=False)

    jobs.register_document("test.reads", reads_then_reports)
    job = jobs.request_print("test.reads", {"n": 1}, unit=world.commune, title="T", filename="t.pdf",
                             user=world.users["clerk"])
    db.session.refresh(job)
    assert (job.status, job.error) == ("done", None)


def test_progress_is_written_at_most_once_a_second(world, monkeypatch):
    writes = []
    monkeypatch.setattr(jobstate, "set_fields", lambda *a, **kw: writes.append(kw) or 1)
    report = jobs._Reporter(1)
    for page in range(500):
        report(page, 500)
    assert len(writes) == 1


def _hold_queue(app, monkeypatch):
    """Jobs stay queued: the worker's task is only recorded."""
    tasks = []
    monkeypatch.setitem(app.extensions, "print_task", tasks.append)
    return tasks


def test_a_user_over_the_pending_limit_is_refused_and_another_user_is_not(app, world, as_user, monkeypatch):
    tasks = _hold_queue(app, monkeypatch)
    viewer = world.users["viewer"]
    client = as_user(viewer)
    for year in (2021, 2022, 2023):
        last = client.post(f"{REPORT}?ky={year}")
        assert last.status_code == 303
    again = client.post(f"{REPORT}?ky=2023")  # a double submit: the same job, nothing refused
    assert again.status_code == 303 and again.headers["Location"] == last.headers["Location"]
    refused = client.post(f"{REPORT}?ky=2024", headers={"Referer": "http://localhost/bao-cao/tong-ket?ky=2024"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and FULL in page and "<html" in page
    mine = db.session.scalars(select(PrintJob.id).where(PrintJob.user_id == viewer.id)).all()
    assert len(mine) == 3 and len(tasks) == 3  # nothing queued
    assert all(f'href="/in-an/{job_id}"' in page for job_id in mine)
    assert 'href="/bao-cao/tong-ket?ky=2024"' in page
    fragment = client.post(f"{REPORT}?ky=2025", htmx=True)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 422 and FULL in text and "<html" not in text and f'href="/in-an/{mine[0]}"' in text

    other = app.test_client()
    login(other, world.users["admin"])
    assert other.post(f"{REPORT}?ky=2024").status_code == 303
    assert len(tasks) == 4


def test_a_finished_job_frees_a_place(app, world, monkeypatch):
    _hold_queue(app, monkeypatch)
    ensure_test_document()
    clerk = world.users["clerk"]

    def ask(n):
        return jobs.request_print(TEST_KIND, {"n": n}, unit=world.commune, title="T", filename="t.pdf", user=clerk)

    first = [ask(n).id for n in range(3)]
    try:
        ask(3)
        raise AssertionError("the fourth pending job was queued")
    except jobs.QueueFull as full:
        assert str(full) == FULL and [job.id for job in full.pending] == first
    db.session.rollback()
    jobs.run_job(first[0])
    assert ask(3).status == "queued"


def test_the_worker_serves_another_users_job_second_after_a_burst(app, world, tmp_path):
    # A real queue: one task per job, executed one after the other as a worker does.
    app.config.update(HUEY_IMMEDIATE=False, HUEY_URL=str(tmp_path / "queue.db"), PRINT_MAX_PENDING_PER_USER=0)
    app.extensions.pop("huey", None)
    app.extensions.pop("print_task", None)
    ensure_test_document()
    burst, other = world.users["viewer"], world.users["admin"]
    for n in range(10):
        jobs.request_print(TEST_KIND, {"n": n}, unit=world.commune, title="T", filename="t.pdf", user=burst)
    small = jobs.request_print(TEST_KIND, {"n": "small"}, unit=world.commune, title="T", filename="t.pdf",
                               user=other).id
    huey = huey_for(app)
    order = []
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        db.session.rollback()
        order.append(db.session.scalars(select(PrintJob.id).where(PrintJob.status == "done")
                                        .order_by(PrintJob.finished_at.desc(), PrintJob.id.desc())).first())
    assert small in order[:2], order
    assert db.session.scalar(select(db.func.count()).where(PrintJob.status != "done")) == 0


def test_a_user_with_a_running_job_waits_for_one_without(world):
    burst, other = world.users["viewer"], world.users["admin"]
    first = _queued(world, burst, 3)
    assert jobstate.claim_next() == first[0]
    [small] = _queued(world, other)
    assert jobstate.claim_next() == small


def test_several_workers_claim_each_job_once(app, world):
    ids = _queued(world, world.users["viewer"], 12) + _queued(world, world.users["admin"], 12)
    claimed, errors = [], []

    def worker():
        with app.app_context():
            try:
                while (job_id := jobstate.claim_next()) is not None:
                    claimed.append(job_id)
                    time.sleep(0.001)
            except Exception as err:  # noqa: BLE001 - reported below
                errors.append(err)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(claimed) == sorted(ids)
