"""Small helpers shared by the thin views of every domain."""
from flask import make_response, redirect, request

from app.core.rendering import is_htmx, render


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


def attempt(form, refusals, work, default_field: str | None = None):
    """Run one service call and commit it; on a refusal (one of `refusals`) roll back, put the
    message beside its field and return None. Views then answer 303 on a result, 422 on None.
    """
    from app.extensions import db

    try:
        result = work()
        db.session.commit()
    except refusals as err:
        db.session.rollback()
        attach_error(form, err, default_field)
        return None
    return result


MAX_PAGE = 1_000_000  # far past any list's end; a larger page number would overflow the SQL OFFSET


def page_number() -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.args.get("trang", "1"))))
    except ValueError:
        return 1


__all__ = ["go", "form_page", "attach_error", "attempt", "page_number", "is_htmx", "render"]
