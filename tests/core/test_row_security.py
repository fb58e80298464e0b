"""Row-level security, the second lock (issue 20 C, app/core/rls.py, migration 0037).

PostgreSQL only: SQLite has no roles or policies. On PostgreSQL every test's app acts as skh_app
(tests/conftest.py), so the authorisation proof and the matrix run with the policies on; these
tests check the policies themselves with raw SQL, past every check of the app's.
"""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.core import rls
from app.extensions import db
from tests.conftest import PG_URL, login
from tests.factories_donations import make_campaign, make_donation, make_donor

pytestmark = pytest.mark.skipif(not PG_URL, reason="row-level security is PostgreSQL's (TEST_DATABASE_URL)")


def test_the_app_acts_as_a_role_that_owns_nothing(app):
    role, superuser, bypass = db.session.execute(text(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")).one()
    assert role == rls.ROLE and not superuser and not bypass
    owned = db.session.scalar(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
                                   "AND tableowner = current_user"))
    assert owned == 0


def test_every_table_with_a_unit_has_its_policy(app):
    tables = rls.unit_tables(db.session.connection())
    assert len(tables) >= 40, tables  # the schema was read: the check below is not over nothing
    assert rls.unprotected(db.session.connection()) == [], "tables with a unit_id and no row policy"


def test_the_check_finds_a_table_without_a_policy(app):
    """Positive control: a new table with a unit_id is reported until policy_statements covers it."""
    owner = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])  # the login role: the owner
    with owner.connect() as conn:
        conn.execute(text("CREATE TABLE rls_probe (id serial PRIMARY KEY, unit_id integer NOT NULL)"))
        assert "rls_probe" in rls.unprotected(conn)
        for statement in rls.policy_statements("rls_probe"):
            conn.execute(text(statement))
        assert "rls_probe" not in rls.unprotected(conn)
        conn.rollback()  # DDL is transactional: the probe never existed for anyone else
    owner.dispose()


def _two_communes(world):
    gifts = {}
    for unit in (world.commune, world.other_commune):
        campaign = make_campaign(unit, name=f"Quỹ {unit.name}")
        gifts[unit.id] = make_donation(campaign, amount=200_000).id
    db.session.commit()
    return gifts


def _donation_units():
    return set(db.session.scalars(text("SELECT unit_id FROM donation")))


def test_a_communes_scope_sees_none_of_another_communes_rows(app, world):
    a, b = world.commune, world.other_commune
    gifts = _two_communes(world)
    db.session.commit()
    with rls.unit_scope(a.path):
        assert _donation_units() == {a.id}
        assert db.session.scalar(text("SELECT count(*) FROM donation WHERE id = :i"), {"i": gifts[b.id]}) == 0
        assert db.session.scalar(text("SELECT count(*) FROM ledger_entry WHERE unit_id = :u"), {"u": b.id}) == 0
        # An UPDATE aimed at the other commune's row finds nothing to change.
        changed = db.session.execute(text("UPDATE donor SET name = 'x' WHERE unit_id = :u"), {"u": b.id})
        assert changed.rowcount == 0
    db.session.rollback()
    with rls.unit_scope(world.province.path):
        assert _donation_units() == {a.id, b.id}  # the province sees both its communes
    db.session.rollback()
    assert _donation_units() == {a.id, b.id}  # crossing (the tests' own, tests/conftest.py) sees all


COPIED = "kind, name, search_key, name_key, address, address_key, phone, phone_key, note, created_at"


def test_a_communes_scope_cannot_write_into_another_commune(app, world):
    a, b = world.commune, world.other_commune
    mine = make_donor(a, name="Người của xã A")
    db.session.commit()
    with rls.unit_scope(a.path), pytest.raises(DBAPIError, match="row-level security"):
        db.session.execute(text(f"INSERT INTO donor (unit_id, {COPIED}) SELECT :u, {COPIED} FROM donor WHERE id = :i"),
                           {"u": b.id, "i": mine.id})
    db.session.rollback()
    with rls.unit_scope(a.path):  # the control: the same INSERT into its own commune is accepted
        db.session.execute(text(f"INSERT INTO donor (unit_id, {COPIED}) SELECT :u, {COPIED} FROM donor WHERE id = :i"),
                           {"u": a.id, "i": mine.id})
    db.session.rollback()
    with rls.unit_scope(a.path), pytest.raises(DBAPIError, match="row-level security"):
        db.session.execute(text("UPDATE donor SET unit_id = :u WHERE id = :i"), {"u": b.id, "i": mine.id})
    db.session.rollback()


def test_a_branch_sees_the_gifts_it_collected_for_the_unit_above(app, world):
    """RULES' exceptions: the gift (collector_unit_id), its donor and the drive above are readable
    from the branch; the commune's ledger and its other gifts are not."""
    campaign = make_campaign(world.commune, name="Quỹ của xã")
    collected = make_donation(campaign, amount=300_000, collector_unit=world.branch, name="Người góp qua chi hội")
    make_donation(campaign, amount=100_000, name="Người góp ở xã")
    db.session.commit()
    with rls.unit_scope(world.branch.path):
        assert set(db.session.scalars(text("SELECT id FROM donation"))) == {collected.id}
        assert set(db.session.scalars(text("SELECT name FROM donor"))) == {"Người góp qua chi hội"}
        assert db.session.scalar(text("SELECT count(*) FROM campaign WHERE id = :c"), {"c": campaign.id}) == 1
        assert db.session.scalar(text("SELECT count(*) FROM ledger_entry")) == 0
    db.session.rollback()


def test_no_scope_sees_nothing(app, world):
    _two_communes(world)
    with rls._entered(rls.NOTHING):
        assert _donation_units() == set()
        assert db.session.scalar(text("SELECT count(*) FROM user_account")) == 0
    db.session.rollback()


def _prober(app):
    """A page that notes what a request sees: its transaction's settings and the donations' units.
    Returns seen, refilled by every request to /_rls_probe (register it before the first request)."""
    seen = {}

    @app.get("/_rls_probe")
    def _probe_view():
        from flask_login import current_user

        current_user.is_authenticated  # the user is loaded (the request's own hooks did already)
        seen["settings"] = tuple(db.session.execute(text(
            "SELECT current_setting('skh.scope', true), current_setting('skh.cross', true)")).one())
        seen["units"] = _donation_units()
        return "ok"

    return seen


def _probe(app, client, user) -> dict:
    """What a request of `user`'s sees: its transaction's settings and the donations' units."""
    seen = _prober(app)
    if user is not None:
        login(client, user)
    assert client.get("/_rls_probe").status_code == 200
    return seen


def test_a_request_sees_its_users_unit_only_once_the_user_is_known(app, world, client):
    """The user loader crosses only to read the account; the request then holds the user's scope,
    and the transaction's settings say so (not the crossing that loaded the user)."""
    _two_communes(world)
    seen = _probe(app, client, world.users["viewer"])
    assert seen["settings"] == (world.commune.path, "off")
    assert seen["units"] == {world.commune.id}


def test_an_anonymous_request_sees_no_units_rows(app, world, client):
    _two_communes(world)
    seen = _probe(app, client, None)
    assert seen["settings"] == ("", "off")
    assert seen["units"] == set()


def test_the_only_top_units_user_sees_the_whole_database_as_such(app, world, client):
    """The province is the only top unit: its subtree is every row, said as a crossing (no probe per row)."""
    _two_communes(world)
    seen = _probe(app, client, world.province_admin)
    assert seen["settings"] == (world.province.path, "on")
    assert seen["units"] == {world.commune.id, world.other_commune.id}


def test_the_list_query_stays_cheap(app, world):
    """The policy adds one index range on unit.path (a hashed subplan), not a scan per row."""
    _two_communes(world)
    with rls.unit_scope(world.commune.path):
        plan = "\n".join(db.session.scalars(text(
            "EXPLAIN SELECT id FROM donation WHERE unit_id = :u ORDER BY donation_date DESC LIMIT 50"),
            {"u": world.commune.id}))
    db.session.rollback()
    assert "hashed SubPlan" in plan, plan


def test_every_command_typed_on_the_server_crosses_units_saying_so(app):
    import click

    def walk(group):
        for command in group.commands.values():
            yield command
            if isinstance(command, click.Group):
                yield from walk(command)

    bare = [c.name for c in walk(app.cli) if c.callback and not getattr(c.callback, "_rls_crossing", False)]
    assert not bare, f"commands that would run with no scope: {bare}"
    seen = []

    @app.cli.command("rls-probe")
    def _rls_probe():
        seen.append(rls.reason())

    rls.cross_cli_commands(app)
    result = app.test_cli_runner().invoke(args=["rls-probe"])
    assert result.exit_code == 0, result.output
    assert seen == ["the command line: flask rls-probe"]  # not the tests' own crossing


def test_a_commune_reads_the_old_names_of_the_units_above_not_another_communes(app, world):
    """A report's heading names the units above by the name they had (unit_name, read upwards); the
    names another commune bore stay behind its policy (the control: the same read of the unit above)."""
    from datetime import date

    from app.units import merging, names

    old_province, old_other = world.province.name, world.other_commune.name
    merging.rename(world.province, "Hội Khuyến học tỉnh Đổi Tên", date(2026, 1, 1), world.province_admin)
    merging.rename(world.other_commune, "Hội Khuyến học xã Đổi Tên", date(2026, 1, 1), world.province_admin)
    db.session.commit()
    with rls.unit_scope(world.commune.path):
        assert names.name_on(world.province, date(2025, 6, 1)) == old_province
        assert names.names_on(date(2025, 6, 1), [world.other_commune.id]) == {}
    db.session.rollback()
    assert names.name_on(world.other_commune, date(2025, 6, 1)) == old_other  # crossing: it is there


# --- when the scope is sent (one set_config a request, and again only when the context changes) ---

def _settings():
    return tuple(db.session.execute(text(
        "SELECT current_setting('skh.scope', true), current_setting('skh.cross', true)")).one())


def test_a_change_of_scope_inside_a_transaction_holds_from_the_next_statement(app, world):
    a = world.commune
    _two_communes(world)
    with rls.cross_units("test: the transaction begins crossing"):
        assert _settings() == ("", "on")
        with rls.unit_scope(a.path):
            assert _settings() == (a.path, "off")
            assert _donation_units() == {a.id}
        assert _settings() == ("", "on")  # leaving the block sends the crossing back
        assert _donation_units() == {a.id, world.other_commune.id}
    with rls._entered(rls.NOTHING):
        assert _donation_units() == set()
    db.session.rollback()


def test_a_rolled_back_savepoint_does_not_leave_the_scope_it_undid(app, world):
    """ROLLBACK TO SAVEPOINT undoes a set_config sent after the savepoint: the transaction would be
    back to the crossing it began with while the code is in one commune's scope, unless the scope is
    sent again (the control below shows the server's settings did go back)."""
    a = world.commune
    _two_communes(world)
    with rls.cross_units("test: the transaction begins crossing"):
        db.session.execute(text("SELECT 1"))
        savepoint = db.session.begin_nested()
        with rls.unit_scope(a.path):
            assert _donation_units() == {a.id}  # the commune's scope is sent after the savepoint
            savepoint.rollback()
            raw = db.session.connection().connection.driver_connection
            assert raw.execute("SELECT current_setting('skh.cross', true)").fetchone() == ("on",)
            assert _donation_units() == {a.id}
            assert _settings() == (a.path, "off")
    db.session.rollback()


@pytest.fixture
def set_configs(monkeypatch):
    """The set_config round trips sent on the driver's connections while the test runs."""
    import psycopg

    sent = []
    execute = psycopg.Connection.execute

    def spy(self, query, *args, **kwargs):
        if "set_config('skh.scope'" in str(query):
            sent.append(tuple(args[0][:2]) if args else None)  # the scope (a request's adds its timeout)
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", spy)
    return sent


def test_a_signed_in_request_sends_its_scope_once(app, world, client, set_configs):
    """The user loader's read and the request's own statements share one set_config: the account is
    read in the scope this process last saw the user in, which is the one the request then keeps."""
    _two_communes(world)
    seen = _prober(app)
    path, unit_id = world.commune.path, world.commune.id
    login(client, world.users["viewer"])
    assert client.get("/_rls_probe").status_code == 200  # once: the loader has seen the user
    db.session.commit()
    set_configs.clear()
    assert client.get("/_rls_probe").status_code == 200
    assert set_configs == [(path, "off")]  # the request's one transaction, set as it began
    assert seen["settings"] == (path, "off")
    assert seen["units"] == {unit_id}


def test_a_user_moved_to_another_unit_gets_the_new_units_scope(app, world, client):
    """The scope the loader guessed from the last request (commune A) is only where it looks for the
    account: once the user has moved, the account is found crossing and the request holds commune B."""
    from app.auth import _scope_hints

    _two_communes(world)
    user = world.users["viewer"]
    seen = _prober(app)
    login(client, user)
    assert client.get("/_rls_probe").status_code == 200
    assert _scope_hints[user.id] == (world.commune.path, False)
    db.session.commit()
    db.session.execute(text("UPDATE user_account SET unit_id = :u WHERE id = :i"),
                       {"u": world.other_commune.id, "i": user.id})
    db.session.commit()
    db.session.expire_all()
    assert client.get("/_rls_probe").status_code == 200
    assert seen["settings"] == (world.other_commune.path, "off")
    assert seen["units"] == {world.other_commune.id}
    assert _scope_hints[user.id] == (world.other_commune.path, False)


def test_the_only_top_units_admin_also_sends_one_set_config(app, world, client, set_configs):
    """Whether the user's unit is the whole database is asked under the guessed scope too: nothing
    is sent between the account's read and the request's own statements."""
    _two_communes(world)
    seen = _prober(app)
    path = world.province.path
    login(client, world.province_admin)
    assert client.get("/_rls_probe").status_code == 200
    db.session.commit()
    set_configs.clear()
    assert client.get("/_rls_probe").status_code == 200
    assert set_configs == [(path, "on")]
    assert seen["settings"] == (path, "on")


def test_connections_run_without_jit(app):
    """The policies' subqueries push ordinary lists over jit_above_cost; compiling cost more than the
    query (app/core/rls.py). The server's default is on: the app's connections turn it off."""
    assert db.session.scalar(text("SHOW jit")) == "off"
    owner = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])  # control: a connection of no app
    with owner.connect() as conn:
        assert conn.scalar(text("SHOW jit")) == "on"
    owner.dispose()


def test_a_requests_statements_end_with_the_request(app):
    """In a request a statement is cancelled after REQUEST_STATEMENT_TIMEOUT (gunicorn gives up on
    the request then); work outside requests (the worker's prints, backups) keeps the server's."""
    with app.test_request_context("/"):
        assert db.session.scalar(text("SHOW statement_timeout")) == rls.REQUEST_STATEMENT_TIMEOUT
        db.session.rollback()
    db.session.remove()
    assert db.session.scalar(text("SHOW statement_timeout")) == "0"
    assert db.session.scalar(text("SHOW work_mem")) == "64MB"  # room to hash a policy's subplan
