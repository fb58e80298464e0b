"""Audit domain: the append-only log of every change."""


def init_app(app):
    from .routes import bp

    app.register_blueprint(bp)
