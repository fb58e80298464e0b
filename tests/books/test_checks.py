"""The books check: nothing found in books kept through the services; each kind of corruption,
planted on purpose behind the services' back, found and named.

The ledger and the goods register refuse UPDATE and DELETE (append-only triggers), so corruption
is planted by INSERT there, or by UPDATE of the owner tables (donations, awards, prizes, counters).
"""
import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update

from app.books import checks, runs
from app.books.models import BooksCheckRun
from app.commendations.models import Honoree
from app.core import clock
from app.core.db import write_mode
from app.disclosure.models import Publication
from app.donations.models import Donation
from app.extensions import db
from app.funds import numbering
from app.funds import services as funds
from app.funds.models import DocumentCounter, LedgerEntry
from app.goods.models import GoodsEntry
from app.piggybanks.models import PiggyBankOpening
from app.scholarships.models import Nomination
from tests.books.world import DAY, books_world


@pytest.fixture
def books(world):
    return books_world(world)


def kinds(report) -> set[str]:
    return {f.kind for f in report.findings}


def test_books_kept_through_the_services_have_no_finding(books):
    report = checks.run_all()
    assert report.findings == []
    # Positive control on what was looked at: every domain of the world was counted.
    seen = report.counts
    assert seen["khoản đóng góp"] >= 7 and seen["khoản đóng góp hiện vật"] == 2
    assert seen["lần mổ heo"] == 4 and seen["suất học bổng"] == 5 and seen["người được khen"] == 5
    assert seen["lần chuyển quỹ"] == 2 and seen["bút toán hủy"] >= 8 and seen["bản công khai đã công bố"] == 1
    assert seen["phiếu hiện vật"] >= 6 and seen["chứng từ đánh số (sổ quỹ)"] >= 15
    assert len(report.checks) >= 18 and all(n == 0 for n in report.checks.values())


def test_an_income_posted_straight_to_the_ledger_is_the_ledgers_own(world):
    """'Thu khác' (a fund handed over with its balance): source donation, no gift behind it."""
    with write_mode():
        funds.post_income(funds.default_fund(world.commune), 86_500_000, entry_date=DAY, source="donation",
                          counterparty="Hội Khuyến học huyện (cũ)")
        db.session.commit()
    assert checks.run_all().findings == []


# ---- planting corruption --------------------------------------------------------------------------

def _raw_entry(fund, amount, direction, source, source_id=None, *, numbered=True, **extra):
    """A ledger entry inserted behind the services' back, with the next number of its series
    (so that only the planted fault shows, not a gap)."""
    kind = "PT" if direction == "in" else "PC"
    number = numbering.next_number(fund.unit_id, kind, DAY.year) if numbered else None
    return db.session.execute(insert(LedgerEntry.__table__).values(
        fund_id=fund.id, unit_id=fund.unit_id, entry_date=DAY, amount=amount, direction=direction, source=source,
        source_id=source_id, number=number, method="cash", counterparty="", counterparty_address="",
        description="", basis="", created_at=datetime(2026, 9, 5), **extra).returning(LedgerEntry.id)).scalar_one()


def entry_without_owner(b):
    eid = _raw_entry(b.fund, 100_000, "in", "donation", 987_654)
    return "owner", f"ledger_entry:{eid}"


def gift_voided_without_reversal(b):
    gift = b.cash[0]
    db.session.execute(update(Donation).where(Donation.id == gift.id).values(voided_at=datetime(2026, 9, 6)))
    return "owner", f"donation:{gift.id}"


def payment_without_marking_the_award(b):
    unpaid = b.nominations[4]
    _raw_entry(b.fund, unpaid.amount, "out", "scholarship", unpaid.id)
    return "owner", f"nomination:{unpaid.id}"


def award_marked_unpaid_with_its_payment_standing(b):
    paid = b.nominations[1]
    db.session.execute(update(Nomination).where(Nomination.id == paid.id).values(paid_on=None, paid_entry_id=None))
    return "owner", f"nomination:{paid.id}"


def pig_count_voided_without_reversal(b):
    opening = db.session.scalar(select(PiggyBankOpening).where(PiggyBankOpening.unit_id == b.unit.id,
                                                               PiggyBankOpening.voided.is_(False),
                                                               PiggyBankOpening.to_fund > 0))
    db.session.execute(update(PiggyBankOpening).where(PiggyBankOpening.id == opening.id).values(voided=True))
    return "owner", f"piggy_bank_opening:{opening.id}"


def prize_marked_unpaid_with_its_payment_standing(b):
    h = db.session.scalar(select(Honoree).where(Honoree.decision_id == b.each.id, Honoree.payment_entry_id.is_not(None)))
    entry_id = h.payment_entry_id
    db.session.execute(update(Honoree).where(Honoree.id == h.id).values(payment_entry_id=None))
    return "owner", f"ledger_entry:{entry_id}"


def reversal_of_another_amount(b):
    _raw_entry(b.fund, b.payment.amount - 1, "in", "reversal", b.payment.id, numbered=False,
               reversal_of_id=b.payment.id)
    return "owner", None


def transfer_leg_without_its_pair(b):
    eid = _raw_entry(b.fund, 50_000, "out", "transfer", transfer_id="f" * 32)
    return "owner", f"ledger_entry:{eid}"


def fund_below_zero(b):
    _raw_entry(b.other_fund, funds.balance(b.other_fund) + 1, "out", "payment")
    return "balance", f"fund:{b.other_fund.id}"


def number_skipped(b):
    db.session.execute(update(DocumentCounter).where(DocumentCounter.unit_id == b.unit.id, DocumentCounter.kind == "PC",
                                                     DocumentCounter.year == DAY.year)
                       .values(next_number=DocumentCounter.next_number + 1))
    return "series", f"document_counter:{b.unit.id}:PC:{DAY.year}"


def snapshot_changed(b):
    data = dict(b.publication.snapshot)
    data["funds"] = [{**f, "closing": f["closing"] + 1_000_000} for f in data["funds"]] or [{"closing": 1}]
    db.session.execute(update(Publication.__table__).where(Publication.id == b.publication.id).values(snapshot=data))
    return "snapshot", f"disclosure_publication:{b.publication.id}"


def goods_out_below_zero(b):
    number = numbering.next_number(b.unit.id, "XK", DAY.year)
    eid = db.session.execute(insert(GoodsEntry.__table__).values(
        unit_id=b.unit.id, entry_date=DAY, direction="out", item="vở", item_key="vo", item_unit="quyển",
        quantity=Decimal(10_000), value=0, source="issue", number=number, counterparty="", counterparty_address="",
        description="", basis="", created_at=datetime(2026, 9, 5)).returning(GoodsEntry.id)).scalar_one()
    return "goods", f"goods_entry:{eid}"


def gift_in_kind_voided_without_goods_reversal(b):
    db.session.execute(update(Donation).where(Donation.id == b.notebooks.id).values(voided_at=datetime(2026, 9, 6)))
    return "goods", f"donation:{b.notebooks.id}"


def award_goods_unmarked(b):
    paid = b.nominations[3]
    db.session.execute(update(Nomination).where(Nomination.id == paid.id).values(goods_entry_id=None))
    return "goods", None


def amount_over_the_bound(b):
    unpaid = b.nominations[4]
    db.session.execute(update(Nomination).where(Nomination.id == unpaid.id).values(amount=10**12))
    return "bound", f"nomination:{unpaid.id}"


PLANTS = [entry_without_owner, gift_voided_without_reversal, payment_without_marking_the_award,
          award_marked_unpaid_with_its_payment_standing, pig_count_voided_without_reversal,
          prize_marked_unpaid_with_its_payment_standing, reversal_of_another_amount, transfer_leg_without_its_pair,
          fund_below_zero, number_skipped, snapshot_changed, goods_out_below_zero,
          gift_in_kind_voided_without_goods_reversal, award_goods_unmarked, amount_over_the_bound]


@pytest.mark.parametrize("plant", PLANTS, ids=[p.__name__ for p in PLANTS])
def test_each_planted_corruption_is_found(books, plant):
    assert checks.run_all().findings == []  # the control: clean before planting
    with write_mode():
        kind, ref = plant(books)
        db.session.commit()
    report = checks.run_all()
    found = [f for f in report.findings if f.kind == kind]
    assert found, f"{plant.__name__}: nothing of kind {kind!r} in {report.findings}"
    if ref is not None:
        assert ref in {f.ref for f in found}, (ref, found)
    assert all(f.message and f.kind_label for f in report.findings)
    assert "error" not in kinds(report), report.findings


def test_a_check_that_breaks_is_a_finding_and_the_others_still_run(books, monkeypatch):
    def broken(seen):
        raise RuntimeError("hỏng")

    from app.books import checks_owners

    monkeypatch.setattr(checks_owners, "CHECKS", [("Phép thử hỏng", broken), *checks_owners.CHECKS])
    report = checks.run_all()
    assert [f.kind for f in report.findings] == ["error"] and "Phép thử hỏng" in report.findings[0].message
    assert report.checks["Phép thử hỏng"] == 1 and len(report.checks) >= 19


# ---- the command, the stored runs, the nightly task -------------------------------------------------

def test_cli_prints_what_it_checked_and_exits_1_on_a_finding(app, books):
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["books-check"])
    assert clean.exit_code == 0, clean.output
    assert "Đã kiểm tra:" in clean.output and "khoản đóng góp:" in clean.output
    assert "không có vấn đề nào" in clean.output and "[đạt] Khoản đóng góp và phiếu thu" in clean.output
    with write_mode():
        gift_voided_without_reversal(books)
        db.session.commit()
    dirty = runner.invoke(args=["books-check"])
    assert dirty.exit_code == 1
    assert f"Khoản đóng góp #{books.cash[0].id} đã hủy nhưng còn 1 phiếu thu" in dirty.output
    assert "có 1 vấn đề" in dirty.output and "[1 vấn đề] Khoản đóng góp và phiếu thu" in dirty.output
    stored = db.session.scalars(select(BooksCheckRun).order_by(BooksCheckRun.id)).all()
    assert [r.finding_count for r in stored] == [0, 1] and stored[-1].trigger == "cli"
    assert stored[-1].findings[0]["ref"] == f"donation:{books.cash[0].id}"
    assert runner.invoke(args=["books-check", "--khong-luu"]).exit_code == 1
    assert db.session.scalar(select(BooksCheckRun.id).order_by(BooksCheckRun.id.desc()).limit(1)) == stored[-1].id


def test_the_nightly_task_runs_once_a_day_beside_the_backup(app, world):
    from app.printing.queue import huey_for

    huey = huey_for(app)
    assert "books.nightly_check" in {t.name for t in huey.read_periodic(datetime(2026, 11, 20, 2, 10))}
    assert "books.nightly_check" not in {t.name for t in huey.read_periodic(datetime(2026, 11, 20, 2, 11))}
    assert runs.run_if_due() is not None
    assert runs.run_if_due() is None  # a run less than a day old
    later = clock.utcnow() + timedelta(hours=24)
    run = runs.run_if_due(later)
    assert run is not None and run.trigger == "nightly"
    app.extensions["books_check_task"]()  # immediate mode in tests: the task runs now, not due again
    assert len(db.session.scalars(select(BooksCheckRun)).all()) == 2


def test_the_demo_database_has_no_finding(app):
    from app.demo.services import seed

    with write_mode():
        seed()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["books-check"])
    assert result.exit_code == 0, result.output
    assert "không có vấn đề nào" in result.output
    assert "khoản đóng góp: 0" not in result.output  # the demo has gifts: the check looked at them


# ---- the findings page and the dashboard panel -----------------------------------------------------

def _plant_in_each_commune(world, books):
    from tests.factories_donations import make_campaign, make_donation

    other = make_donation(make_campaign(world.other_commune))
    with write_mode():
        gift_voided_without_reversal(books)
        db.session.execute(update(Donation).where(Donation.id == other.id).values(voided_at=datetime(2026, 9, 6)))
        db.session.commit()
    runs.run_and_store("test")
    return other


@pytest.mark.parametrize("htmx", [False, True])
def test_findings_page_shows_the_latest_run_in_the_users_scope(world, books, as_user, htmx):
    other = _plant_in_each_commune(world, books)
    client = as_user(world.users["viewer"])
    resp = client.get("/kiem-tra-so-sach/", htmx=htmx)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and ("<html" in html) != htmx
    assert f"Khoản đóng góp #{books.cash[0].id} đã hủy" in html and "1 vấn đề" in html
    assert f"Khoản đóng góp #{other.id}" not in html  # another commune's finding stays out of sight
    assert f'href="/quyen-gop/{books.cash[0].id}"' in html  # the finding opens its record


def test_the_runs_history_counts_only_what_the_user_may_see(world, books, as_user):
    _plant_in_each_commune(world, books)
    runs.run_and_store("test")
    html = as_user(world.users["viewer"]).get("/kiem-tra-so-sach/").get_data(as_text=True)
    counts = re.findall(r'data-label="Số vấn đề">(\d+)<', html)
    assert counts == ["1", "1"]  # two runs, each with 2 findings, 1 of them in this commune


def test_the_province_admin_sees_every_finding_and_the_dashboard_says_how_many(world, books, client):
    from tests.conftest import login

    other = _plant_in_each_commune(world, books)
    login(client, world.province_admin)
    html = client.get("/kiem-tra-so-sach/").get_data(as_text=True)
    assert f"Khoản đóng góp #{books.cash[0].id}" in html and f"Khoản đóng góp #{other.id}" in html
    home = client.get("/").get_data(as_text=True)
    assert "Kiểm tra sổ sách: 2 vấn đề" in home and 'href="/kiem-tra-so-sach/"' in home


def _client_of(app, user):
    from tests.conftest import login

    client = app.test_client()
    login(client, user)
    return client


def test_the_dashboard_panel_is_for_admins_only(app, world, books):
    _plant_in_each_commune(world, books)
    home = _client_of(app, world.users["admin"]).get("/").get_data(as_text=True)
    assert "Kiểm tra sổ sách: 1 vấn đề" in home  # the commune admin: its own finding only
    for role in ("clerk", "treasurer", "viewer"):
        assert "Kiểm tra sổ sách" not in _client_of(app, world.users[role]).get("/").get_data(as_text=True)


def test_clerks_and_treasurers_cannot_open_the_findings_page(app, world):
    for role in ("clerk", "treasurer"):
        assert _client_of(app, world.users[role]).get("/kiem-tra-so-sach/").status_code == 403
