"""Row-level security for rows that belong to a parent row (app/core/rls_children.py, migration 0038).

PostgreSQL only. A pupil's results, a member's dues payments, a user's roles: visible exactly when
their parent row is, and written only under the parent's own unit.
"""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.core import rls, rls_children
from app.extensions import db
from tests.conftest import PG_URL
from tests.factories import make_user
from tests.factories_scholarships import make_pupil

pytestmark = pytest.mark.skipif(not PG_URL, reason="row-level security is PostgreSQL's (TEST_DATABASE_URL)")


def test_every_dependent_table_is_covered_or_exempt(app):
    conn = db.session.connection()
    dependent = rls_children.dependent_tables(conn)
    assert {"pupil_result", "dues_payment", "user_role"} <= set(dependent)  # the schema was read
    assert rls_children.uncovered(conn) == [], "tables of a parent under a policy, with no policy of their own"
    assert set(rls_children.CHILDREN) <= set(dependent), "CHILDREN names a table that no longer depends"


def test_the_check_finds_a_dependent_table_without_a_policy(app):
    """Positive control: a new table pointing at pupil is reported until it is covered."""
    owner = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])  # the login role: the owner
    with owner.connect() as conn:
        conn.execute(text("CREATE TABLE rls_child_probe (id serial PRIMARY KEY, "
                          "pupil_id integer NOT NULL REFERENCES pupil(id))"))
        assert "rls_child_probe" in rls_children.uncovered(conn)
        rls_children.CHILDREN["rls_child_probe"] = (("pupil_id", "pupil"),)
        try:
            for statement in rls_children.child_policy_statements("rls_child_probe"):
                conn.execute(text(statement))
        finally:
            del rls_children.CHILDREN["rls_child_probe"]
        assert "rls_child_probe" not in rls_children.uncovered(conn)
        conn.rollback()
    owner.dispose()


def _results(pupils: dict) -> dict:
    for unit_id, pupil in pupils.items():
        db.session.execute(text("INSERT INTO pupil_result (pupil_id, school_year, grade_word, old_text, note) "
                                "VALUES (:p, '2025-2026', 'Tốt', '', '')"), {"p": pupil})
    db.session.commit()
    return {r.pupil_id: r.id for r in db.session.execute(text("SELECT id, pupil_id FROM pupil_result"))}


def test_a_pupils_results_follow_the_pupil(app, world):
    a, b = world.commune, world.other_commune
    pupils = {u.id: make_pupil(u, "Nguyễn Thị Ánh").id for u in (a, b)}
    results = _results(pupils)
    with rls.unit_scope(a.path):
        seen = set(db.session.scalars(text("SELECT pupil_id FROM pupil_result")))
        assert seen == {pupils[a.id]}
        changed = db.session.execute(text("UPDATE pupil_result SET note = 'x' WHERE id = :i"),
                                     {"i": results[pupils[b.id]]})
        assert changed.rowcount == 0
    db.session.rollback()
    with rls.unit_scope(world.province.path):  # the province sees both communes' pupils' results
        assert set(db.session.scalars(text("SELECT pupil_id FROM pupil_result"))) == set(pupils.values())
    db.session.rollback()


def test_a_result_cannot_be_written_for_another_communes_pupil(app, world):
    a, b = world.commune, world.other_commune
    other = make_pupil(b, "Lê Văn Ẩn").id
    db.session.commit()
    with rls.unit_scope(a.path):
        with pytest.raises(DBAPIError, match="row-level security"):
            db.session.execute(text("INSERT INTO pupil_result (pupil_id, school_year, grade_word, old_text, note) "
                                    "VALUES (:p, '2025-2026', 'Tốt', '', '')"), {"p": other})
    db.session.rollback()
    mine = make_pupil(a, "Trần Văn Ân").id
    db.session.commit()
    with rls.unit_scope(a.path):  # control: the commune's own pupil takes the same row
        db.session.execute(text("INSERT INTO pupil_result (pupil_id, school_year, grade_word, old_text, note) "
                                "VALUES (:p, '2025-2026', 'Tốt', '', '')"), {"p": mine})
    db.session.commit()


def test_roles_read_like_their_accounts_and_are_written_only_below(app, world):
    """An account of the unit above may be read (records name who approved them), so may its roles;
    giving it a role is the unit above's business."""
    a = world.commune
    mine = make_user(a, role="clerk", username="xa_a_clerk")
    above = make_user(world.province, role="admin", username="tinh_admin_x")
    other = make_user(world.other_commune, role="clerk", username="xa_b_clerk")
    db.session.commit()
    ids = (mine.id, above.id, other.id)
    with rls.unit_scope(a.path):
        seen = set(db.session.scalars(text("SELECT user_id FROM user_role WHERE user_id IN :ids")
                                      .bindparams(db.bindparam("ids", expanding=True)), {"ids": list(ids)}))
        assert seen == {mine.id, above.id}
        with pytest.raises(DBAPIError, match="row-level security"):
            with db.session.begin_nested():
                db.session.execute(text("INSERT INTO user_role (user_id, role) VALUES (:u, 'treasurer')"),
                                   {"u": above.id})
        db.session.execute(text("INSERT INTO user_role (user_id, role) VALUES (:u, 'treasurer')"), {"u": mine.id})
    db.session.rollback()
