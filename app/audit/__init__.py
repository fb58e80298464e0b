"""Audit domain: the append-only log of every change."""


def init_app(app):
    from app.core.errors import REFUSAL_NOTER

    from .refusals import log, refusal_log
    from .routes import bp
    from .services import record_refusal

    app.register_blueprint(bp)
    # Refused requests (403, 404, 429, CSRF) answered by app.core.errors are noted here.
    app.extensions[REFUSAL_NOTER] = record_refusal

    @app.teardown_request
    def _flush_refusals(_exc):
        # Refusal rows held back while another writer had the lock: written by the next request
        # that ends with the lock free (a no-wait try; a dict lookup when nothing waits).
        refusals = refusal_log(app)
        if refusals.pending:
            try:
                refusals.flush()
            except Exception:
                log.exception("could not write held-back refusal records")
