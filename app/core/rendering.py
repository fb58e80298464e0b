"""One view, one template: the full page or only its fragment.

A page template includes its fragment; when htmx asks (and it is not a boosted
navigation or a history restore, which need the whole page) the view renders
only the fragment. `Vary: HX-Request` keeps caches from mixing the two.
"""
from flask import make_response, render_template, request


def is_htmx() -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render(template: str, partial: str | None = None, status: int = 200, **ctx):
    name = partial if (partial and is_htmx()) else template
    resp = make_response(render_template(name, **ctx), status)
    resp.headers.add("Vary", "HX-Request")
    return resp
