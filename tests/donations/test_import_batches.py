"""A confirmed import is written in batches (issue 15, finding 1): each batch commits with the import's
progress, so other users' saves get the write lock between batches; a double submit writes each row
once, a failure in batch k leaves the batches before it and confirming again writes exactly the rest."""
import io
import json
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.campaigns import services as campaign_services
from app.core.imports import ImportProgress
from app.donations.models import Donation, DonationImport
from app.donations.donors import Donor
from app.extensions import db
from app.funds import numbering
from app.funds.models import LedgerEntry
from tests.factories_donations import gifts_xlsx, make_campaign

ROWS = 30
BATCH = 7


@pytest.fixture
def batched(app):
    app.config.update(IMPORT_BATCH_ROWS=BATCH, IMPORT_BATCH_PAUSE=0)
    return app


def _rows(n=ROWS, campaign="Tháng Khuyến học 2026", start=0):
    # Every third giver gives twice (same name and phone): one donor, found again in a later batch.
    return [[date(2026, 9, 5), f"Người góp {(i // 3) * 3 if i % 3 == 1 else i}", "Cá nhân", "Ấp Tân Lộc",
             f"09{(i // 3) * 3 if i % 3 == 1 else i:08d}", 100_000 + i, "Tiền mặt", "", campaign, "", f"lo-{i:03d}"]
            for i in range(start, start + n)]


def _preview(client, rows) -> tuple[str, str]:
    resp = client.post("/quyen-gop/nhap-excel", data={"idem_key": uuid.uuid4().hex,
                                                      "file": (io.BytesIO(gifts_xlsx(rows)), "lo.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 303, resp.get_data(as_text=True)[:300]
    url = resp.headers["Location"]
    key = re.search(r'name="idem_key" type="hidden" value="([0-9a-f]{32})"', client.get(url).get_data(as_text=True))
    return url, key.group(1)


def _count(model=Donation):
    db.session.rollback()  # a fresh snapshot: the requests committed in their own sessions
    return db.session.scalar(select(func.count()).select_from(model))


def _numbers() -> list[int]:
    return sorted(int(n.rsplit("-", 1)[1]) for n in db.session.scalars(select(LedgerEntry.number)))


def _notes() -> list[str]:
    return sorted(db.session.scalars(select(Donation.note)))


def test_a_batched_confirm_writes_every_row_once_with_gap_free_numbers(batched, world, as_user):
    make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    url, key = _preview(client, _rows())
    resp = client.post(url, data={"idem_key": key})
    assert resp.status_code == 303
    assert _count() == ROWS and _count(LedgerEntry) == ROWS
    assert _notes() == [f"lo-{i:03d}" for i in range(ROWS)]
    assert _numbers() == list(range(1, ROWS + 1))
    assert _count(Donor) == ROWS - ROWS // 3  # the repeated givers were found, not added again
    progress = db.session.scalar(select(ImportProgress))
    assert (progress.done, progress.total, progress.batches) == (ROWS, ROWS, -(-ROWS // BATCH))
    assert progress.finished_at is not None
    assert db.session.scalar(select(DonationImport.confirmed_at)) is not None
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert audit.after["donations"] == ROWS and audit.after["batches"] == progress.batches


def test_confirming_again_or_a_double_submit_writes_nothing_new(batched, world, as_user):
    make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    url, key = _preview(client, _rows())
    assert client.post(url, data={"idem_key": key}).status_code == 303
    for again in (key, key, uuid.uuid4().hex):
        assert client.post(url, data={"idem_key": again}).status_code in (200, 303, 422)
    assert _count() == ROWS and _count(LedgerEntry) == ROWS and _numbers() == list(range(1, ROWS + 1))


def test_a_failure_in_batch_k_keeps_the_earlier_batches_and_a_second_confirm_writes_exactly_the_rest(
        batched, world, as_user, monkeypatch):
    make_campaign(world.commune)
    client = as_user(world.users["clerk"])
    url, key = _preview(client, _rows())
    from app.funds.services import FundError

    limit = 2 * BATCH  # numbers beyond this fail: the third batch is refused
    issued = {"n": 0}
    real_one, real_many = numbering.next_number, numbering.next_numbers

    def one(*args):
        if issued["n"] + 1 > limit:
            raise FundError("Sự cố giả lập.")
        issued["n"] += 1
        return real_one(*args)

    def many(unit_id, kind, year, count):
        if issued["n"] + count > limit:
            raise FundError("Sự cố giả lập.")
        issued["n"] += count
        return real_many(unit_id, kind, year, count)

    monkeypatch.setattr(numbering, "next_number", one)
    monkeypatch.setattr(numbering, "next_numbers", many)
    resp = client.post(url, data={"idem_key": key})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert f"Đã ghi {limit}/{ROWS} khoản" in html  # the user is told how far it got
    assert _count() == limit and _numbers() == list(range(1, limit + 1))
    assert _notes() == [f"lo-{i:03d}" for i in range(limit)]
    assert db.session.scalar(select(DonationImport.confirmed_at)) is None
    assert f"Đã ghi {limit}/{ROWS} khoản" in client.get(url).get_data(as_text=True)

    monkeypatch.setattr(numbering, "next_number", real_one)
    monkeypatch.setattr(numbering, "next_numbers", real_many)
    assert client.post(url, data={"idem_key": key}).status_code == 303
    assert _notes() == [f"lo-{i:03d}" for i in range(ROWS)]  # each row once
    assert _numbers() == list(range(1, ROWS + 1))
    assert client.post(url, data={"idem_key": key}).status_code in (200, 303, 422)
    assert _count() == ROWS


def test_every_row_is_checked_before_the_first_batch_is_written(batched, world, as_user):
    make_campaign(world.commune)
    late = make_campaign(world.commune, "Đợt cuối năm")
    client = as_user(world.users["clerk"])
    url, key = _preview(client, _rows() + _rows(3, "Đợt cuối năm", start=ROWS))
    campaign_services.set_status(late, "closed")  # the last rows went stale after the preview
    db.session.commit()
    resp = client.post(url, data={"idem_key": key})
    assert resp.status_code == 422
    assert f"Dòng {ROWS + 2}" in resp.get_data(as_text=True)
    assert _count() == 0 and _count(LedgerEntry) == 0 and _count(ImportProgress) == 0
