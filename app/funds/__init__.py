"""Funds domain: funds, the append-only ledger, receipt/voucher numbers, printed vouchers.

Other domains post money through app.funds.services (see its docstring for the contract).
"""

AUDIT_ACTIONS = {"post": "Ghi sổ quỹ", "void": "Hủy bút toán"}
AUDIT_OBJECTS = {"fund": "Quỹ", "ledger_entry": "Bút toán quỹ"}


def init_app(app):
    from app.audit import services as audit_services

    from .routes import bp  # the views, one module a noun (app.funds.routes)

    # Vietnamese labels for the audit log page, without editing the audit package.
    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    app.register_blueprint(bp)
