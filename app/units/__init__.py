"""Units domain: the association's tree of units, their merges and renames (issue 20 D)."""

AUDIT_ACTIONS = {"propose": "Đề xuất", "confirm": "Xác nhận", "cancel": "Hủy", "rename": "Đổi tên",
                 "merge": "Sáp nhập"}
AUDIT_OBJECTS = {"unit_merge": "Sáp nhập đơn vị", "unit_name": "Tên đơn vị theo thời kỳ"}


def init_app(app):
    from app.audit import services as audit_services

    from .merge_routes import bp as merge_bp
    from .routes import bp

    app.register_blueprint(bp)
    app.register_blueprint(merge_bp)
    audit_services.register_labels(AUDIT_ACTIONS, AUDIT_OBJECTS)
    from .cli import register_cli

    register_cli(app)
