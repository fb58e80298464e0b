"""Member cards (issue 19 C): choose the unit, the members and the year, see the first sheet, print.

    GET  /hoi-vien/the/?don_vi=&id=&id=&nam=    members.cards        the page (htmx: its fragment)
    POST /hoi-vien/the/in   (don_vi, id..., nam) members.cards_print  the PDF, or a background job
    GET  /hoi-vien/<member_id>/the.pdf           members.card         one member's card

Without `id` every active member of the unit (and the units below it) gets a card; with ids (ticked on
this page, or sent by the member list) only those, and an id that is not a member of the unit's scope answers 404: a refused
pick is never widened to everyone. A set of up to cards.DIRECT_MAX cards answers the PDF inline; a
larger one is a background print job (app.printing.jobs) whose progress page opens the file.
"""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required
from wtforms import IntegerField
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired, NumberRange, ValidationError

from app.core import clock
from app.core.authz import get_or_404, is_id
from app.core.fields import SelectField
from app.core.forms import BaseForm
from app.core.views import render
from app.printing.offer import queue_from_form
from app.units.models import Unit
from app.units.services import scope_choices

from .. import cards
from ..models import Member
from . import bp

cards.register()  # the background print job's document kind (the worker builds the app, and with it this)


class CardsForm(BaseForm):
    """The unit and the year; the ticked members travel as repeated `id` fields. The page's form is a
    GET (it changes nothing); the print POST reads the same fields (its CSRF token checked by the app's
    CSRF protection and by queue_from_form)."""

    class Meta:
        csrf = False

    unit_id = SelectField("Đơn vị", name="don_vi", coerce=int, validators=[InputRequired()])
    year = IntegerField("Năm cấp thẻ", name="nam",
                        validators=[InputRequired("Hãy nhập năm cấp thẻ, ví dụ 2026."),
                                    NumberRange(min=2000, message="Năm cấp thẻ phải từ năm 2000 trở đi.")])

    def validate_year(self, field):
        last = clock.today().year + 1
        if field.data is not None and field.data > last:
            raise ValidationError(f"Năm cấp thẻ không quá năm {last}.")


def _ids(values: list[str]) -> list[int]:
    """The ticked member ids, each once; anything that is not an id answers 404 (never dropped)."""
    ids = []
    for v in values:
        if not (v.strip().isascii() and v.strip().isdigit()) or not is_id(int(v)):
            abort(404)
        if int(v) not in ids:
            ids.append(int(v))
    return ids


def _prepare(source) -> tuple[CardsForm, Unit, list[int], list[Member] | None]:
    """(form, unit, ticked ids, the members to print or None when refused): the unit in scope with
    member.write (404 / 403), the year checked (422 beside the field), a ticked id outside the unit's
    scope 404, nobody to print or too many a message at the top of the form (422)."""
    unit = get_or_404(Unit, source.get("don_vi") or current_user.unit_id, "member.write")
    ids = _ids(source.getlist("id"))
    data = MultiDict(source)
    data.setdefault("don_vi", str(unit.id))
    data.setdefault("nam", str(clock.today().year))
    form = CardsForm(data)
    form.unit_id.choices = scope_choices(current_user.unit)
    if not form.validate():
        return form, unit, ids, None
    try:
        members = cards.selection(unit, ids)
    except cards.CardError as err:
        form.form_errors.append(str(err))
        return form, unit, ids, None
    if members is None:
        abort(404)  # a ticked member outside the unit's scope: refused, never widened to all
    return form, unit, ids, members


def _page(form, unit, ids, members, status=200):
    preview = cards.sheets(cards.cards_for(members[:cards.PER_SHEET], form.year.data, page=True)) if members else []
    # A chi hội's members to tick on this page (a few hundred at most); the member list's ticks come as ids.
    pickable = members if members and not ids and len(members) <= cards.PICK_MAX else None
    return render("members/cards.html", partial="members/_cards.html", status=status, form=form, unit=unit,
                  ids=ids, members=members, count=len(members or ()), preview=preview[0] if preview else None,
                  sheets=-(-len(members or ()) // cards.PER_SHEET), direct_max=cards.DIRECT_MAX,
                  pickable=pickable, number_text=cards.number_text)


@bp.get("/the/", endpoint="cards")
@login_required
def cards_page():
    """The cards page: which unit, which members (all active, or the ticked ids), which year; the first
    sheet as it will print, and the print button (a real POST form)."""
    form, unit, ids, members = _prepare(request.args)
    return _page(form, unit, ids, members, status=422 if members is None else 200)


def _inline(members, unit, year):
    """A small set's PDF, answered at once (inline, with its file name)."""
    from app.printing.services import pdf_response  # heavy: loaded when first needed

    return pdf_response(cards.cards_pdf(members, year), cards.filename(members, unit, year))


@bp.post("/the/in")
@login_required
def cards_print():
    """Print the chosen cards: at most cards.DIRECT_MAX as the PDF itself, more as a background job."""
    form, unit, ids, members = _prepare(request.form)
    if members is None:
        return _page(form, unit, ids, members, status=422)
    year = form.year.data
    if len(members) <= cards.DIRECT_MAX:
        return _inline(members, unit, year)
    return queue_from_form(cards.KIND, {"unit_id": unit.id, "ids": ids, "year": year}, unit=unit,
                           title=f"Thẻ hội viên {unit.name} năm {year} ({len(members)} thẻ)",
                           filename=cards.filename(members, unit, year))


@bp.get("/<int:member_id>/the.pdf")
@login_required
def card(member_id):
    """One member's card (on an A4 sheet, at the first place); ?nam= the year (this year by default)."""
    member = get_or_404(Member, member_id, "member.write")
    year = request.args.get("nam", type=int) or clock.today().year
    if not 2000 <= year <= clock.today().year + 1:
        abort(404)
    if not member.active:
        flash("Hội viên này đã ra khỏi hội hoặc đã từ trần: không in thẻ.", "error")
        return redirect(url_for(".detail", member_id=member.id), 303)
    from app.printing.services import pdf_response  # heavy: loaded when first needed

    return pdf_response(cards.cards_pdf([member], year), cards.filename([member], member.unit, year))
