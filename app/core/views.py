"""Small helpers shared by the thin views of every domain."""
import logging
from typing import Any, Callable

from flask import flash, make_response, redirect, request
from sqlalchemy.exc import OperationalError

from app.core import db as core_db
from app.core import idempotency
from app.core.refusal import Refusal
from app.core.rendering import is_htmx, render

log = logging.getLogger(__name__)


def go(url: str):
    """After a successful POST: 303 for a plain browser, HX-Redirect for htmx.

    A 303 followed inside an htmx request would swap a whole page into a form.
    """
    if request.headers.get("HX-Request") == "true":
        resp = make_response("", 200)
        resp.headers["HX-Redirect"] = url
        return resp
    return redirect(url, 303)


def form_page(template: str, partial: str, form, **ctx):
    """Render a form page; an invalid submission answers 422 with the input kept."""
    status = 422 if form.errors else 200
    return render(template, partial=partial, status=status, form=form, **ctx)


def attach_error(form, err, default_field: str | None = None) -> None:
    """Put a service's refusal next to the field it concerns (or at the top of the form)."""
    field = getattr(err, "field", None) or default_field
    if field and field in form:
        form[field].errors = list(form[field].errors) + [str(err)]
    else:
        form.form_errors.append(str(err))


# How many times a write PostgreSQL ended as a deadlock's victim (or a serialisation failure) is
# run again before the error stands.
TRANSIENT_RETRIES = 2


def _commit(work):
    """work() and its commit as the request's write: the reads so far end (their snapshot could not
    upgrade to write on SQLite), the write queue's turn and BEGIN IMMEDIATE come at work()'s first
    statement, and the turn ends with the commit; a Refusal (or any error) rolls back. The view's
    loading, authorising and validating before, and its answer after, read without the turn.

    A write that PostgreSQL chose as a deadlock's victim was rolled back whole, numbers and all, so
    it is run again from the start (its objects reload) rather than answered with a server error:
    the person pressed Save once and another transaction happened to cross theirs."""
    for tries_left in range(TRANSIENT_RETRIES, -1, -1):
        try:
            with core_db.writing():
                return work()
        except OperationalError as err:
            if not tries_left or not core_db.transient(err):
                raise
            log.warning("a write was rolled back by the database (%s); running it again",
                        getattr(getattr(err, "orig", None), "sqlstate", "?"))


def refusal_text(form) -> str:
    """What attempt() put on a form that has no place to show it (a flash, a preview's top line)."""
    return " ".join(form.form_errors + [e for field in form for e in field.errors])


def attempt(form, work: Callable[[], Any], *, url=None, once: bool = False, success=None,
            default_field: str | None = None):
    """Run one service call and commit it: the one way a form POST writes.

    `work()` is the service call. With `once=True` it runs behind app.core.idempotency.once with the
    form's `idem_key` (a double submit writes one record and lands where the first did), and `url`
    must then be a function of the created object.

    On a refusal (any `Refusal`) the session is rolled back, the message is put beside its field
    (or `default_field`, or the top of the form) and None is returned: the view renders the form
    again with the input kept (form_page answers 422).

    On success: without `url`, the service's result is returned (the Outcome with `once`). With
    `url` (a string, or a function of the result) the answer is returned: 303, or HX-Redirect for
    htmx, after flashing `success` (a string, or a function of the result; with `once` only when
    something new was written).
    """
    if once:
        if not callable(url):
            raise TypeError("attempt(once=True) needs url=<function of the created object>")
        make, where = work, url
        work = lambda: idempotency.once(form.idem_key.data, make, url=where)  # noqa: E731
    try:
        result = _commit(work)
    except Refusal as err:
        attach_error(form, err, default_field)
        return None
    if url is None:
        return result
    obj = result.obj if once else result
    if success and (not once or result.created):
        flash(success(obj) if callable(success) else success, "success")
    return go(result.url if once else (url(result) if callable(url) else url))


def confirm_action(form, work: Callable[[], Any], *, back, success, fragment=None):
    """The one way a confirmation POST (a ConfirmForm: void, remove, close, open ...) writes.

    Runs `work()` and commits; a refusal rolls back and its message is shown instead of `success`
    (both strings, or functions of the result / the refusal). Answers `back` (a string or a function
    of the result) with 303 / HX-Redirect and a flash. `fragment(result, error)`, when given, answers
    an htmx request in place (a row swapped with its new state) instead of redirecting.
    Returns None when the form did not validate (the view shows the confirmation page)."""
    if not form.validate_on_submit():
        return None
    result, error = None, ""
    try:
        result = _commit(work)
    except Refusal as err:
        error = str(err)
    if fragment is not None and is_htmx():
        return fragment(result, error)
    flash(error or (success(result) if callable(success) else success), "error" if error else "success")
    return go(back(result) if callable(back) else back)


MAX_PAGE = 1_000_000  # far past any list's end; a larger page number would overflow the SQL OFFSET


def page_number() -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.args.get("trang", "1"))))
    except ValueError:
        return 1


__all__ = ["go", "form_page", "attach_error", "attempt", "confirm_action", "refusal_text", "Refusal", "page_number", "is_htmx", "render"]
