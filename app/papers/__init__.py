"""Papers anyone can verify (issue 18 A, B): a short signed code and a QR on every paper, and the
public page a stranger reaches by scanning or typing it.

    codes    the code of a paper (kind + record id, scrambled and signed) and reading one back
    keys     the key codes are made with (kept in the database, carried by backups)
    site     the site's address printed beside the QR; mark(kind, id): what a paper prints
    lookup   what the public page may say of a paper (PublicView), one describer per kind (kinds)
    masking  names as the public page shows them ("Nguyễn T. Ng. Ánh")
    tally    the lookup counter (models.PaperLookup), never the audit log
    routes   /xac-minh (the form) and /xac-minh/<code> (the answer), no login
"""


def init_app(app):
    from . import models  # noqa: F401  (the counter's table is part of the metadata)
    from .routes import bp
    from .site import mark

    # A global, not a context variable: macros and included partials see it too.
    app.jinja_env.globals.update(paper_mark=mark)
    app.register_blueprint(bp)
