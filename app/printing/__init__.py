"""Print engine: Jinja templates under templates/pdf/ turned into PDF by WeasyPrint (see services).

Long documents: longlist.render_list_pdf (chunked tables: chunked.py, page breaks predicted by
paginate.py, footers by stamps.py, pages joined by pdfmerge.py), many.render_many (certificates).
Inside print jobs their chunks are rendered side by side (runner.py, render processes from
procpool.py; parts.py is what each process runs).
Background jobs: jobs.request_print / register_document, run by `flask print-worker` (worker.py).
"""


def init_app(app):
    from app.audit.services import register_labels

    from . import models  # noqa: F401 - the print_job table
    from .routes import bp
    from .worker import init_queue, register_cli

    register_labels(objects={"print_job": "Bản in"})
    init_queue(app)
    register_cli(app)
    app.register_blueprint(bp)
