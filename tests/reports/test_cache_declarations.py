"""Every model with a unit says whether reports count it (issue 16, finding 7).

The reports cache bumps data versions on writes to the tables the models declare (`__counted__`,
app.reports.cache); a new model with a unit_id that declares nothing would go stale silently in
every cached report. So each one declares `__counted__` or says why not in `__not_counted__`.
"""
import pytest

from app.extensions import db
from app.reports import cache

# The tables the cache watched when it kept its own list (before the models declared them):
# the declarations must give the same, so the cache's behaviour is unchanged.
BEFORE = {
    cache.ROWS: {"donation", "ledger_entry", "goods_entry", "piggy_bank", "piggy_bank_opening", "piggy_bank_cycle",
                 "campaign", "fund", "scholarship_round", "award_category", "nomination", "pupil", "school",
                 "commendation_decision", "honoree",
                 # issue 19: members, dues and population feed the organisation counts
                 "member", "dues_batch", "dues_payment", "dues_remittance", "unit_population",
                 # issue 19: the learning titles' registered and assessed steps in the organisation counts
                 "title_assessment"},
    cache.NAMES: {"donor"},
    cache.TREE: {"unit", "unit_name"},  # issue 20 D: names by period
}


def _models():
    return [m.class_ for m in db.Model.registry.mappers]


def test_every_model_with_a_unit_is_counted_or_says_why_not(app):
    models = _models()
    with_unit = [m for m in models if "unit_id" in m.__table__.c]
    assert len(with_unit) >= 25  # positive control: the app's models are loaded
    silent = [m.__name__ for m in with_unit
              if "__counted__" not in vars(m) and not str(vars(m).get("__not_counted__", "")).strip()]
    assert silent == [], ("declare __counted__ (app.reports.cache.KINDS) or __not_counted__ = '<why>' on "
                          + ", ".join(silent))
    both = [m.__name__ for m in models if "__counted__" in vars(m) and "__not_counted__" in vars(m)]
    assert both == []


def test_the_declarations_give_the_tables_counted_before(app):
    declared = cache.declared()
    assert {k: set(v) for k, v in declared.items()} == BEFORE


def test_an_undeclared_kind_is_refused(app, monkeypatch):
    from app.units.models import Unit

    monkeypatch.setattr(Unit, "__counted__", "sometimes")
    monkeypatch.setattr(cache, "_declared", (-1, {}))
    with pytest.raises(ValueError, match="Unit.__counted__"):
        cache.declared()
    monkeypatch.undo()
    cache._declared = (-1, {})
