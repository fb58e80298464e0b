"""Units domain: the association's tree of units."""


def init_app(app):
    from .routes import bp

    app.register_blueprint(bp)
