"""Selection: approvals refused beyond the budget, the fund or a quota; warnings for duplicates."""
from sqlalchemy import select

from app.extensions import db
from app.funds import services as funds
from app.scholarships import services
from app.scholarships.models import APPROVED, PENDING, REJECTED, Nomination
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round


def _setup(world, *, budget, fund_money, amount=1_000_000, n=3, quota=None):
    rnd = make_round(world.commune, budget=budget, fund_money=fund_money)
    cat = make_category(rnd, amount, quota=quota)
    noms = [make_nomination(rnd, make_pupil(world.commune), cat) for _ in range(n)]
    return rnd, cat, noms


def _decide(client, rnd, **data):
    return client.post(f"/hoc-bong/{rnd.id}/quyet-dinh", data=data)


def test_approval_beyond_budget_is_refused_with_a_clear_message_and_nothing_changes(world, as_user):
    rnd, cat, noms = _setup(world, budget=2_500_000, fund_money=10_000_000)
    client = as_user(world.users["admin"])
    resp = _decide(client, rnd, act="approve", ids=[n.id for n in noms])
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "ngân sách đợt chỉ còn 2.500.000 đ" in page
    assert all(f'value="{n.id}" checked' in page for n in noms)  # the ticks are kept
    db.session.expire_all()
    assert all(n.status == PENDING for n in db.session.scalars(select(Nomination)))
    assert _decide(client, rnd, act="approve", ids=[noms[0].id, noms[1].id]).status_code == 303
    db.session.expire_all()
    assert services.totals(rnd).approved_total == 2_000_000


def test_approval_beyond_fund_balance_is_refused_even_within_budget(world, as_user):
    rnd, cat, noms = _setup(world, budget=50_000_000, fund_money=1_500_000)
    with_fund = services.totals(rnd)
    assert with_fund.fund_balance == 1_500_000
    client = as_user(world.users["admin"])
    assert _decide(client, rnd, act=f"approve-{noms[0].id}").status_code == 303
    resp = _decide(client, rnd, act=f"approve-{noms[1].id}")
    assert resp.status_code == 422
    assert "chỉ còn 500.000 đ chưa cam kết" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert [n.status for n in noms] == [APPROVED, PENDING, PENDING]


def test_quota_of_a_category_is_enforced(world):
    rnd, cat, noms = _setup(world, budget=50_000_000, fund_money=50_000_000, quota=2)
    services.approve(rnd, noms[:2])
    db.session.commit()
    try:
        services.approve(rnd, noms[2:])
        raise AssertionError("quota not enforced")
    except services.RoundError as err:
        assert "chỉ có 2 suất" in str(err)
    db.session.rollback()


def test_the_page_shows_approved_total_budget_and_fund_balance(world, as_user):
    rnd, cat, noms = _setup(world, budget=5_000_000, fund_money=7_000_000)
    services.approve(rnd, noms[:1])
    db.session.commit()
    page = as_user(world.users["viewer"]).get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)
    assert "Đã duyệt: <strong>1.000.000 đ</strong>" in page
    assert "Ngân sách: <strong>5.000.000 đ</strong>" in page
    assert "Số dư quỹ: <strong>7.000.000 đ</strong>" in page
    assert "<meter" in page


def test_reject_needs_a_reason_one_by_one_and_in_bulk(world, as_user):
    rnd, cat, noms = _setup(world, budget=5_000_000, fund_money=7_000_000)
    client = as_user(world.users["admin"])
    assert client.post(f"/hoc-bong/de-cu/{noms[0].id}/khong-duyet", data={"reason": ""}).status_code == 422
    assert client.post(f"/hoc-bong/de-cu/{noms[0].id}/khong-duyet",
                       data={"reason": "Không thuộc diện khó khăn"}).status_code == 303
    resp = _decide(client, rnd, act="reject", ids=[noms[1].id, noms[2].id], reason="")
    assert resp.status_code == 422
    assert 'id="reason-err"' in resp.get_data(as_text=True)  # the message stands beside the reason box
    db.session.expire_all()
    assert [n.status for n in noms] == [REJECTED, PENDING, PENDING]
    _decide(client, rnd, act="reject", ids=[noms[1].id, noms[2].id], reason="Hồ sơ thiếu xác nhận")
    db.session.expire_all()
    assert [n.status for n in noms] == [REJECTED] * 3 and noms[2].decision_reason == "Hồ sơ thiếu xác nhận"


def test_clerk_cannot_approve(world, as_user):
    rnd, cat, noms = _setup(world, budget=5_000_000, fund_money=7_000_000, n=1)
    assert _decide(as_user(world.users["clerk"]), rnd, act="approve", ids=[noms[0].id]).status_code == 403


def test_warning_for_the_same_pupil_twice_in_a_round(world, as_user):
    rnd, cat, noms = _setup(world, budget=5_000_000, fund_money=7_000_000, n=1)
    other = make_category(rnd, 300_000, name="Tặng vở")
    make_nomination(rnd, noms[0].pupil, other)
    page = as_user(world.users["admin"]).get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)
    assert page.count("Học sinh có hơn một đề cử trong đợt này.") == 2


def test_warning_for_the_same_achievement_rewarded_twice_in_a_school_year_across_rounds(world, as_user):
    pupil = make_pupil(world.commune, "Hoàng Phủ Ngọc Tường")
    first = make_round(world.commune)
    make_nomination(first, pupil, make_category(first, kind="achievement"),
                    achievement="Giải Nhì học sinh giỏi cấp tỉnh môn Toán")
    second = make_round(world.commune)
    cat = make_category(second, kind="achievement")
    client = as_user(world.users["clerk"])
    form = client.get(f"/hoc-bong/{second.id}/de-cu?hoc_sinh={pupil.id}").get_data(as_text=True)
    import re

    key = re.search(r'name="idem_key"[^>]*value="([0-9a-f]{32})"', form) or re.search(
        r'value="([0-9a-f]{32})"[^>]*name="idem_key"', form)
    resp = client.post(f"/hoc-bong/{second.id}/de-cu", data={
        "idem_key": key.group(1), "pupil_id": pupil.id, "category_id": cat.id,
        "achievement": "giai nhi hoc sinh gioi cap tinh mon toan"})
    assert resp.status_code == 303
    page = client.get(f"/hoc-bong/{second.id}").get_data(as_text=True)
    assert "Thành tích này đã được xét thưởng trong năm học 2025-2026" in page
    assert db.session.scalar(select(db.func.count()).select_from(Nomination)) == 2


def test_report_sentence_is_built_from_the_numbers():
    assert services.report_sentence(183, 160_500_000) == (
        "Trao 183 suất học bổng cho học sinh, sinh viên có hoàn cảnh khó khăn, tổng số tiền 160.500.000 đồng")
    assert services.report_sentence(12, 6_000_000, kinds={"achievement"}, students=False) == (
        "Trao 12 suất học bổng cho học sinh có thành tích tốt trong học tập, tổng số tiền 6.000.000 đồng")


def test_budget_cannot_drop_below_what_is_approved(world):
    rnd, cat, noms = _setup(world, budget=5_000_000, fund_money=7_000_000)
    services.approve(rnd, noms)
    db.session.commit()
    try:
        services.save_round(rnd.fund, rnd.name, rnd.school_year, 2_000_000, rnd=rnd)
        raise AssertionError("budget lowered below approvals")
    except services.RoundError as err:
        assert err.field == "budget"
    db.session.rollback()
    assert funds.balance(rnd.fund) == 7_000_000


def test_round_includes_sponsored_pupils_once(world, as_user):
    from app.pupils.queries import add_sponsorship
    from tests.factories_scholarships import DAY

    rnd = make_round(world.commune)
    cat = make_category(rnd, 1_200_000, kind="sponsorship", name="Học bổng đỡ đầu")
    supported = make_pupil(world.commune, "Âu Dương Thị Ngọc Anh")
    make_pupil(world.commune, "Lê Văn Tám")
    add_sponsorship(supported, "Cô Trần Thị Hoa", "teacher", DAY, None, 300_000, "month")
    db.session.commit()
    client = as_user(world.users["clerk"])
    for _ in range(2):
        assert client.post(f"/hoc-bong/{rnd.id}/them-do-dau", data={"category_id": cat.id}).status_code == 303
    noms = db.session.scalars(select(Nomination)).all()
    assert [n.pupil_id for n in noms] == [supported.id] and noms[0].category_id == cat.id
    page = client.get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)
    assert "Được đỡ đầu: Cô Trần Thị Hoa" in page


def _totals_shown(client, rnd) -> str:
    body = client.get(f"/hoc-bong/{rnd.id}").get_data(as_text=True)
    start = body.index('id="round-totals"')
    return " ".join(body[start:body.index("</div>", start)].split())


def test_the_page_totals_follow_every_change_they_count(world, as_user):
    """The selection page's totals are kept between pages (the reports cache) and read again after
    any write they count: an approval, money into the fund, another round of the same fund approving,
    a new budget. Control: a change the cache cannot see (raw SQL, never written by the app) is not
    shown, so the pages above were served from the cache."""
    from sqlalchemy import text

    from tests.factories_scholarships import make_round

    rnd, cat, noms = _setup(world, budget=5_000_000, fund_money=10_000_000)
    client = as_user(world.users["admin"])
    assert "Đã duyệt: <strong>0 đ</strong> (0 suất)" in _totals_shown(client, rnd)
    assert _decide(client, rnd, act=f"approve-{noms[0].id}").status_code == 303
    assert "Đã duyệt: <strong>1.000.000 đ</strong> (1 suất)" in _totals_shown(client, rnd)
    funds.post_income(rnd.fund, 2_000_000, entry_date=rnd.ceremony_date, source="donation", counterparty="Bà Lan")
    db.session.commit()
    assert "Số dư quỹ: <strong>12.000.000 đ</strong>" in _totals_shown(client, rnd)
    other = make_round(world.commune, fund=rnd.fund, fund_money=0, budget=3_000_000)
    services.approve(other, [make_nomination(other, make_pupil(world.commune), make_category(other, 700_000))])
    db.session.commit()
    assert "các đợt khác chưa chi 700.000 đ" in _totals_shown(client, rnd)
    services.save_round(rnd.fund, rnd.name, rnd.school_year, 6_000_000, rnd=rnd, ceremony_date=rnd.ceremony_date,
                        decision_number="15/QĐ-HKH")
    db.session.commit()
    assert "Ngân sách: <strong>6.000.000 đ</strong>" in _totals_shown(client, rnd)
    db.session.execute(text("UPDATE scholarship_round SET budget = 9000000 WHERE id = :id"), {"id": rnd.id})
    db.session.commit()
    assert "Ngân sách: <strong>6.000.000 đ</strong>" in _totals_shown(client, rnd)
