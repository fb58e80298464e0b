"""Print engine: Jinja templates under templates/pdf/ turned into PDF by WeasyPrint (see services).

Long documents: longlist.render_list_pdf (chunked tables), many.render_many (certificates).
Background jobs: jobs.request_print / register_document, run by `flask print-worker` (worker.py).
"""


def init_app(app):
    from . import models  # noqa: F401 - the print_job table
    from .routes import bp
    from .worker import init_queue, register_cli

    init_queue(app)
    register_cli(app)
    app.register_blueprint(bp)
