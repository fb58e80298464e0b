"""Each unit's population per year (for "chiếm 9,6 % dân số" in the counts): one form for a unit and
its direct children, one save. Admins only (unit.manage), like the unit tree itself."""
from flask import request, url_for
from flask_login import current_user, login_required
from wtforms import StringField

from app.core.authz import authorize, get_or_404
from app.core.clock import today
from app.core.forms import BaseForm
from app.core.views import attempt, form_page
from app.units.models import Unit

from .. import counts
from . import bp


def _year(value) -> int:
    """?nam=: a sensible year, else this year."""
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today().year
    return year if 1990 <= year <= today().year + 1 else today().year


def _form(rows, data=None):
    """A form with one box per unit of the page (named dan_so_<unit id>)."""
    fields = {f"dan_so_{u.id}": StringField(f"Số dân của {u.name}") for u, *_ in rows}
    form_class = type("PopulationForm", (BaseForm,), fields)
    form = form_class(data, data={f"dan_so_{u.id}": "" if pop is None else f"{pop:,}".replace(",", ".")
                                  for u, pop, *_ in rows})
    form.rows = [(form[f"dan_so_{u.id}"], u, earlier, has_children) for u, _pop, earlier, has_children in rows]
    return form


@bp.route("/dan-so", methods=["GET", "POST"])
@login_required
def population():
    """The population of `don_vi` (default: the user's unit) and its direct children for `nam`;
    a unit with children of its own opens its page for theirs."""
    authorize("unit.manage")
    unit_id = request.args.get("don_vi", type=int)
    root = get_or_404(Unit, unit_id, "unit.manage") if unit_id else current_user.unit
    year = _year(request.args.get("nam"))
    rows = counts.population_rows(root, year)
    form = _form(rows, request.form if request.method == "POST" else None)
    here = url_for(".population", don_vi=root.id if unit_id else None, nam=year)
    if form.validate_on_submit():
        def save():
            # Every box read first, so each wrong one gets its message, not only the first.
            values, wrong = {}, []
            for f, u, *_ in form.rows:
                try:
                    values[u.id] = counts.parse_population(f.data, f.name)
                except counts.PopulationError as err:
                    f.errors = [*f.errors, str(err)]
                    wrong.append(u.name)
            if wrong:
                raise counts.PopulationError(f"Chưa lưu: số dân chưa đúng ở {len(wrong)} đơn vị ({', '.join(wrong)}).")
            return counts.save_populations(root, year, values)
        if answer := attempt(form, save, url=here,
                             success=lambda n: f"Đã lưu số dân năm {year} ({n} thay đổi)." if n
                             else "Không có thay đổi."):
            return answer
    return form_page("members/population.html", "members/_population_form.html", form, root=root, year=year,
                     action=here, up=root.parent if root.id != current_user.unit_id else None)
