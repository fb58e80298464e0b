"""Correcting and removing a pupil's results, achievements and sponsorships.

These are notes about a child, not money: a mistyped grade or a sponsorship entered twice is
corrected or removed outright, and the audit log keeps what it was. Nothing here touches the
ledger (a sponsor's payments are donations, recorded and voided in their own domain).
Services never commit.
"""
from dataclasses import dataclass

from app.audit.services import record
from app.extensions import db

from . import queries, services
from .forms import AchievementForm, ResultForm, SponsorshipForm
from .models import Achievement, PupilResult, Sponsorship, grading_words


def _result_audit(item: PupilResult) -> dict:
    return {"pupil_id": item.pupil_id, "school_year": item.school_year,
            "grade": item.grade_word or item.old_text, "note": item.note}


def _achievement_audit(item: Achievement) -> dict:
    return {"pupil_id": item.pupil_id, "school_year": item.school_year, "title": item.title}


def _result_form(item: PupilResult, formdata=None) -> ResultForm:
    form = ResultForm(formdata, obj=item)
    form.grade_word.choices = ([("", "— Không chọn (ghi xếp loại cũ) —")]
                               + [(w, w) for w in grading_words(item.pupil.level)])
    return form


def _result_values(item: PupilResult, form: ResultForm) -> dict:
    return services.result_values(item.pupil, form.school_year.data, form.grade_word.data, form.old_text.data,
                                  form.note.data)


def _achievement_values(item: Achievement, form: AchievementForm) -> dict:
    return services.achievement_values(form.school_year.data, form.title.data)


def _sponsorship_values(item: Sponsorship, form: SponsorshipForm) -> dict:
    return queries.sponsorship_values(form.sponsor_name.data, form.sponsor_kind.data, form.start_date.data,
                                      form.end_date.data, form.amount.data, form.period.data, form.note.data)


@dataclass(frozen=True)
class Kind:
    """One kind of record on a pupil's page: its model, form, checks and words."""

    model: type
    make_form: object
    values: object
    audit: object
    label: str  # "kết quả học tập": used in titles and messages


KINDS = {
    "ket-qua": Kind(PupilResult, _result_form, _result_values, _result_audit, "kết quả học tập"),
    "thanh-tich": Kind(Achievement, lambda item, formdata=None: AchievementForm(formdata, obj=item),
                       _achievement_values, _achievement_audit, "thành tích"),
    "do-dau": Kind(Sponsorship, lambda item, formdata=None: SponsorshipForm(formdata, obj=item),
                   _sponsorship_values, lambda item: item.audit_dict(), "người đỡ đầu"),
}


def correct(kind: Kind, item, values: dict) -> None:
    """Apply the checked `values` (kind.values of the form) to `item`, auditing before and after."""
    before = kind.audit(item)
    for name, value in values.items():
        setattr(item, name, value)
    db.session.flush()
    record("update", item, unit_id=item.pupil.unit_id, before=before, after=kind.audit(item))


def remove(kind: Kind, item) -> None:
    """Delete `item`; the audit log keeps what it said."""
    before = kind.audit(item)
    unit_id = item.pupil.unit_id
    record("delete", item, unit_id=unit_id, before=before)
    db.session.delete(item)
    db.session.flush()
