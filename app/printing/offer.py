"""Long documents asked for from a web page: no web request prints for seconds.

A GET whose document is long answers long_document_page(): how long it is and a button (a real
POST form, so it works without JavaScript) to a view that calls queue_from_form(), which queues
the print job and answers its progress page (printing.status).
"""
from flask import abort, url_for

from app.core.forms import ConfirmForm
from app.core.views import go, render


def long_document_page(title: str, lines: int, action: str, back: str):
    """The page offering the background print of a `lines`-line document; its button posts to `action`."""
    return render("printing/print_long.html", partial="printing/_print_long.html", form=ConfirmForm(),
                  title=title, lines=lines, action=action, back=back)


def queue_from_form(kind: str, params: dict, *, unit, title: str, filename: str):
    """Queue `kind` with `params` when the confirmation form is valid (else 400): the progress page."""
    from .jobs import request_print

    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = request_print(kind, params, unit=unit, title=title, filename=filename)
    return go(url_for("printing.status", job_id=job.id))
