"""Dashboard domain: the home page of a logged-in user."""


def init_app(app):
    from .routes import bp

    app.register_blueprint(bp)
