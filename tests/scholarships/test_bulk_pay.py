"""Bulk payouts (issue 14 A, B, E): all matching through a confirm page with the control total at its
top, vouchers numbered in the signing sheet's order, a future date confirmed, and one person who
approved and paid named on the summary and in the audit log."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db
from app.funds import services as funds
from app.funds.models import LedgerEntry
from app.scholarships import bulk, payout, services
from app.scholarships.models import Nomination
from tests.conftest import login
from tests.factories import make_user
from tests.factories_scholarships import make_category, make_nomination, make_pupil, make_round, make_school
from tests.scholarships.test_bulk import form_fields

PAY_DAY = "2026-03-12"
# Nominated in this order; the signing sheet sorts by given name: An, Bình, Cường.
NAMES = ["Nguyễn Văn Cường", "Trần Văn Bình", "Lê Thị An"]


def _approved(world, names=NAMES, amount=700_000, school=None):
    rnd = make_round(world.commune, budget=50_000_000, fund_money=50_000_000)
    cat = make_category(rnd, amount)
    school = school or make_school(world.commune, "Trường THCS Lai Vung")
    noms = [make_nomination(rnd, make_pupil(world.commune, n, school=school, class_name="7A1"), cat) for n in names]
    services.approve(rnd, noms)
    db.session.commit()
    return rnd, noms


def _paid(noms):
    db.session.expire_all()
    return [db.session.get(Nomination, n.id).is_paid for n in noms]


def _vouchers(noms):
    db.session.expire_all()
    return [db.session.get(Nomination, n.id).paid_entry.number for n in noms]


def _confirm(client, rnd, extra=(), query=""):
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra{query}").get_data(as_text=True)
    data = form_fields(page, "payout-form") + [("scope", "all"), *extra]
    return client.post(f"/hoc-bong/{rnd.id}/chi-tra{query}", data=MultiDict(data))


def test_pay_all_matching_with_the_control_total_at_the_top_once_in_sheet_order(world, as_user):
    rnd, noms = _approved(world)
    client = as_user(world.users["treasurer"])
    resp = _confirm(client, rnd)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "3</strong> suất sẽ ghi chi trả" in html and "2.100.000 đ" in html
    assert html.index('id="control_total"') < html.index("<table")  # the field before the rows
    assert html.index("Lê Thị An") < html.index("Trần Văn Bình") < html.index("Nguyễn Văn Cường")
    assert _paid(noms) == [False] * 3
    data = form_fields(html, "pay-confirm") + [("step", "confirm"), ("paid_on", PAY_DAY)]
    wrong = client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=MultiDict(data + [("control_total", "2.000.000")]))
    body = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    err = body.index('id="control_total-err"')
    assert "không khớp" in body[err:err + 400] and err < body.index("<table")  # beside the field, at the top
    assert 'value="2.000.000"' in body and _paid(noms) == [False] * 3
    data = form_fields(body, "pay-confirm") + [("step", "confirm"), ("paid_on", PAY_DAY),
                                               ("control_total", "2.100.000")]
    for _ in range(2):  # a double submit pays once
        ok = client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=MultiDict(data))
        assert ok.status_code == 303 and ok.headers["Location"] == f"/hoc-bong/{rnd.id}/chi-tra#bulk"
    assert _paid(noms) == [True] * 3
    assert funds.balance(rnd.fund) == 50_000_000 - 2_100_000
    numbers = _vouchers(noms)  # Cường, Bình, An as nominated
    assert numbers[2] < numbers[1] < numbers[0]  # An first: the sheet's order, not the database's


def test_pay_all_matching_keeps_to_the_school_filter_and_its_page(world, as_user):
    school = make_school(world.commune, "Trường THCS Tân Thành")
    rnd, noms = _approved(world, school=school)
    other = make_pupil(world.commune, "Đỗ Thị Hoa", school=make_school(world.commune, "Trường Tiểu học B"))
    extra = make_nomination(rnd, other, noms[0].category)
    services.approve(rnd, [extra])
    db.session.commit()
    client = as_user(world.users["treasurer"])
    html = _confirm(client, rnd, query=f"?truong={school.id}").get_data(as_text=True)
    assert "3</strong> suất sẽ ghi chi trả" in html and "Đỗ Thị Hoa" not in html
    data = form_fields(html, "pay-confirm") + [("step", "confirm"), ("paid_on", PAY_DAY),
                                               ("control_total", "2.100.000")]
    ok = client.post(f"/hoc-bong/{rnd.id}/chi-tra?truong={school.id}", data=MultiDict(data))
    assert ok.headers["Location"] == f"/hoc-bong/{rnd.id}/chi-tra?truong={school.id}#bulk"
    assert _paid(noms + [extra]) == [True, True, True, False]


def test_pay_many_numbers_the_vouchers_in_sheet_order_whatever_order_it_is_given(world):
    rnd, noms = _approved(world)
    payout.pay_many(rnd, list(noms), date(2026, 3, 12), 2_100_000)
    db.session.commit()
    numbers = _vouchers(noms)
    assert sorted(numbers) == [numbers[2], numbers[1], numbers[0]]


def test_a_future_payout_date_needs_a_confirmation(world, as_user):
    rnd, noms = _approved(world)
    ahead = clock.today() + timedelta(days=3)
    with pytest.raises(services.RoundError, match="ở tương lai") as err:
        payout.pay(noms[0], ahead)
    assert err.value.field == "paid_on"
    db.session.rollback()
    client = as_user(world.users["treasurer"])
    html = _confirm(client, rnd).get_data(as_text=True)
    assert "Tôi xác nhận ngày chi ở tương lai" not in html  # not offered until a date ahead is typed
    data = form_fields(html, "pay-confirm") + [("step", "confirm"), ("paid_on", ahead.isoformat()),
                                               ("control_total", "2.100.000")]
    resp = client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=MultiDict(data))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "ở tương lai" in body[body.index('id="paid_on-err"'):][:300]
    assert "Tôi xác nhận ngày chi ở tương lai" in body and _paid(noms) == [False] * 3
    data = form_fields(body, "pay-confirm") + [("step", "confirm"), ("paid_on", ahead.isoformat()),
                                               ("control_total", "2.100.000"), ("future_ok", "y")]
    assert client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=MultiDict(data)).status_code == 303
    assert _paid(noms) == [True] * 3


def test_the_payout_list_is_paged_labelled_and_offers_all_unpaid(world, as_user):
    rnd, noms = _approved(world, [f"Nguyễn Văn Thử {chr(65 + i % 26)}{i}" for i in range(53)], amount=100_000)
    client = as_user(world.users["treasurer"])
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    assert "Chi trả tất cả 53 dòng khớp bộ lọc" in page and "Chi trả cả trang này (50)" in page
    table = page[page.index("<table"):page.index("</table>")]
    assert table.count("<tr id=") == 50 and table.count("<td") == table.count("data-label=")
    page2 = client.get(f"/hoc-bong/{rnd.id}/chi-tra?trang=2").get_data(as_text=True)
    assert page2[page2.index("<table"):page2.index("</table>")].count("<tr id=") == 3
    assert '<td class="num" data-label="STT">51</td>' in page2


def test_one_person_who_approved_and_paid_is_named_on_the_summary_and_in_the_audit(app, world):
    both = make_user(world.commune, roles=["admin", "treasurer"], full_name="Nguyễn Văn Chủ")
    rnd = make_round(world.commune, budget=50_000_000, fund_money=50_000_000)
    cat = make_category(rnd, 500_000)
    noms = [make_nomination(rnd, make_pupil(world.commune), cat) for _ in range(3)]
    client = app.test_client()
    login(client, both)
    for n in noms[:2]:
        assert client.post(f"/hoc-bong/{rnd.id}/quyet-dinh", data={"act": f"approve-{n.id}"}).status_code == 303
    services.approve(rnd, [noms[2]])  # approved by nobody signed in (an import, a script)
    db.session.commit()
    viewer = app.test_client()
    login(viewer, world.users["viewer"])
    summary = viewer.get(f"/hoc-bong/{rnd.id}/tong-ket")
    assert summary.status_code == 200 and rnd.name in summary.get_data(as_text=True)  # the round's summary itself
    assert "Người duyệt và người chi là một" not in summary.get_data(as_text=True)
    html = _confirm(client, rnd).get_data(as_text=True)
    data = form_fields(html, "pay-confirm") + [("step", "confirm"), ("paid_on", PAY_DAY),
                                               ("control_total", "1.500.000")]
    assert client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=MultiDict(data)).status_code == 303
    summary = viewer.get(f"/hoc-bong/{rnd.id}/tong-ket").get_data(as_text=True)
    assert "Người duyệt và người chi là một: Nguyễn Văn Chủ (2 suất)" in summary
    assert bulk.same_person(rnd) == [("Nguyễn Văn Chủ", 2)]
    notes = {e.object_id: (e.after or {}).get("same_person") for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "pay", AuditEntry.object_type == "nomination"))}
    assert notes[noms[0].id] == notes[noms[1].id] == "Người duyệt và người chi là một: Nguyễn Văn Chủ"
    assert notes[noms[2].id] is None


def test_different_people_approving_and_paying_are_not_flagged(world, as_user):
    rnd, noms = _approved(world)
    client = as_user(world.users["treasurer"])
    html = _confirm(client, rnd).get_data(as_text=True)
    data = form_fields(html, "pay-confirm") + [("step", "confirm"), ("paid_on", PAY_DAY),
                                               ("control_total", "2.100.000")]
    assert client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=MultiDict(data)).status_code == 303
    assert bulk.same_person(rnd) == [] and bulk.same_person_text(rnd) == ""
    assert db.session.scalar(select(LedgerEntry.created_by_id).where(LedgerEntry.source == "scholarship").limit(1)) \
        == world.users["treasurer"].id


def test_the_older_one_step_post_still_pays_and_takes_the_offered_date(world, as_user):
    rnd, noms = _approved(world)
    client = as_user(world.users["treasurer"])
    page = client.get(f"/hoc-bong/{rnd.id}/chi-tra").get_data(as_text=True)
    data = form_fields(page, "payout-form") + [("ids", str(n.id)) for n in noms] + [("control_total", "2.100.000")]
    assert client.post(f"/hoc-bong/{rnd.id}/chi-tra", data=MultiDict(data)).status_code == 303
    db.session.expire_all()
    assert {db.session.get(Nomination, n.id).paid_on for n in noms} == {rnd.ceremony_date}
