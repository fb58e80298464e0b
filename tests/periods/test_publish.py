"""Publishing a year's disclosure closes that year's books; reopening needs an admin and a reason;
a republished disclosure says that it changed."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core import clock
from app.disclosure import services as disclosure
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.periods import services as periods
from app.periods.models import ClosedPeriod
from tests.factories_funds import give
from tests.periods.helpers import count, field_errors

YEAR = 2025


def _key(html):
    return re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', html).group(1)


def _pay(client, fund, day):
    url = f"/quy/{fund.id}/chi"
    data = {"idem_key": _key(client.get(url).get_data(as_text=True)), "entry_date": day, "amount": "100.000",
            "recipient": "Bùi Văn Sơn", "purpose": "Mua vở", "basis": "", "method": "cash"}
    return client.post(url, data=data)


@pytest.fixture
def fund(world):
    fund = funds.default_fund(world.commune)
    db.session.commit()
    give(fund, 3_000_000, entry_date=date(YEAR, 5, 1))
    return fund


def test_entries_cannot_be_back_dated_into_a_year_already_published(world, as_user, app, fund):
    """Finding 4, second half: once the admin has published 2025, a payment dated 2025 is refused
    (on the old code it went in, and the published figures no longer matched the books)."""
    admin = as_user(world.users["admin"])
    assert admin.post(f"/cong-khai/quan-ly/{world.commune.id}/{YEAR}/cong-bo").status_code == 303
    treasurer = app.test_client()
    from tests.conftest import login

    login(treasurer, world.users["treasurer"])
    before = count(LedgerEntry)
    resp = _pay(treasurer, fund, f"{YEAR}-12-20")
    errors = field_errors(resp.get_data(as_text=True))
    assert resp.status_code == 422 and f"Năm {YEAR} đã khóa sổ" in errors
    assert f"khi công khai báo cáo năm {YEAR}" in errors and world.users["admin"].full_name in errors
    assert count(LedgerEntry) == before
    assert _pay(treasurer, fund, "2026-01-05").status_code == 303  # this year is open
    # The branch's books of that year are closed with the commune's.
    branch_fund = funds.default_fund(world.branch)
    db.session.commit()
    with pytest.raises(funds.FundError, match=f"Năm {YEAR} đã khóa sổ tại {world.commune.name}"):
        give(branch_fund, 100_000, entry_date=date(YEAR, 7, 1))


def test_publishing_closes_the_year_once_audited_and_not_a_running_year(world, fund):
    today = clock.today()
    disclosure.publish(world.commune, YEAR, today)
    db.session.commit()
    row = db.session.scalar(select(ClosedPeriod))
    assert (row.unit_id, row.year, row.month, row.via, row.closed) == (world.commune.id, YEAR, 0, "publish", True)
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "close"))
    assert audit.after["via"] == "publish"
    disclosure.publish(world.commune, YEAR, today)  # republishing: still one row, no error
    db.session.commit()
    assert db.session.query(ClosedPeriod).count() == 1
    disclosure.publish(world.commune, today.year, today)  # the running year stays open
    db.session.commit()
    assert db.session.query(ClosedPeriod).count() == 1
    # A unit above that closed the year already: the commune still gets its own closed year.
    periods.reopen(row, "Sửa sai sót")
    periods.close(world.province, YEAR, 0)
    disclosure.publish(world.commune, YEAR, today)
    db.session.commit()
    db.session.refresh(row)
    assert row.closed and row.via == "publish"


def test_reopening_needs_an_admin_and_a_reason_and_is_audited(world, as_user, app, fund):
    disclosure.publish(world.commune, YEAR, clock.today())
    db.session.commit()
    row = db.session.scalar(select(ClosedPeriod))
    url = f"/khoa-so/{row.id}/mo-lai"
    treasurer = as_user(world.users["treasurer"])
    assert treasurer.get(url).status_code == 403
    assert treasurer.post(url, data={"reason": "Sửa"}).status_code == 403
    from tests.conftest import login

    admin = app.test_client()
    login(admin, world.users["admin"])
    page = admin.get(url).get_data(as_text=True)
    assert "Mở lại năm 2025" in page and "công khai lại" in page
    fragment = admin.get(url, htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and 'id="reopen-form"' in fragment
    resp = admin.post(url, data={"reason": ""}, htmx=True)
    assert resp.status_code == 422 and "lý do" in field_errors(resp.get_data(as_text=True))
    db.session.refresh(row)
    assert row.closed
    assert admin.post(url, data={"reason": "Nhập sót phiếu chi tháng 12"}).status_code == 303
    db.session.refresh(row)
    assert not row.closed and row.reopened_by_id == world.users["admin"].id
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reopen"))
    assert audit.user_id == world.users["admin"].id and audit.after["reopen_reason"] == "Nhập sót phiếu chi tháng 12"
    give(fund, 100_000, entry_date=date(YEAR, 12, 20))  # the year takes entries again


def test_a_republished_disclosure_says_it_changed(world, as_user, app, fund):
    admin = as_user(world.users["admin"])
    publish = f"/cong-khai/quan-ly/{world.commune.id}/{YEAR}/cong-bo"
    public = f"/cong-khai/{world.commune.id}/{YEAR}"
    admin.post(publish)
    anon = app.test_client()
    shown = anon.get(public)
    assert shown.status_code == 200 and world.commune.name in shown.get_data(as_text=True)  # the published page
    assert "Đã điều chỉnh" not in shown.get_data(as_text=True)
    admin.post(publish)  # the same figures again: nothing changed, nothing to say
    assert "Đã điều chỉnh" not in anon.get(public).get_data(as_text=True)
    first = disclosure.publication(world.commune, YEAR)
    first_at = first.published_at
    periods.reopen(db.session.scalar(select(ClosedPeriod)), "Nhập sót một khoản thu")
    db.session.commit()
    give(fund, 700_000, entry_date=date(YEAR, 12, 30), counterparty="Khoản thu bổ sung")
    admin.post(publish)
    pub = disclosure.publication(world.commune, YEAR)
    db.session.refresh(pub)
    assert pub.previous_published_at == first_at and pub.previous_digest
    day = periods.local_day(pub.published_at)
    expected = f"Đã điều chỉnh: công khai lại ngày {day}, thay cho bản ngày {periods.local_day(first_at)}"
    for htmx in (False, True):
        assert expected in anon.get(public, htmx=htmx).get_data(as_text=True)
    assert periods.closing_period(world.commune, date(YEAR, 12, 30)) is not None  # closed again
    import shutil

    if shutil.which("pdftotext"):
        from tests.disclosure.test_pdf import _text

        text = " ".join(_text(anon.get(public + ".pdf").data).split())
        assert expected in text


def test_the_demo_still_seeds_and_its_published_year_is_closed(app):
    from app.core.db import write_mode
    from app.demo.services import seed
    from app.units.models import Unit

    with write_mode():
        seed()
        db.session.commit()
    rows = db.session.scalars(select(ClosedPeriod)).all()
    last = clock.today().year - 1
    assert [(r.year, r.month, r.via) for r in rows] == [(last, 0, "publish")]
    unit = db.session.get(Unit, rows[0].unit_id)
    assert disclosure.published(unit, last) is not None
