"""Every model says who may change its rows (app.core.owners): a unit column, an owner record, shared
(the top unit's admins) or system-only. A new model that says nothing fails here, before a route
lets anyone rewrite rows that belong to nobody (issue 15, finding 3)."""
from app.core import owners


def test_every_model_declares_who_may_change_it(app):
    with app.app_context():
        missing = [m.__name__ for m in owners.models() if owners.ownership(m) is None]
    assert not missing, (
        f"models without a NOT NULL unit_id and without __owner__ / __shared__ / __system__: {missing} "
        "(see app/core/owners.py)")


def test_every_owner_declaration_leads_to_a_unit(app):
    """A PARENT chain ends at a model with a unit column (or a unit itself), with no loop."""
    broken = []
    with app.app_context():
        for model in owners.models():
            seen, current = set(), model
            while ((o := owners.ownership(current)) is not None and o.kind == owners.PARENT
                   and o.detail != owners.ITSELF):
                seen.add(current)
                current = owners.owner_model(current)
                if current is None or current in seen:
                    broken.append(model.__name__)
                    break
            else:
                if current is not model and (o is None or o.kind != owners.UNIT):
                    broken.append(model.__name__)
    assert not broken, f"__owner__ declarations that reach no unit: {broken}"


def test_shared_models_name_their_write_routes_and_those_routes_exist(app):
    with app.app_context():
        shared = owners.shared_models()
        endpoints = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods}
    assert shared, "criteria sets are shared: the registry must find at least that one"
    for model in shared:
        routes = [e for e in endpoints if e.startswith(model.__shared__.routes)]
        assert routes, f"{model.__name__}: no POST route matches {model.__shared__.routes}"


def test_a_nullable_unit_column_alone_is_no_declaration():
    """NULL would be nobody's: such a model must say what NULL means."""
    from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

    table = Table("t_probe", MetaData(), Column("id", Integer, primary_key=True),
                  Column("unit_id", Integer, ForeignKey("unit.id"), nullable=True))
    probe = type("Probe", (), {"__table__": table})
    assert owners.ownership(probe) is None
    probe.__shared__ = owners.Shared("thử")
    assert owners.ownership(probe).kind == owners.SHARED
