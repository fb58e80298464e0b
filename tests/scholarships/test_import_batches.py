"""A round's nomination list is written in batches (issue 15, finding 1): a failure in batch k keeps
the batches before it; confirming the same upload again nominates exactly the rest, and a row naming
a new pupil of an earlier batch ("the same pupil twice") finds that pupil, not a new copy."""
import re

from sqlalchemy import func, select

from app.core.imports import ImportProgress
from app.extensions import db
from app.pupils.models import Pupil
from app.scholarships import importing, services
from app.scholarships.models import Nomination
from tests.scholarships.test_import import _setup, _upload, row, xlsx

NAMES = ["Nguyễn Thị Lặp", "Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba", "Nguyễn Thị Lặp", "Võ Thị Bốn", "Đỗ Văn Năm"]


def _count(model):
    db.session.rollback()  # a fresh snapshot: the requests committed in their own sessions
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_failed_batch_keeps_the_earlier_ones_and_a_second_confirm_nominates_exactly_the_rest(
        app, world, as_user, monkeypatch):
    app.config.update(IMPORT_BATCH_ROWS=3, IMPORT_BATCH_PAUSE=0)
    rnd, _ = _setup(world)
    client = as_user(world.users["clerk"])
    pupils = _count(Pupil)
    page = _upload(client, rnd, xlsx([row(n) for n in NAMES])).get_data(as_text=True)
    fields = {"token": re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1),
              "idem_key": re.search(r'id="import-confirm".*?name="idem_key" type="hidden" value="([0-9a-f]{32})"',
                                    page, re.S).group(1)}
    real, calls = importing.bulk_nominate, []

    def second_fails(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise services.RoundError("Sự cố giả lập.")
        return real(*args, **kw)

    monkeypatch.setattr(importing, "bulk_nominate", second_fails)
    url = f"/hoc-bong/{rnd.id}/nhap-excel/xac-nhan"
    resp = client.post(url, data=fields)
    assert resp.status_code == 422 and f"Đã ghi 3/{len(NAMES)} đề cử" in resp.get_data(as_text=True)
    assert _count(Nomination) == 3 and _count(Pupil) == pupils + 3
    monkeypatch.setattr(importing, "bulk_nominate", real)
    assert client.post(url, data=fields).status_code == 303  # the same upload goes on
    assert _count(Nomination) == len(NAMES)
    assert _count(Pupil) == pupils + len(set(NAMES))  # the second "Nguyễn Thị Lặp" is the first one
    twice = db.session.scalars(select(Nomination.pupil_id).join(Pupil, Pupil.id == Nomination.pupil_id)
                               .where(Pupil.ten == "Lặp")).all()
    assert len(twice) == 2 and len(set(twice)) == 1
    progress = db.session.scalar(select(ImportProgress))
    assert (progress.done, progress.batches) == (len(NAMES), 3) and progress.finished_at is not None
    client.post(url, data=fields)  # a third click: nothing new
    assert _count(Nomination) == len(NAMES)
