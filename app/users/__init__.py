"""Users domain: accounts, roles and the printable user list."""


def init_app(app):
    from .routes import bp

    app.register_blueprint(bp)
