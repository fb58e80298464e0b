"""Closed periods (khóa sổ): a treasurer or an admin closes a month or a year of a unit's books
(and of every unit below it); nothing is then posted, voided or back-dated into it. A mistake
found later is corrected by a new entry dated today (app.funds.services.correct). Publishing a
year's disclosure closes that year; reopening needs an admin and a reason, and is audited.
"""

AUDIT_ACTIONS = {"close": "Khóa sổ", "reopen": "Mở lại kỳ đã khóa", "correct": "Ghi bút toán điều chỉnh"}
AUDIT_OBJECTS = {"closed_period": "Kỳ khóa sổ"}


def init_app(app):
    from app.audit import services as audit_services

    from . import models, routes, services  # noqa: F401

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    app.register_blueprint(routes.bp)

    @app.context_processor
    def _ctx():
        # period_closed(entry) in list templates: one query per unit and request.
        return {"period_closed": lambda obj, day=None: services.is_closed(obj.unit_id, day or obj.entry_date),
                "can_correct": _can_correct}


def _can_correct(entry) -> bool:
    """The ledger page's "Ghi điều chỉnh" link: the ledger owns the entry and nothing voids or
    corrects it yet (its period being closed is asked apart, with period_closed)."""
    from app.funds.services import correction_refusal

    return not correction_refusal(entry) and entry.reversal is None and \
        not any(c.reversal is None for c in entry.corrections)
