"""Publishing freezes the disclosure: the public page and PDF show the report as it stood then."""
import copy
from datetime import date, datetime

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.disclosure import services, snapshot
from app.donations.models import Donation
from app.extensions import db
from app.funds import services as funds
from tests.disclosure import data
from tests.factories_donations import make_donation, make_donor

YEAR = data.YEAR
LATE_DONOR = "Đinh Văn Đến Muộn"
LATE_PURPOSE = "Mua bàn ghế cho lớp học tình thương"


def _admin_url(s, tail=""):
    return f"/cong-khai/quan-ly/{s.unit.id}/{YEAR}{tail}"


def _public(app, s, htmx=False):
    resp = app.test_client().get(f"/cong-khai/{s.unit.id}/{YEAR}", htmx=htmx)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _late_entries(s):
    """A gift and a payment entered after the admin published (both dated within the year)."""
    make_donation(s.campaign, 900_000, make_donor(s.unit, LATE_DONOR), data.d(9, 25))
    funds.post_payment(s.fund, 400_000, entry_date=data.d(12, 15), recipient="Lê Thị Nhận",
                       purpose=LATE_PURPOSE, basis="50/QĐ-HKH")
    db.session.commit()


def test_entries_made_after_publishing_stay_off_the_public_page_until_published_again(world, as_user, app):
    s = data.build(world)
    admin = as_user(world.users["admin"])
    assert admin.post(_admin_url(s, "/cong-bo")).status_code == 303
    data.reopen(s)  # publishing closed 2025: late entries need the year reopened
    _late_entries(s)

    for htmx in (False, True):
        html = _public(app, s, htmx)
        assert "Nguyễn Văn An" in html and "4.550.000 đ" in html
        assert LATE_DONOR not in html and LATE_PURPOSE not in html and "900.000 đ" not in html
        assert "5.050.000 đ" not in html  # the live closing balance (4,550,000 + 900,000 - 400,000)
    admin_page = admin.get(_admin_url(s)).get_data(as_text=True)
    assert "Số liệu đã thay đổi sau khi công khai" in admin_page and LATE_DONOR in admin_page  # admin sees live

    assert admin.post(_admin_url(s, "/cong-bo")).status_code == 303
    html = _public(app, s)
    assert LATE_DONOR in html and LATE_PURPOSE in html and "5.050.000 đ" in html
    assert "Số liệu đã thay đổi sau khi công khai" not in admin.get(_admin_url(s)).get_data(as_text=True)
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "publish")
                                      .order_by(AuditEntry.id)))
    assert len(entries) == 2
    first, second = entries
    assert second.before["snapshot_sha256"] == first.after["snapshot_sha256"] != second.after["snapshot_sha256"]
    assert second.after["snapshot_sha256"] == snapshot.digest(services.published(s.unit, YEAR).snapshot)[:16]


def test_snapshot_stays_as_published_when_a_donation_is_voided_afterwards(world, as_user, app):
    s = data.build(world)
    admin = as_user(world.users["admin"])
    admin.post(_admin_url(s, "/cong-bo"))
    pub = services.published(s.unit, YEAR)
    frozen = copy.deepcopy(pub.snapshot)
    data.reopen(s)  # publishing closed 2025: voiding one of its gifts needs the year reopened
    gift = db.session.scalars(select(Donation).where(Donation.donor_id == s.named.id)
                              .order_by(Donation.amount.desc())).first()  # the 1,500,000 of the two
    # What void_donation() does, on a day within the year (it voids "today").
    funds.reverse(gift.entry, "Ghi nhầm người nộp", entry_date=data.d(12, 20))
    gift.voided_at, gift.void_reason = datetime(YEAR, 12, 20, 3, 0), "Ghi nhầm người nộp"
    db.session.commit()

    db.session.expire_all()
    assert services.published(s.unit, YEAR).snapshot == frozen
    html = _public(app, s)
    assert "2.000.000 đ" in html and "Nguyễn Văn An" in html and "4.550.000 đ" in html
    assert "Số liệu đã thay đổi sau khi công khai" in admin.get(_admin_url(s)).get_data(as_text=True)


def test_public_page_says_when_its_figures_were_frozen_in_local_time(world, as_user, app):
    s = data.build(world)
    as_user(world.users["admin"]).post(_admin_url(s, "/cong-bo"))
    pub = services.published(s.unit, YEAR)
    pub.published_at = datetime(2026, 1, 15, 17, 5)  # UTC: 00:05 on the 16th in Việt Nam
    db.session.commit()
    for htmx in (False, True):
        assert "Số liệu chốt lúc 00:05 ngày 16/01/2026" in _public(app, s, htmx)


def test_a_publication_without_a_snapshot_stays_closed_until_published_again(world, as_user, app):
    s = data.build(world)
    admin = as_user(world.users["admin"])
    admin.post(_admin_url(s, "/cong-bo"))
    pub = services.published(s.unit, YEAR)
    pub.snapshot = None  # published before migration 0012
    db.session.commit()
    anon = app.test_client()
    assert anon.get(f"/cong-khai/{s.unit.id}/{YEAR}").status_code == 404
    assert anon.get(f"/cong-khai/{s.unit.id}/{YEAR}.pdf").status_code == 404
    assert anon.get(f"/cong-khai/{s.unit.id}").status_code == 404
    assert "chưa chốt số liệu" in admin.get(_admin_url(s)).get_data(as_text=True)
    assert "chưa chốt số liệu: cần công khai lại" in admin.get("/cong-khai/quan-ly").get_data(as_text=True)
    admin.post(_admin_url(s, "/cong-bo"))
    assert anon.get(f"/cong-khai/{s.unit.id}/{YEAR}").status_code == 200


def test_snapshot_round_trips_to_the_same_report(world):
    from app.disclosure import report

    s = data.build(world)
    rep = report.build(s.unit, YEAR)
    frozen = snapshot.load(snapshot.dump(rep))
    assert snapshot.dump(frozen) == snapshot.dump(rep)
    assert frozen.closing == rep.closing == 4_550_000 and frozen.unit.parent.name == s.unit.parent.name
    # The goods (50 notebooks) come back apart from the money.
    assert [(ln.name, ln.in_kind, ln.amount) for g in frozen.goods_income for ln in g.lines] == [
        ("Nhà sách Phương Nam", "50 quyển vở", 1_000_000)]
    assert frozen.goods_closing == rep.goods_closing == 1_000_000
    assert frozen.adjustments[0].entry_date == date(YEAR, 1, 15)
