"""Papers anyone can verify (issue 18 A, B): a short signed code and a QR on every paper, and the
public page a stranger reaches by scanning or typing it.

    codes   the code of a paper (kind + record id, scrambled and signed) and reading one back
    site    the site's address printed beside the QR; mark(kind, id): what a paper prints
"""


def init_app(app):
    from .site import mark

    # A global, not a context variable: macros and included partials see it too.
    app.jinja_env.globals.update(paper_mark=mark)
