"""Issue 20 F: the app's drop-downs (app.core.fields.LongSelect) write what wtforms writes.

- The unit picker's LongSelect writes the HTML wtforms' Select writes, whatever the labels hold.
"""
from markupsafe import Markup
from wtforms import Form, SelectField
from wtforms.widgets import Select

from app.core.fields import LongSelect


class _Picker(Form):
    fast = SelectField("Đơn vị", name="don_vi", coerce=int, widget=LongSelect())
    plain = SelectField("Đơn vị", name="don_vi", coerce=int, widget=Select())


MESSY = [(0, "Mọi đơn vị"), (7, "\u2003Hội Khuyến học xã Ea H'Leo"), (12, '\u2003\u2003Chi hội "Ấp 3" & <Tân Lộc>'),
         (3, "Ban đại diện Hội Cựu giáo chức"), (44, "  Chi hội Thôn Đắk R’Lấp  "),
         (45, Markup("Chi hội <b>Ấp 4</b> &amp; Ấp 5"))]  # a label already marked safe is written as it is


def test_the_long_select_writes_what_wtforms_writes():
    for data in (0, 12, 44, 999):
        form = _Picker(data={"fast": data, "plain": data})
        for field in (form.fast, form.plain):
            field.choices = MESSY
        for attrs in ({}, {"aria_invalid": "true", "aria_describedby": "don_vi-err"}, {"class_": "wide"}):
            assert str(form.fast(**attrs)).replace('id="fast"', "") == str(form.plain(**attrs)).replace('id="plain"', "")


def test_the_long_select_leaves_render_kw_and_groups_to_wtforms():
    form = _Picker(data={"fast": 3, "plain": 3})
    for field in (form.fast, form.plain):
        field.choices = [(3, "Một", {"disabled": True}), (4, "Hai", {})]
    assert str(form.fast()).replace('id="fast"', "") == str(form.plain()).replace('id="plain"', "")
    for field in (form.fast, form.plain):
        field.choices = {"Xã": [(3, "Một"), (4, "Hai & Ba")]}
    assert str(form.fast()).replace('id="fast"', "") == str(form.plain()).replace('id="plain"', "")


def _plain_selects(form_classes) -> list[str]:
    """The single-choice drop-downs among these forms' fields not written by LongSelect."""
    import wtforms

    found = []
    for form in form_classes:
        for name in dir(form):
            unbound = getattr(form, name, None)
            field_class = getattr(unbound, "field_class", None)
            if not (isinstance(field_class, type) and issubclass(field_class, wtforms.SelectField)):
                continue
            if issubclass(field_class, wtforms.SelectMultipleField):
                continue
            widget = unbound.kwargs.get("widget") or field_class.widget
            if not isinstance(widget, LongSelect):
                found.append(f"{form.__module__}.{form.__name__}.{name}")
    return found


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_drop_down_of_the_app_is_written_by_long_select(app):
    import wtforms

    forms = [f for f in _subclasses(wtforms.Form) if f.__module__.startswith("app.")]
    assert len(forms) > 50 and any(f.__name__ == "MemberFilterForm" for f in forms)
    assert _plain_selects([_Picker]) == [f"{__name__}._Picker.plain"]  # the check sees a plain one
    assert _plain_selects(forms) == []
