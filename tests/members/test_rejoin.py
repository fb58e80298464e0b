"""Vào hội lại (a return after leaving: a new row, a new number, the old row kept) and Hủy ghi nhận ra
khỏi hội (an end recorded by mistake undone on its row): the counts of every year, the links between
the rows, the refusals, the duplicate check, dues, scope and roles, plain and htmx."""
import uuid
from datetime import date

import pytest

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db
from app.members import counts, dues, dues_queries, queries, services, status
from app.members.models import Member
from tests.conftest import login
from tests.factories_donations import make_donor
from tests.factories_members import end_member, make_member

YEARS = range(2015, 2027)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Member))


def _rolls(world) -> dict[int, int]:
    """On the roll at 31/12 of each year, for the commune (the counts) and by the list's filter."""
    out = {}
    for y in YEARS:
        figure = counts.compute(world.commune, y).members.on_roll
        listed = db.session.scalar(select(func.count()).select_from(
            queries.member_query(world.commune, on_roll_in=y).order_by(None).subquery()))
        assert figure == listed, y
        out[y] = figure
    return out


def _leaver(world, unit=None, **kw):
    """Joined 1/3/2015, left 1/5/2022."""
    member = make_member(unit or world.branch, "Nguyễn Văn Hồi", joined_on=date(2015, 3, 1), **kw)
    return end_member(member, ended_on=date(2022, 5, 1), reason="Đi làm ăn xa")


def _back(client, member, joined_on="2026-02-01", unit=None, htmx=False, **extra):
    data = {"unit_id": str(unit.id if unit else member.unit_id), "joined_on": joined_on,
            "idem_key": uuid.uuid4().hex, **extra}
    return client.post(f"/hoi-vien/{member.id}/sinh-hoat-lai", data=data, htmx=htmx)


def _new_row(old) -> Member | None:
    db.session.expire_all()
    return db.session.scalar(select(Member).where(Member.rejoined_from_id == old.id))


# ---- the counts ------------------------------------------------------------------------------

def test_join_leave_return_keeps_every_years_count_and_the_old_row(world, as_user):
    old = _leaver(world)
    before = _rolls(world)
    assert before == {**{y: 1 for y in range(2015, 2022)}, **{y: 0 for y in range(2022, 2027)}}
    client = as_user(world.users["clerk"])
    resp = _back(client, old)
    new = _new_row(old)
    assert resp.status_code == 303 and resp.headers["Location"] == f"/hoi-vien/{new.id}"
    # The earlier spell and the years away are as printed; 2026 counts the return once.
    assert _rolls(world) == {**before, 2026: 1}
    old = db.session.get(Member, old.id)
    assert (old.status, old.joined_on, old.ended_on, old.end_reason, old.number) == (
        "left", date(2015, 3, 1), date(2022, 5, 1), "Đi làm ăn xa", 1)
    assert (new.status, new.joined_on, new.ended_on, new.number, new.unit_id) == (
        "active", date(2026, 2, 1), None, 2, world.branch.id)  # a new number: 1 is never given again
    assert counts.compute(world.commune, 2026).members.joined == 1
    assert counts.compute(world.commune, 2022).members.ended == 1


def test_a_return_copies_the_person_into_the_chosen_unit_with_its_next_number_and_is_audited(world, as_user):
    donor = make_donor(world.commune, "Nguyễn Văn Hồi")
    old = _leaver(world, birth_year=1958, gender="male", address="12 đường Làng", village="Ấp Tân Lộc",
                  phone="0912 345 678", occupation="veteran", donor=donor, note="Ghi chú cũ")
    make_member(world.commune, "Lê Thị Có")  # the commune's own number 1
    resp = _back(as_user(world.users["clerk"]), old, unit=world.commune)
    new = _new_row(old)
    assert resp.status_code == 303 and new.unit_id == world.commune.id and new.number == 2
    assert (new.full_name, new.birth_year, new.gender, new.address, new.village, new.phone, new.occupation,
            new.donor_id) == ("Nguyễn Văn Hồi", 1958, "male", "12 đường Làng", "Ấp Tân Lộc", "0912 345 678",
                              "veteran", donor.id)
    assert new.note == "" and new.phone_key == "0912345678" and new.search_key == "nguyen van hoi"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "member",
                                                        AuditEntry.object_id == new.id)).one()
    assert entry.action == "rejoin" and entry.after["rejoined_from_id"] == old.id
    assert entry.after["joined_on"] == "2026-02-01"


def test_the_two_rows_pages_name_each_other(world, as_user):
    old = _leaver(world)
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoi-vien/{old.id}").get_data(as_text=True)
    assert "Vào hội lại" in page and "Hủy ghi nhận ra khỏi hội" in page and "Đã vào hội lại" not in page
    _back(client, old)
    new = _new_row(old)
    page = client.get(f"/hoi-vien/{old.id}").get_data(as_text=True)
    assert "Đã vào hội lại: " in page and f'href="/hoi-vien/{new.id}">số thẻ 2</a>' in page
    # The return is the person's record now: no second return, no undoing the real end.
    assert f"/hoi-vien/{old.id}/sinh-hoat-lai" not in page and f"/hoi-vien/{old.id}/huy-ra-khoi-hoi" not in page
    page = client.get(f"/hoi-vien/{new.id}").get_data(as_text=True)
    assert f'href="/hoi-vien/{old.id}">Trước đây là hội viên số 1</a>' in page
    assert "ra khỏi hội ngày 01/05/2022" in page and "Đang sinh hoạt" in page


def _client_of(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_a_branch_user_reads_another_branchs_row_as_a_unit_elsewhere(app, world, as_user):
    old = _leaver(world, unit=world.commune)
    _back(as_user(world.users["clerk"]), old, unit=world.branch)
    new = _new_row(old)
    page = _client_of(app, world.branch_user).get(f"/hoi-vien/{new.id}").get_data(as_text=True)
    assert "Trước đây là hội viên ở một đơn vị khác" in page and f'href="/hoi-vien/{old.id}"' not in page


# ---- refusals ----------------------------------------------------------------------------------

def test_the_deceased_cannot_return_and_are_offered_the_undo(world, as_user):
    dead = end_member(make_member(world.branch, "Trần Văn Mất"), status="deceased", ended_on=date(2024, 1, 1),
                      reason="Từ trần")
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoi-vien/{dead.id}/sinh-hoat-lai").get_data(as_text=True)
    assert "không thể vào hội lại" in page and 'id="joined_on"' not in page
    assert f"/hoi-vien/{dead.id}/huy-ra-khoi-hoi" in page
    n = _count()
    resp = _back(client, dead)
    assert resp.status_code == 422 and "không thể vào hội lại" in resp.get_data(as_text=True)
    assert _count() == n and db.session.get(Member, dead.id).status == "deceased"
    assert "Vào hội lại" not in client.get(f"/hoi-vien/{dead.id}").get_data(as_text=True)


def test_a_return_date_on_or_before_the_end_or_in_the_future_is_refused_beside_the_date(world, as_user):
    old = _leaver(world)
    client = as_user(world.users["clerk"])
    n = _count()
    for day, words in (("2022-05-01", "phải sau ngày ra khỏi hội (01/05/2022)"), ("2021-01-01", "phải sau ngày"),
                       ("2099-01-01", "không được sau hôm nay")):
        resp = _back(client, old, joined_on=day)
        text = resp.get_data(as_text=True)
        assert resp.status_code == 422 and 'id="joined_on-err"' in text and words in text, day
        assert f'value="{day}"' in text  # the input is kept
    assert _count() == n and _new_row(old) is None
    assert _back(client, old, joined_on="2022-05-02").status_code == 303  # the day after is a return


def test_editing_a_returns_joining_date_into_the_earlier_spell_is_refused(world, as_user):
    old = _leaver(world)
    _back(as_user(world.users["clerk"]), old)
    new = _new_row(old)
    with pytest.raises(services.MemberError) as err:
        services.update_member(new, joined_on=date(2022, 5, 1))
    assert err.value.field == "joined_on" and "01/05/2022" in str(err.value)
    db.session.rollback()
    services.update_member(new, joined_on=date(2022, 5, 2))  # the day after the end: no year counted twice
    db.session.commit()
    assert _rolls(world)[2022] == 1 and _rolls(world)[2021] == 1


def test_a_second_return_from_one_row_is_refused_and_a_double_submit_makes_one(world, as_user):
    old = _leaver(world)
    client = as_user(world.users["clerk"])
    data = {"unit_id": str(world.branch.id), "joined_on": "2026-02-01", "idem_key": uuid.uuid4().hex}
    first = client.post(f"/hoi-vien/{old.id}/sinh-hoat-lai", data=data)
    again = client.post(f"/hoi-vien/{old.id}/sinh-hoat-lai", data=data, htmx=True)
    new = _new_row(old)
    assert first.headers["Location"] == again.headers["HX-Redirect"] == f"/hoi-vien/{new.id}"
    assert db.session.scalar(select(func.count()).where(Member.rejoined_from_id == old.id)) == 1
    n = _count()
    second = _back(client, old, joined_on="2026-03-01")  # a new form: a second return
    assert second.status_code == 422 and "đã vào hội lại: số thẻ 2" in second.get_data(as_text=True)
    assert _count() == n
    page = client.get(f"/hoi-vien/{old.id}/sinh-hoat-lai").get_data(as_text=True)
    assert 'id="joined_on"' not in page and f'href="/hoi-vien/{new.id}"' in page


def test_two_racing_returns_from_one_row_meet_the_unique_key(world, monkeypatch):
    old = _leaver(world)
    first = status.rejoin(old, joined_on=date(2026, 2, 1))
    monkeypatch.setattr(status, "successor", lambda member: None)  # the second did not see the first
    with pytest.raises(services.MemberError) as err:
        status.rejoin(old, joined_on=date(2026, 2, 1))
    assert err.value.field == "joined_on" and "vừa được ghi vào hội lại" in str(err.value)
    db.session.rollback()
    assert first.id is not None and _new_row(old) is None  # nothing was committed: both gone


def test_an_active_member_has_nothing_to_return_from_or_undo(world, as_user):
    member = make_member(world.branch, "Lê Văn Đang")
    client = as_user(world.users["clerk"])
    n = _count()
    assert _back(client, member).status_code == 422
    resp = client.post(f"/hoi-vien/{member.id}/huy-ra-khoi-hoi", data={"reason": "Thử"})
    assert resp.status_code == 422 and "đang sinh hoạt" in resp.get_data(as_text=True)
    assert _count() == n and len(db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_id == member.id, AuditEntry.object_type == "member")).all()) == 1


# ---- the duplicate check -----------------------------------------------------------------------

def test_the_duplicate_check_skips_the_persons_own_rows_but_not_someone_typed_in_again(world, as_user):
    old = _leaver(world, birth_year=1958)
    values = services.check_fields(name="Nguyễn Văn Hồi", birth_year=1958)
    assert [m.id for m in services.likely_duplicates(world.branch, values)] == [old.id]  # the list's check flags it
    assert status.return_duplicates(old, world.branch) == []  # a return does not
    typed = make_member(world.branch, "Nguyễn Văn Hồi", birth_year=1958, joined_on=date(2025, 1, 1))
    client = as_user(world.users["clerk"])
    n = _count()
    resp = _back(client, old)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Có thể trùng với" in text and f'href="/hoi-vien/{typed.id}"' in text
    assert f'href="/hoi-vien/{old.id}">' not in text.split("Có thể trùng với")[1].split("</ul>")[0]
    assert _count() == n
    assert _back(client, old, not_duplicate="y").status_code == 303
    new = _new_row(old)
    # A later return from the new row skips both earlier rows of the person, the hand-typed one still shown.
    end_member(new, ended_on=date(2026, 6, 1))
    assert [m.id for m in status.return_duplicates(new, world.branch)] == [typed.id]
    assert status.spell_ids(new) == [old.id, new.id] and status.spell_ids(old) == [old.id, new.id]


# ---- dues ----------------------------------------------------------------------------------------

def test_the_lapsed_list_owes_the_return_from_its_joining_and_never_lists_the_old_row(world, as_user):
    old = _leaver(world)
    payer = make_member(world.branch, "Phạm Văn Đóng", joined_on=date(2015, 1, 1), commit=False)
    dues.save_setting(world.branch, enabled=True, amount=20_000, fund_id=None, share_up=0, lapsed_after=1,
                      new_fund=True)
    dues.collect(world.branch, year=2021, member_ids=[payer.id], collected_on=date(2026, 3, 10),
                 collector="Chi hội trưởng", control_total=20_000)
    db.session.commit()
    _back(as_user(world.users["clerk"]), old)
    new = _new_row(old)
    members, rows = dues_queries.lapsed_page(world.branch, 2026, 1, 50)
    owed = {r["member"].id: r["years"] for r in rows}
    assert owed == {payer.id: [2022, 2023, 2024, 2025, 2026], new.id: [2026]}  # payer: the positive control
    assert old.id not in dues_queries.lapsed_index(world.branch, 2022)[0]
    assert new.id not in dues_queries.lapsed_index(world.branch, 2025)[0]  # not a member yet in 2025


# ---- undoing a mistaken end ----------------------------------------------------------------------

def test_a_mistaken_end_is_undone_on_its_row_with_a_reason_and_audited(world, as_user):
    member = _leaver(world)
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoi-vien/{member.id}/huy-ra-khoi-hoi").get_data(as_text=True)
    assert "Hủy ghi nhận ra khỏi hội" in page and 'id="reason"' in page
    bad = client.post(f"/hoi-vien/{member.id}/huy-ra-khoi-hoi", data={"reason": ""}, htmx=True)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="reason-err"' in text and "<html" not in text and 'id="reopen-form"' in text
    ok = client.post(f"/hoi-vien/{member.id}/huy-ra-khoi-hoi", data={"reason": "Ghi nhầm người"}, htmx=True)
    assert ok.status_code == 200 and ok.headers["HX-Redirect"] == f"/hoi-vien/{member.id}"
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert (member.status, member.joined_on, member.ended_on, member.end_reason, member.number) == (
        "active", date(2015, 3, 1), None, "", 1)
    assert _rolls(world) == {y: 1 for y in YEARS}  # the end never happened
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.object_id == member.id,
                                                        AuditEntry.object_type == "member")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.action == "reopen" and entry.after["reason"] == "Ghi nhầm người"
    assert entry.before["ended_on"] == "2022-05-01" and entry.before["status"] == "left"


def test_a_real_end_followed_by_a_return_cannot_be_undone(world, as_user):
    old = _leaver(world)
    client = as_user(world.users["clerk"])
    _back(client, old)
    resp = client.post(f"/hoi-vien/{old.id}/huy-ra-khoi-hoi", data={"reason": "Nhầm"})
    assert resp.status_code == 422 and "không hủy được" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Member, old.id).status == "left"


# ---- plain and htmx, scope and roles -----------------------------------------------------------

def test_return_through_htmx_redirects_and_a_refusal_answers_the_fragment(world, as_user):
    old = _leaver(world)
    client = as_user(world.users["clerk"])
    page = client.get(f"/hoi-vien/{old.id}/sinh-hoat-lai", htmx=True).get_data(as_text=True)
    assert 'id="rejoin-form"' in page and "<html" not in page
    full = client.get(f"/hoi-vien/{old.id}/sinh-hoat-lai").get_data(as_text=True)
    assert "<html" in full and "Ghi Nguyễn Văn Hồi vào hội lại" in full and 'name="idem_key"' in full
    bad = _back(client, old, joined_on="2020-01-01", htmx=True)
    assert bad.status_code == 422 and "<html" not in bad.get_data(as_text=True)
    ok = _back(client, old, htmx=True)
    assert ok.status_code == 200 and ok.headers["HX-Redirect"] == f"/hoi-vien/{_new_row(old).id}"


def test_another_communes_member_or_unit_is_404_and_nothing_is_written(app, world, as_user):
    old = _leaver(world)
    theirs = _leaver(world, unit=world.other_branch)
    client = as_user(world.users["clerk"])
    n = _count()
    for path in (f"/hoi-vien/{theirs.id}/sinh-hoat-lai", f"/hoi-vien/{theirs.id}/huy-ra-khoi-hoi"):
        assert client.get(path).status_code == 404, path
    assert _back(client, theirs).status_code == 404
    assert client.post(f"/hoi-vien/{theirs.id}/huy-ra-khoi-hoi", data={"reason": "x"}).status_code == 404
    assert _back(client, old, unit=world.other_branch).status_code == 404  # a unit outside the scope
    branch_client = _client_of(app, world.branch_user)
    assert _back(branch_client, old, unit=world.commune).status_code == 404  # above the branch user
    assert _count() == n and _new_row(old) is None and db.session.get(Member, theirs.id).status == "left"


def test_a_viewer_is_refused_both_actions(world, as_user):
    old = _leaver(world)
    client = as_user(world.users["viewer"])
    page = client.get(f"/hoi-vien/{old.id}").get_data(as_text=True)
    assert "Đã ra khỏi hội" in page and "/sinh-hoat-lai" not in page and "/huy-ra-khoi-hoi" not in page
    for path in (f"/hoi-vien/{old.id}/sinh-hoat-lai", f"/hoi-vien/{old.id}/huy-ra-khoi-hoi"):
        assert client.get(path).status_code == 403, path
        assert client.post(path, data={"reason": "x", "joined_on": "2026-02-01",
                                       "unit_id": str(world.branch.id)}).status_code == 403, path
    db.session.expire_all()
    assert _new_row(old) is None and db.session.get(Member, old.id).status == "left"
