"""The shared bulk selection (app/core/selection.py, templates/_bulk.html): reading, resolving,
bounding, carrying the choice to the confirm step and back to the list."""
import re

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from app.core import selection
from app.core.selection import SelectionError, read_selection


def _form(**kw):
    data = MultiDict()
    for k, v in kw.items():
        for item in (v if isinstance(v, list) else [v]):
            data.add(k.replace("__", "."), str(item))
    return data


def test_read_selection_takes_scope_ids_page_ids_and_the_carried_filter():
    sel = read_selection(_form(scope="picked", ids=[5, "x", 3, 5, "-1", "0"], page_ids=[3, 4, 5],
                               f__trang_thai="pending", f__trang="2", reason="ignored"))
    assert sel.scope == "picked"
    assert sel.ids == [5, 3]  # non-ids, zero and repeats dropped
    assert sel.page_ids == [3, 4, 5]
    assert sel.args.to_dict() == {"trang_thai": "pending", "trang": "2"}
    assert sel.page == 2
    assert not sel.confirmed
    assert read_selection(_form(scope="everything")).scope == ""
    assert read_selection(_form(scope="all", step="confirm")).confirmed


def test_resolve_picked_keeps_the_page_order_and_refuses_nothing_ticked():
    sel = read_selection(_form(scope="picked", ids=[9, 7], page_ids=[7, 8, 9]))
    assert sel.resolve() == [7, 9]
    with pytest.raises(SelectionError) as err:
        read_selection(_form(scope="picked", page_ids=[7, 8])).resolve()
    assert "Chưa chọn dòng nào" in str(err.value) and err.value.field == "ids"


def test_resolve_page_and_all():
    assert read_selection(_form(scope="page", ids=[1], page_ids=[4, 2, 6])).resolve() == [4, 2, 6]
    calls = []

    def all_ids():
        calls.append(1)
        return iter([10, 11, 12])

    assert read_selection(_form(scope="all", page_ids=[10])).resolve(all_ids=all_ids) == [10, 11, 12]
    assert calls == [1]
    with pytest.raises(SelectionError, match="không hỗ trợ"):
        read_selection(_form(scope="all")).resolve()
    with pytest.raises(SelectionError, match="Không có dòng nào"):
        read_selection(_form(scope="all")).resolve(all_ids=lambda: [])
    with pytest.raises(SelectionError, match="Vui lòng chọn"):
        read_selection(_form()).resolve(all_ids=lambda: [1])


def test_resolve_is_bounded_and_stops_reading_past_the_bound():
    read = []

    def many():
        for i in range(1, 10_000):
            read.append(i)
            yield i

    with pytest.raises(SelectionError) as err:
        read_selection(_form(scope="all")).resolve(all_ids=many, limit=100)
    assert "tối đa 100 dòng" in str(err.value) and "lọc bớt" in str(err.value)
    assert len(read) == 101  # not the whole table
    assert len(read_selection(_form(scope="all")).resolve(all_ids=lambda: range(1, 101), limit=100)) == 100
    assert selection.MAX_BULK >= 1000


def test_check_unchanged_compares_the_rows_shown_with_the_rows_now():
    sel = read_selection(_form(scope="all", expect=selection.fingerprint([1, 2, 3])))
    sel.check_unchanged([1, 2, 3])
    with pytest.raises(SelectionError, match="đã thay đổi"):
        sel.check_unchanged([1, 2, 3, 4])
    with pytest.raises(SelectionError):
        read_selection(_form(scope="all")).check_unchanged([1])  # no fingerprint: never confirmed blind


def test_hidden_fields_round_trip_to_the_same_selection(app):
    sel = read_selection(_form(scope="picked", ids=[3, 5], page_ids=[3, 4, 5], f__loai="7", f__trang="2"))
    html = str(sel.hidden_fields([3, 5]))
    posted = MultiDict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))
    again = read_selection(posted)
    assert (again.scope, again.ids, again.page_ids, again.args.to_dict()) == ("picked", [3, 5], [3, 4, 5],
                                                                              {"loai": "7", "trang": "2"})
    again.check_unchanged([3, 5])
    # Values are escaped: a filter cannot break out of the attribute.
    evil = read_selection(_form(scope="all", f__q='"><script>'))
    assert "<script>" not in str(evil.hidden_fields())


def test_back_url_returns_to_the_same_filter_page_and_anchor(app):
    sel = read_selection(_form(scope="all", f__trang_thai="pending", f__trang="3"))
    with app.test_request_context():
        url = sel.back_url("scholarships.round_detail", round_id=4)
        assert url.startswith("/hoc-bong/4?") and "trang_thai=pending" in url and "trang=3" in url
        assert url.endswith("#bulk")
        assert sel.back_url("scholarships.round_detail", anchor="row-9", round_id=4).endswith("#row-9")
        assert "#" not in sel.back_url("scholarships.round_detail", anchor=None, round_id=4)
    assert sel.describe(183) == "tất cả 183 dòng khớp bộ lọc"


def test_macros_render_buttons_carry_and_confirm(app):
    tpl = """{% from "_bulk.html" import bulk_buttons, bulk_carry, row_check, bulk_summary, bulk_more, bulk_confirm %}
    {{ bulk_carry([1, 2]) }}{{ row_check(1, 'Chọn An', True) }}
    {{ bulk_buttons('Duyệt', 50, 183, formaction='/x') }}
    {{ bulk_summary('đề cử sẽ được duyệt', 183, 160500000, '1.830 quyển vở') }}{{ bulk_more(20, 183) }}
    {{ bulk_confirm(sel, [1, 2], 'Xác nhận duyệt 183 đề cử', '/back') }}"""
    sel = read_selection(_form(scope="all", f__loai="3"))
    with app.test_request_context("/hoc-bong/1?loai=3&trang=2"):
        html = render_template_string(tpl, sel=sel)
        one_page = render_template_string('{% from "_bulk.html" import bulk_buttons %}{{ bulk_buttons("Chi trả", 12, 12) }}')
    assert '<input type="hidden" name="page_ids" value="1">' in html
    assert '<input type="hidden" name="f.loai" value="3">' in html and 'name="f.trang" value="2"' in html
    assert 'name="ids" value="1" checked aria-label="Chọn An"' in html
    assert 'name="scope" value="picked" formaction="/x">Duyệt các dòng đã chọn' in html
    assert 'value="page" formaction="/x">Duyệt cả trang này (50)' in html
    assert "Duyệt tất cả 183 dòng khớp bộ lọc" in html
    assert "160.500.000 đ" in html and "1.830 quyển vở" in html and "và 163 dòng nữa" in html
    assert 'name="step" value="confirm"' in html and 'name="expect"' in html
    # One page only: "cả trang này" would say the same as "tất cả".
    assert 'value="page"' not in one_page and "Chi trả tất cả 12 dòng khớp bộ lọc" in one_page


def test_replayed_url_answers_a_used_key_only(app, world):
    from flask_login import login_user

    from app.core import idempotency
    from app.extensions import db
    from app.units.models import Unit

    with app.test_request_context():
        login_user(world.users["admin"])
        key = idempotency.new_key()
        assert selection.replayed_url(key) is None and selection.replayed_url("") is None
        idempotency.once(key, lambda: db.session.get(Unit, world.commune.id), url=lambda _: "/back#bulk")
        db.session.commit()
        assert selection.replayed_url(key) == "/back#bulk"


def test_ids_from_forms_stay_within_what_the_database_holds():
    """Ids typed into a form are parsed like URL ids: ASCII digits up to MAX_ID (PostgreSQL's INTEGER);
    a superscript digit ("²".isdigit() is True, int("²") raises) or 2^31 never reaches a query."""
    from app.core.authz import MAX_ID
    from app.core.selection import _ids
    from app.piggybanks.batch import pig_ids

    assert _ids(["7", "²", str(MAX_ID + 1), "١٢", str(MAX_ID), "7"]) == [7, MAX_ID]
    assert pig_ids({"pigs": f"3,²,{2**31},{MAX_ID},0,3"}) == [3, MAX_ID]
