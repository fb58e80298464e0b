"""Proof: nobody outside the owning unit changes a shared record (issue 15, finding 3).

Every model without a unit says who changes it (app.core.owners, tests/core/test_model_owners.py).
For each model declared shared, every POST route its declaration names (`Shared.routes`, matched
against the URL map) is sent a submission that works, aimed at a shared record made afresh for the
route, by each role (admin, treasurer, clerk, viewer) of both communes: units below the top unit,
which owns the shared rows. An attempt is accepted when it changes the model's shared rows (read
from the table before and after) or is answered 2xx/3xx by a route that writes them. The same
submission sent by the top unit's admin is the control: a route whose control changes the shared
rows is one of the model's write routes, and its control must be accepted; a route whose control
leaves them alone (a commune making its own copy) reads the shared record and writes only its own.
"""
from sqlalchemy import select

from app.core import owners
from app.extensions import db
from tests.authz import ALL
from tests.factories import make_user
from tests.proofs import support as S
from tests.proofs.catalog import Catalog
from tests.proofs.report import report
from tests.proofs.specs import n
from tests.proofs.world import proof_world

ROLES = sorted(ALL)


def _fresh_criteria_set(world):
    from tests.factories_commendations import make_set

    return make_set(name=f"Bộ tiêu chí dùng chung {n()}")


# A shared model -> (the URL argument naming one of its records, a fresh shared record for a route).
# A shared model missing here fails the proof: say how to make one of its records.
TARGETS = {"criteria_set": ("set_id", _fresh_criteria_set)}


def _shared_rows(model) -> set:
    table = model.__table__
    stmt = select(table)
    if "unit_id" in table.c:
        stmt = stmt.where(table.c.unit_id.is_(None))
    rows = {tuple(S._freeze(v) for v in r) for r in db.session.execute(stmt)}
    db.session.commit()  # end the read: the next request must see fresh data
    return rows


def _outsiders(world) -> dict[str, object]:
    """Each role of both communes (units the top unit's shared rows do not belong to)."""
    users = {f"{role} ({world.commune.name})": world.users[role] for role in ROLES}
    for role in ROLES:
        users[f"{role} ({world.other_commune.name})"] = make_user(world.other_commune, role,
                                                                  username=f"{role}_b_shared")
    return users


def test_no_other_unit_changes_a_shared_record(app):
    S.quick_commits()
    S.keep_loaded()
    errors = S.catch_500s(app)
    world = proof_world()
    catalog = Catalog(app, world)
    outsiders = {name: catalog.client(user) for name, user in _outsiders(world).items()}
    owner = catalog.client(world.province_admin)
    attempts, controls = S.Tally(), S.Tally()
    models = owners.shared_models()
    write_routes, read_routes = [], []
    for model in models:
        table = model.__tablename__
        assert table in TARGETS, f"{model.__name__} is shared: add it to TARGETS in {__name__}"
        arg, fresh = TARGETS[table]
        routes = [e for e in S.endpoints(app, "POST") if e.startswith(model.__shared__.routes)]
        assert routes, f"{model.__name__}: no POST route matches {model.__shared__.routes}"
        for endpoint in routes:
            sub = catalog.submission(endpoint)
            takes_record = any(arg in r.arguments for r in app.url_map.iter_rules(endpoint))
            target = S.url(app, endpoint, **{arg: fresh(world).id}) if takes_record else sub.url
            results = []
            for who, client in outsiders.items():
                for htmx in (False, True):
                    before = _shared_rows(model)
                    resp = sub.post(client, url=target, htmx=htmx)
                    results.append((who, htmx, resp.status_code, before != _shared_rows(model)))
            before = _shared_rows(model)
            resp = sub.post(owner, url=target)
            writes = before != _shared_rows(model)
            (write_routes if writes else read_routes).append(endpoint)
            if writes:
                controls.check(resp.status_code < 400, f"{endpoint}: the top unit's admin got {resp.status_code}")
            for who, htmx, code, changed in results:
                accepted = changed or (writes and code < 400)
                attempts.check(not accepted, f"{who} POST {target}{' htmx' if htmx else ''}: {code}"
                                             f"{', changed the shared rows' if changed else ''}")

    passed = not attempts.failed and not controls.failed and bool(write_routes)
    report(f"Shared records ({S.db_label()})",
           f"{len(models)} shared models, {attempts.checks} write attempts by other units' roles, "
           f"{attempts.failed} accepted ({len(write_routes)} write routes, each accepted from the top unit's "
           f"admin: {controls.checks - controls.failed}/{controls.checks}; {len(read_routes)} routes that "
           f"only read the shared record: {', '.join(read_routes) or 'none'})",
           passed, target="0 accepted")
    assert not errors, "unhandled errors:\n" + "\n".join(sorted(set(errors)))
    assert write_routes, "no route wrote a shared record even for the top unit's admin"
    assert not attempts.failed, attempts.summary()
    assert not controls.failed, controls.summary()
