"""The books across domains: who owns each ledger and goods entry (owners.py) and the checks
that every invariant of the money and goods books holds (checks.py)."""


def init_app(app):
    # The books check's page, `flask books-check`, its nightly task and dashboard panel (helper BOOKS-CHECK).
    from .setup import init_app as init_books_check

    init_books_check(app)
