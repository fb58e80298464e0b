"""Goods domain: the register of gifts in kind (hiện vật), their stock per unit, and their papers.

Goods are never cash: a gift in kind posts a goods entry, not a fund income. Other domains
receive and hand out goods through app.goods.services (see its docstring for the contract).
"""

AUDIT_ACTIONS = {"post": "Ghi sổ", "void": "Hủy phiếu"}
AUDIT_OBJECTS = {"goods_entry": "Phiếu hiện vật"}


def init_app(app):
    from app.audit import services as audit_services

    from . import routes
    from .models import format_quantity

    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    # {{ entry.quantity | quantity }} -> "50", "2,5", "1.200"
    app.jinja_env.filters.setdefault("quantity", format_quantity)
    app.register_blueprint(routes.bp)
