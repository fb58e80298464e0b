"""Print engine: Jinja templates turned into PDF by WeasyPrint.

    services.py  render_pdf, render_many (a batch, in chunks), render_list_pdf (a long table, in
                 chunks), pdf_response: what other domains call
    engine.py    WeasyPrint itself (public API only): the static-only fetcher, fonts, render, merge
    offer.py     print_or_offer: print now, or offer a background job for a long document
    jobs.py      background print jobs: register_document, request_print, the queue's tasks
    jobstate.py  job state written in short transactions, the fair order between users
    stored.py    finished PDFs in the blob store (app.core.blobs): store_pdf, job_file, has_file
    blob_sweep.py  `flask blobs-sweep` and the queue's sweep of expired blobs (app.core.blobs)
    worker.py    `flask print-worker`, the Huey consumer running the jobs (queue.py builds Huey)
    routes.py    the job's progress page and its download (finished PDFs live in app.core.blobs)
"""


def init_app(app):
    from app.audit.services import register_labels

    from . import blob_sweep, models  # noqa: F401 - models: the print_job table
    from .jobs import init_queue
    from .routes import bp
    from .worker import register_cli

    register_labels(objects={"print_job": "Bản in"})
    init_queue(app)
    blob_sweep.register(app)  # expired blobs (finished PDFs, staged imports) swept by this queue
    register_cli(app)
    app.register_blueprint(bp)
