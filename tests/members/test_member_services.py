"""The register's services: numbering per unit, checks, bulk numbering, ending and rejoining, audit."""
from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.core import clock
from app.extensions import db
from app.members import services, status
from app.members.models import Member, MemberCounter
from app.members.queries import member_query, on_roll
from tests.factories_members import end_member, make_member, make_members


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_numbers_run_per_unit(world):
    a1 = make_member(world.commune, "Nguyễn Văn An")
    a2 = make_member(world.commune, "Trần Thị Bình")
    b1 = make_member(world.branch, "Lê Văn Châu")
    assert (a1.number, a2.number, b1.number) == (1, 2, 1)


def test_number_of_a_member_who_left_is_never_given_again(world):
    first = make_member(world.commune, "Nguyễn Văn An")
    end_member(first)
    second = make_member(world.commune, "Trần Thị Bình")
    assert second.number == 2 and db.session.get(Member, first.id).number == 1


def test_given_number_must_be_free_and_moves_the_counter_past_it(world):
    make_member(world.commune, "Nguyễn Văn An", number=10)
    assert make_member(world.commune, "Trần Thị Bình").number == 11
    with pytest.raises(services.MemberError) as err:
        services.create_member(world.commune, name="Lê Văn Châu", number=10)
    assert err.value.field == "number" and "10" in str(err.value)
    db.session.rollback()
    assert make_member(world.commune, "Lê Văn Châu", number=3).number == 3  # free below the counter
    assert make_member(world.commune, "Phạm Văn Dũng").number == 12


def test_bulk_numbering_is_one_series_skipping_given_numbers(world):
    make_member(world.commune, "Nguyễn Văn An")  # number 1
    rows = [services.check_fields(name=n, birth_year=1970) for n in ("Trần Văn Bình", "Lê Thị Châu", "Võ Văn Đào")]
    rows[1]["number"] = 3
    ids = services.bulk_create_members(world.commune, rows)
    db.session.commit()
    numbers = [db.session.get(Member, i).number for i in ids]
    assert numbers == [2, 3, 4]
    assert db.session.get(MemberCounter, world.commune.id).next_number == 5
    assert [db.session.get(Member, i).full_name for i in ids] == ["Trần Văn Bình", "Lê Thị Châu", "Võ Văn Đào"]


def test_bulk_create_leaves_one_audit_row_per_member(world):
    before = _count(AuditEntry, AuditEntry.object_type == "member")
    ids = make_members(world.branch, 30)
    assert len(ids) == 30 and _count(Member, Member.unit_id == world.branch.id) == 30
    assert _count(AuditEntry, AuditEntry.object_type == "member", AuditEntry.action == "create") == before + 30


def test_check_fields_splits_the_name_and_fills_the_keys():
    values = services.check_fields(name="  tôn nữ  Thị Minh Khuê ", birth_year="1958", gender="Nữ",
                                   occupation="Cựu chiến binh", village="Thôn Đông", phone="+84 912 345 678",
                                   joined_on=date(2020, 1, 1))
    assert (values["ho"], values["dem"], values["ten"]) == ("tôn nữ", "Thị Minh", "Khuê")
    assert values["search_key"] == "ton nu thi minh khue" and values["village_key"] == "thon dong"
    assert values["phone_key"] == "0912345678" and values["gender"] == "female"
    assert values["occupation"] == "veteran" and values["birth_year"] == 1958


@pytest.mark.parametrize("fields, field, words", [
    ({"name": "  "}, "name", "Vui lòng nhập họ và tên"),
    ({"name": "Nguyễn Văn An", "birth_year": "1850"}, "birth_year", "Năm sinh phải từ 1900"),
    ({"name": "Nguyễn Văn An", "birth_year": "năm mươi"}, "birth_year", "4 chữ số"),
    ({"name": "Nguyễn Văn An", "gender": "x"}, "gender", "Giới tính không hợp lệ"),
    ({"name": "Nguyễn Văn An", "occupation": "pilot"}, "occupation", "Nhóm nghề nghiệp"),
    ({"name": "Nguyễn Văn An", "phone": "12"}, "phone", "Số điện thoại không hợp lệ"),
    ({"name": "Nguyễn Văn An", "birth_year": 1990, "joined_on": date(1980, 1, 1)}, "joined_on", "trước năm sinh"),
    ({"name": "Nguyễn Văn An", "note": "x" * 501}, "note", "dài quá 500"),
])
def test_check_fields_refuses_with_a_message_for_the_field(app, fields, field, words):
    with pytest.raises(services.MemberError) as err:
        services.check_fields(**fields)
    assert err.value.field == field and words in str(err.value)


def test_joined_in_the_future_is_refused(app):
    with pytest.raises(services.MemberError) as err:
        services.check_fields(name="Nguyễn Văn An", joined_on=date(clock.today().year + 1, 1, 1))
    assert err.value.field == "joined_on"


def test_end_and_reopen_keep_the_number_and_the_joining_date_and_are_audited(world):
    member = make_member(world.commune, "Nguyễn Văn An", joined_on=date(2010, 5, 1))
    with pytest.raises(services.MemberError) as err:
        services.end_membership(member, status="left", ended_on=date(2024, 1, 1), reason=" ")
    assert err.value.field == "reason"
    db.session.rollback()
    end_member(member, status="deceased", ended_on=date(2024, 1, 1), reason="Từ trần")
    assert member.status == "deceased" and member.ended_on == date(2024, 1, 1)
    with pytest.raises(services.MemberError):
        services.end_membership(member, status="left", ended_on=date(2024, 2, 1), reason="x")
    db.session.rollback()
    with pytest.raises(services.MemberError) as err:  # the deceased do not "return"
        status.rejoin(member, joined_on=date(2025, 1, 1))
    assert err.value.field == "joined_on" and "từ trần" in str(err.value)
    db.session.rollback()
    with pytest.raises(services.MemberError) as err:
        status.reopen(member, reason="")
    assert err.value.field == "reason"
    db.session.rollback()
    status.reopen(member, reason="Ghi nhầm người")
    db.session.commit()
    assert (member.status, member.ended_on, member.number, member.joined_on) == ("active", None, 1, date(2010, 5, 1))
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == member.id,
                                                                 AuditEntry.object_type == "member")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["create", "end", "reopen"]


def test_update_changes_fields_not_the_number(world):
    member = make_member(world.commune, "Nguyễn Văn An")
    services.update_member(member, name="Nguyễn Văn Ân", village="Thôn Bắc")
    db.session.commit()
    assert member.full_name == "Nguyễn Văn Ân" and member.search_key == "nguyen van an"
    assert member.village_key == "thon bac" and member.number == 1 and member.birth_year == 1960
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.before["name"] == "Nguyễn Văn An" and entry.after["name"] == "Nguyễn Văn Ân"


def test_on_roll_counts_members_at_year_end(world):
    stay = make_member(world.commune, "Nguyễn Văn An", joined_on=date(2019, 1, 1))
    gone = make_member(world.commune, "Trần Văn Bình", joined_on=date(2019, 1, 1))
    end_member(gone, ended_on=date(2024, 12, 31))
    make_member(world.commune, "Lê Văn Châu", joined_on=date(2025, 1, 1))
    ids_2024 = set(db.session.scalars(member_query(world.commune, on_roll_in=2024).with_only_columns(Member.id)))
    assert ids_2024 == {stay.id}
    assert _count(Member, on_roll(2023)) == 2


def test_likely_duplicates_match_the_folded_name_and_year(world):
    first = make_member(world.commune, "Nguyễn Văn Ân", birth_year=1960)
    found = services.likely_duplicates(world.commune, services.check_fields(name="nguyen van an", birth_year=1960))
    assert [m.id for m in found] == [first.id]
    assert not services.likely_duplicates(world.commune, services.check_fields(name="nguyen van an", birth_year=1961))
    assert not services.likely_duplicates(world.branch, services.check_fields(name="nguyen van an", birth_year=1960))
    assert not services.likely_duplicates(world.commune, services.check_fields(name="Nguyễn Văn Ẩn", birth_year=1960))
