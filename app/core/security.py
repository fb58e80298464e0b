"""Response headers and the request id carried into the audit log."""
import re
import secrets

from flask import Request, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.utils import cached_property

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class CleanRequest(Request):
    """Query and form values without NUL characters: no field means one, PostgreSQL cannot take one
    in a text parameter, and a filter or search that passed it on would end the request in a 500."""

    @staticmethod
    def _clean(pairs):
        return [(k.replace("\x00", ""), v.replace("\x00", "") if isinstance(v, str) else v) for k, v in pairs]

    @cached_property
    def args(self):
        return self.parameter_storage_class(self._clean(super().args.items(multi=True)))

    def _load_form_data(self):
        # Every way to the form (request.form, .files, .values) loads it here, once.
        super()._load_form_data()
        if "form" in self.__dict__:
            self.__dict__["form"] = self.parameter_storage_class(self._clean(self.__dict__["form"].items(multi=True)))


def init_app(app):
    app.request_class = CleanRequest
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        # The client's address (login limits, audit log) from the trusted proxy's X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=0, x_host=0, x_port=0, x_prefix=0)

    @app.before_request
    def _request_id():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else secrets.token_hex(8)

    @app.after_request
    def _headers(resp):
        h = resp.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Content-Security-Policy", CSP)
        if current_app.config.get("HSTS"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static":
            # Every page here may carry personal or money data: never keep it in a cache.
            h["Cache-Control"] = "no-store"
        if getattr(g, "request_id", None):
            h["X-Request-ID"] = g.request_id
        return resp
