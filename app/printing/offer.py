"""Long documents asked for from a web page: no web request prints for seconds.

A GET whose document is long answers long_document_page(): how long it is and a button (a real
POST form, so it works without JavaScript) to a view that calls queue_from_form(), which queues
the print job and answers its progress page (printing.status).

A user who already has the most pending jobs allowed (jobs.QueueFull) gets the message and links
to those jobs instead (422, nothing queued), with JavaScript or without.
"""
from urllib.parse import urlsplit

from typing import Callable

from flask import abort, request, url_for

from app.core.forms import ConfirmForm
from app.core.views import go, render


DIRECT_MAX = 150  # rows or lines printed within a web request (about 1.5 s of WeasyPrint); more go to a job


def print_or_offer(lines: int, build: Callable[[], bytes], *, filename: str, title: str, action: str, back: str,
                   limit: int = DIRECT_MAX):
    """The one cut-off between "print now" and "offer a background job".

    A document of at most `limit` rows or lines is built (`build()`, the PDF bytes) and answered inline;
    a longer one answers long_document_page(), whose button posts to `action` (a view calling
    queue_from_form)."""
    if lines > limit:
        return long_document_page(title, lines, action, back)
    from .services import pdf_response  # heavy: loaded when first needed

    return pdf_response(build(), filename)


def long_document_page(title: str, lines: int, action: str, back: str):
    """The page offering the background print of a `lines`-line document; its button posts to `action`."""
    return render("printing/print_long.html", partial="printing/_print_long.html", form=ConfirmForm(),
                  title=title, lines=lines, action=action, back=back)


def queue_from_form(kind: str, params: dict, *, unit, title: str, filename: str):
    """Queue `kind` with `params` when the confirmation form is valid (else 400): the progress page."""
    from .jobs import QueueFull, request_print  # heavy: loaded when first needed

    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        job = request_print(kind, params, unit=unit, title=title, filename=filename)
    except QueueFull as full:
        return render("printing/queue_full.html", partial="printing/_queue_full.html", status=422,
                      message=str(full), pending=full.pending, back=_same_site_referrer())
    return go(url_for("printing.status", job_id=job.id))


def _same_site_referrer() -> str | None:
    """The page the request came from, as a local path, when it is this site's (else None)."""
    ref = urlsplit(request.referrer or "")
    if ref.netloc != request.host or ref.scheme not in ("http", "https") or not ref.path.startswith("/") \
            or ref.path.startswith("//") or "\\" in ref.path:
        return None
    return ref.path + (f"?{ref.query}" if ref.query else "")
