"""Background print jobs: queue → done, progress page (plain and htmx), reuse by content, scope, failures."""
import pytest

from app.core.clock import utcnow
from app.extensions import db
from app.printing import jobs
from app.printing.models import PrintJob
from app.printing.queue import huey_for
from tests.conftest import login
from tests.factories_printing import TEST_KIND, make_job


@pytest.fixture
def calls():
    seen = []

    def builder(params, progress):
        from app.printing.services import render_pdf

        seen.append(params)
        progress(1, 2)
        return render_pdf("pdf/_base.html", page_numbers=False)

    jobs.register_document("test.counted", builder)
    return seen


def _request(world, user=None, params=None, kind="test.counted"):
    job = jobs.request_print(kind, params or {"decision_id": 7}, unit=world.commune, title="Danh sách khen thưởng",
                             filename="Danh sách 15/QĐ-HKH.pdf", user=user or world.users["clerk"])
    db.session.commit()
    return job


def _running_job(world, user):
    job = PrintJob(unit_id=world.commune.id, user_id=user.id, kind=TEST_KIND, params={}, content_hash="x" * 64,
                   title="Danh sách dài", status="running", progress=40, heartbeat_at=utcnow())
    db.session.add(job)
    db.session.commit()
    return job


def test_job_goes_from_queued_to_done_and_downloads(world, as_user, calls):
    job = _request(world)
    assert (job.status, job.progress, job.pages) == ("done", 100, 1)
    assert calls == [{"decision_id": 7}]
    client = as_user(world.users["clerk"])
    page = client.get(f"/in-an/{job.id}").get_data(as_text=True)
    assert "Đã in xong" in page and f"/in-an/{job.id}/tai-ve" in page
    assert 'http-equiv="refresh"' not in page and "hx-trigger" not in page
    resp = client.get(f"/in-an/{job.id}/tai-ve")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert resp.headers["Content-Disposition"].startswith("inline; ")  # Zalo's browser swallows downloads
    assert resp.data.startswith(b"%PDF")


def test_running_job_page_refreshes_without_js_and_polls_with_htmx(world, as_user):
    user = world.users["clerk"]
    job = _running_job(world, user)
    client = as_user(user)
    plain = client.get(f"/in-an/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in plain
    assert '<progress max="100" value="40">' in plain and "style=" not in plain
    assert 'hx-trigger="every 1s"' in plain
    fragment = client.get(f"/in-an/{job.id}", htmx=True)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert text.lstrip().startswith('<section id="print-job"') and 'hx-trigger="every 1s"' in text
    assert "refresh" not in text


def test_finished_fragment_stops_polling(world, as_user, calls):
    job = _request(world)
    text = as_user(world.users["clerk"]).get(f"/in-an/{job.id}", htmx=True).get_data(as_text=True)
    assert "<html" not in text and "hx-trigger" not in text and "hx-get" not in text
    assert "Mở tệp PDF" in text and " download>" not in text


def test_identical_requests_reuse_the_finished_file(world, calls):
    first = _request(world)
    again = _request(world)
    assert again.id == first.id
    other_user = _request(world, user=world.users["admin"])
    assert other_user.id != first.id and other_user.status == "done"
    assert other_user.file_path == first.file_path
    assert len(calls) == 1  # rendered once
    changed = _request(world, params={"decision_id": 8})
    assert changed.content_hash != first.content_hash and len(calls) == 2


def test_fingerprint_change_renders_again(world):
    version = {"v": 1}
    built = []
    jobs.register_document("test.fp", lambda p, progress: built.append(1) or
                           __import__("app.printing.services", fromlist=["x"]).render_pdf("pdf/_base.html"),
                           fingerprint=lambda params: dict(version))
    _request(world, kind="test.fp")
    _request(world, kind="test.fp")
    version["v"] = 2
    _request(world, kind="test.fp")
    assert len(built) == 2


def test_another_units_job_is_404_and_a_colleagues_job_403(app, world, as_user):
    other = make_job(world.other_commune, world.other_user)
    mine = make_job(world.commune, world.users["clerk"])
    client = as_user(world.users["clerk"])
    assert client.get(f"/in-an/{other.id}").status_code == 404
    assert client.get(f"/in-an/{other.id}/tai-ve").status_code == 404
    assert client.get(f"/in-an/{mine.id}").status_code == 200
    treasurer = app.test_client()
    login(treasurer, world.users["treasurer"])
    assert treasurer.get(f"/in-an/{mine.id}").status_code == 403


def test_province_admin_oversees_jobs_below(world, as_user):
    job = make_job(world.commune, world.users["clerk"])
    assert as_user(world.province_admin).get(f"/in-an/{job.id}/tai-ve").status_code == 200


def test_failed_builder_shows_a_vietnamese_message(world, as_user):
    def refuses(params, progress):
        raise jobs.PrintError("Quyết định chưa có người được khen thưởng.")

    def crashes(params, progress):
        raise RuntimeError("boom")

    jobs.register_document("test.refuses", refuses)
    jobs.register_document("test.crashes", crashes)
    client = as_user(world.users["clerk"])
    refused = _request(world, kind="test.refuses")
    assert refused.status == "failed"
    page = client.get(f"/in-an/{refused.id}")
    assert page.status_code == 200 and "Quyết định chưa có người được khen thưởng." in page.get_data(as_text=True)
    crashed = _request(world, kind="test.crashes")
    page = client.get(f"/in-an/{crashed.id}", htmx=True)
    assert page.status_code == 200 and jobs.GENERIC_ERROR in page.get_data(as_text=True)
    assert "boom" not in page.get_data(as_text=True)
    assert client.get(f"/in-an/{crashed.id}/tai-ve").status_code == 404
    again = _request(world, kind="test.crashes")  # a failed job is never reused
    assert again.id != crashed.id


def test_abandoned_running_job_is_queued_again(world, as_user, calls):
    job = _running_job(world, world.users["clerk"])
    job.kind, job.params, job.heartbeat_at = "test.counted", {"decision_id": 9}, utcnow().replace(year=2000)
    db.session.commit()
    as_user(world.users["clerk"]).get(f"/in-an/{job.id}")  # the status page's safety net
    db.session.refresh(job)
    assert job.status == "done" and calls == [{"decision_id": 9}]


def test_fresh_running_job_is_left_alone(world, calls):
    job = _running_job(world, world.users["clerk"])
    assert jobs.requeue_abandoned() == []
    db.session.refresh(job)
    assert job.status == "running"


def test_queue_is_persistent_and_a_restarted_worker_runs_the_job(app, world, tmp_path, calls):
    from app import create_app
    from tests.conftest import BASE_CONFIG

    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "HUEY_IMMEDIATE": False, "HUEY_URL": str(tmp_path / "queue.db")}
    web = create_app(config)
    with web.app_context():
        job_id = jobs.request_print("test.counted", {"decision_id": 3}, unit=world.commune, title="T",
                                    filename="t.pdf", user=world.users["clerk"]).id
        assert db.session.get(PrintJob, job_id).status == "queued"
    assert calls == []
    restarted = create_app(config)  # a new process: only the queue file and the database remain
    huey = huey_for(restarted)
    assert huey.pending_count() == 1
    huey.execute(huey.dequeue())
    with restarted.app_context():
        assert db.session.get(PrintJob, job_id).status == "done"
    assert calls == [{"decision_id": 3}]


def test_worker_command_is_registered(app):
    assert "print-worker" in app.cli.list_commands(None)
