"""Issue 20 F: the member lists' cheaper shapes give exactly what the plain ones gave.

- The unit picker's LongSelect writes the HTML wtforms' Select writes, whatever the labels hold.
"""
from wtforms import Form, SelectField
from wtforms.widgets import Select

from app.members.forms import LongSelect


class _Picker(Form):
    fast = SelectField("Đơn vị", name="don_vi", coerce=int, widget=LongSelect())
    plain = SelectField("Đơn vị", name="don_vi", coerce=int, widget=Select())


MESSY = [(0, "Mọi đơn vị"), (7, "\u2003Hội Khuyến học xã Ea H'Leo"), (12, '\u2003\u2003Chi hội "Ấp 3" & <Tân Lộc>'),
         (3, "Ban đại diện Hội Cựu giáo chức"), (44, "  Chi hội Thôn Đắk R’Lấp  ")]


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
