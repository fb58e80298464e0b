"""Separation of duties visible, not impossible: one person who issues and pays is named in the audit."""
from sqlalchemy import select

from app.audit.duties import same_person
from app.audit.models import AuditEntry
from app.commendations import prizes
from app.commendations.models import Honoree
from app.extensions import db
from tests.conftest import login
from tests.factories import make_user
from tests.factories_commendations import add, make_decision
from tests.factories_funds import give, make_fund

PREFIX = "/khen-thuong"


def _entry(action, object_id):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                       AuditEntry.object_id == object_id)
                              .order_by(AuditEntry.id.desc())).first()


def _draft(world):
    fund = make_fund(world.commune)
    give(fund, 5_000_000)
    d = make_decision(world.commune, fund=fund, payment_mode="each")
    return d, add(d, "Nguyễn Thị Đào", amount=500_000)


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_helper_names_the_person_only_when_the_actor_took_the_first_step(world):
    admin, treasurer = world.users["admin"], world.users["treasurer"]
    assert same_person(admin.id, first="duyệt", second="chi", actor=admin) == {
        "same_person": f"Người duyệt và người chi là một: {admin.full_name}"}
    assert same_person(admin.id, first="duyệt", second="chi", actor=treasurer) == {}
    assert same_person(None, first="duyệt", second="chi", actor=admin) == {}
    assert same_person(admin.id, first="duyệt", second="chi") == {}  # no request, no actor


def test_chair_who_issues_and_pays_again_is_named_in_both_entries(app, world):
    chair = make_user(world.commune, roles=["admin", "treasurer"], full_name="Võ Thị Kim Loan")
    d, dao = _draft(world)
    client = _client(app, chair)
    assert client.post(f"{PREFIX}/quyet-dinh/{d.id}/ban-hanh").status_code == 303
    note = "Người ban hành và người chi là một: Võ Thị Kim Loan"
    assert _entry("issue", d.id).after["same_person"] == note
    prizes.reverse_prize(db.session.get(Honoree, dao.id), "Trao nhầm ngày")
    db.session.commit()
    resp = client.post(f"{PREFIX}/nguoi/{dao.id}/chi-lai-thuong", data={"paid_on": "2026-03-20", "idem_key": "c" * 32})
    assert resp.status_code == 303
    assert _entry("pay_prize", dao.id).after["same_person"] == note


def test_a_different_treasurer_paying_again_leaves_no_note(app, world):
    d, dao = _draft(world)
    assert _client(app, world.users["admin"]).post(f"{PREFIX}/quyet-dinh/{d.id}/ban-hanh").status_code == 303
    prizes.reverse_prize(db.session.get(Honoree, dao.id), "Trao nhầm ngày")
    db.session.commit()
    resp = _client(app, world.users["treasurer"]).post(f"{PREFIX}/nguoi/{dao.id}/chi-lai-thuong",
                                                      data={"paid_on": "2026-03-20", "idem_key": "d" * 32})
    assert resp.status_code == 303
    assert "same_person" not in _entry("pay_prize", dao.id).after
