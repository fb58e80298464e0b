"""Print job pages: progress (htmx polling or a refreshing page) and the download."""
from flask import Blueprint, abort, url_for
from flask_login import current_user, login_required

from app.core.authz import get_or_404
from app.core.views import render

from . import jobs
from .models import PrintJob
from .services import pdf_response

bp = Blueprint("printing", __name__, url_prefix="/in-an")

# Besides the job's owner, these roles may open any job of their scope (oversight).
OVERSEERS = frozenset({"admin", "viewer"})


def _load(job_id: int) -> PrintJob:
    """A job in the user's scope (else 404) that is theirs or that they oversee (else 403)."""
    job = get_or_404(PrintJob, job_id, "view")
    if job.user_id != current_user.id and not current_user.has_role(*OVERSEERS):
        abort(403)
    return job


@bp.get("/<int:job_id>")
@login_required
def status(job_id):
    """The job's progress bar; htmx polls the fragment every second until the job is finished."""
    job = jobs.refresh_if_abandoned(_load(job_id))
    return render("printing/status.html", partial="printing/_status.html", job=job,
                  poll_url=url_for(".status", job_id=job.id), gone=jobs.needs_reprint(job))


@bp.get("/<int:job_id>/tai-ve")
@login_required
def download(job_id):
    """The finished PDF, shown inline like every PDF, from any node (the blob store); 404 while it is
    not ready, or when it is no longer kept (the status page then says to print it again)."""
    job = _load(job_id)
    pdf = jobs.job_file(job)
    if pdf is None:
        abort(404)
    return pdf_response(pdf, job.filename or job.title or "tai-lieu")


__all__ = ["bp"]
