"""Print jobs for tests: a registered test document and finished jobs built through the service."""
from app.extensions import db
from app.printing import jobs

TEST_KIND = "test.sample"


def sample_builder(params, progress):
    """A tiny real PDF (one page) naming the params."""
    from app.printing.services import render_pdf

    progress(1, 2)
    return render_pdf("pdf/_base.html", page_numbers=False)


def ensure_test_document() -> None:
    jobs.register_document(TEST_KIND, sample_builder)


def make_job(unit, user, params=None, **kw):
    """A job requested (and, in immediate mode, already rendered) for ``user`` in ``unit``."""
    ensure_test_document()
    job = jobs.request_print(TEST_KIND, params or {"n": 1}, unit=unit, title=kw.get("title", "Tài liệu thử"),
                             filename=kw.get("filename", "tai-lieu-thu.pdf"), user=user)
    db.session.commit()
    return job
