"""Adding honorees in bulk, issuing a decision, and starting an amending decision."""
from flask import flash, url_for
from flask_login import login_required
from sqlalchemy import select

from app.core.authz import authorize, get_or_404
from app.core.views import attach_error, attempt, form_page, go, render
from app.extensions import db
from app.units.models import Unit

from . import bulk, issuing, queries, services
from .forms import AssessmentSourceForm, CampaignSourceForm, ConfirmForm, PasteForm, RoundSourceForm
from .models import Decision
from .routes import bp, frozen_page


def _bulk_page(d, form, source, title, action):
    if (back := frozen_page(d)) is not None:
        return back
    return form_page("commendations/bulk.html", "commendations/_bulk_form.html", form, d=d, source=source,
                     title=title, action=action)


def _run(d, form, fn):
    """Call a bulk service; on success go back to the decision, on refusal keep the form."""
    added = attempt(form, services.CommendationError, fn)
    if added is None:
        return None
    flash(f"Đã thêm {added} người vào danh sách." if added else "Không có ai mới để thêm.", "success")
    return go(url_for(".detail", decision_id=d.id))


@bp.route("/quyet-dinh/<int:decision_id>/dan-danh-sach", methods=["GET", "POST"])
@login_required
def paste(decision_id):
    """Paste a list: one name per line, optionally a Tab and the achievement."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = PasteForm()
    if form.validate_on_submit():
        done = _run(d, form, lambda: bulk.from_text(d, form.text.data, form.kind.data, form.collective.data))
        if done:
            return done
    return _bulk_page(d, form, "paste", "Dán danh sách", url_for(".paste", decision_id=d.id))


@bp.route("/quyet-dinh/<int:decision_id>/tu-hoc-bong", methods=["GET", "POST"])
@login_required
def from_round(decision_id):
    """Add the approved nominations of a scholarship round."""
    from app.scholarships.models import ScholarshipRound

    d = get_or_404(Decision, decision_id, "commendation.write")
    form = RoundSourceForm()
    rounds = db.session.scalars(select(ScholarshipRound).join(ScholarshipRound.unit)
                                .where(Unit.path.startswith(d.unit.path))
                                .order_by(ScholarshipRound.id.desc())).all()
    form.round_id.choices = [(r.id, f"{r.name} ({r.school_year})") for r in rounds]
    if form.validate_on_submit():
        rnd = get_or_404(ScholarshipRound, form.round_id.data, "commendation.write")
        done = _run(d, form, lambda: bulk.from_nominations(d, rnd))
        if done:
            return done
    return _bulk_page(d, form, "round", "Thêm học sinh đã được duyệt học bổng",
                      url_for(".from_round", decision_id=d.id))


@bp.route("/quyet-dinh/<int:decision_id>/tu-dot-van-dong", methods=["GET", "POST"])
@login_required
def from_campaign(decision_id):
    """Add the donors of a campaign whose gifts reach an amount."""
    from app.campaigns.models import Campaign

    d = get_or_404(Decision, decision_id, "commendation.write")
    form = CampaignSourceForm()
    campaigns = db.session.scalars(select(Campaign).join(Campaign.unit).where(Unit.path.startswith(d.unit.path))
                                   .order_by(Campaign.id.desc())).all()
    form.campaign_id.choices = [(c.id, c.name) for c in campaigns]
    if form.validate_on_submit():
        campaign = get_or_404(Campaign, form.campaign_id.data, "commendation.write")
        done = _run(d, form, lambda: bulk.from_campaign(d, campaign, form.min_amount.data))
        if done:
            return done
    return _bulk_page(d, form, "campaign", "Thêm nhà hảo tâm của đợt vận động",
                      url_for(".from_campaign", decision_id=d.id))


@bp.route("/quyet-dinh/<int:decision_id>/tu-danh-gia", methods=["GET", "POST"])
@login_required
def from_assessments(decision_id):
    """Add the families (clans, communities ...) that passed their assessment in a year."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = AssessmentSourceForm(year=d.year)
    if form.validate_on_submit():
        done = _run(d, form, lambda: bulk.from_assessments(d, d.unit, form.year.data, form.kind.data))
        if done:
            return done
    return _bulk_page(d, form, "assessment", "Thêm danh hiệu học tập đã đạt",
                      url_for(".from_assessments", decision_id=d.id))


@bp.route("/quyet-dinh/<int:decision_id>/ban-hanh", methods=["GET", "POST"])
@login_required
def issue(decision_id):
    """Issue (freeze) a draft: register numbers and prize payments. GET is the confirmation page."""
    d = get_or_404(Decision, decision_id, "commendation.issue")
    form = ConfirmForm()
    count, total = queries.totals(d)
    if form.validate_on_submit():
        try:
            issuing.issue(d)
            db.session.commit()
        except services.CommendationError as err:
            db.session.rollback()
            attach_error(form, err)
        else:
            flash(f"Đã ban hành Quyết định số {d.number}.", "success")
            return go(url_for(".detail", decision_id=d.id))
    warned = len(queries.warnings_for(d, services.honorees(d))) if not d.frozen else 0
    from . import prize_goods

    return form_page("commendations/issue.html", "commendations/_issue_form.html", form, d=d, count=count,
                     people=queries.people_text(queries.people_counts(d)),
                     total=total, warned=warned, goods=prize_goods.totals_text(d))


@bp.route("/quyet-dinh/<int:decision_id>/sua-doi", methods=["GET", "POST"])
@login_required
def amend(decision_id):
    """Start a new draft amending an issued decision (the issued one never changes)."""
    d = get_or_404(Decision, decision_id, "commendation.write")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            new = services.amending_draft(d)
            db.session.commit()
        except services.CommendationError as err:
            db.session.rollback()
            flash(str(err), "error")
            return go(url_for(".detail", decision_id=d.id))
        flash(f"Đã lập dự thảo quyết định sửa đổi số {new.number}.", "success")
        return go(url_for(".detail", decision_id=new.id))
    authorize("commendation.write", d)
    return render("commendations/confirm.html", partial="commendations/_confirm.html", form=form,
                  heading=f"Lập quyết định sửa đổi Quyết định {d.number}?",
                  action=url_for(".amend", decision_id=d.id), button="Lập dự thảo sửa đổi", danger=False,
                  back=url_for(".detail", decision_id=d.id))
