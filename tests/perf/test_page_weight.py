"""Page weight that cannot creep up: the main pages with 1,000 rows in every list stay light.

The full measurement (Chromium, first load with CSS and JS, Lighthouse) is `make bench`; this is
the small version that runs with the suite: the HTML of each paginated page stays under 30 KB
however long its list, and each htmx swap under 10 KB gzipped (what travels when compression is
on; the raw size of a 50-row fragment is 15 KB).
"""
import gzip

import pytest

from tests.conftest import login
from tests.perf.data import Lists
from tests.perf.test_query_counts import pages

HTML_MAX, SWAP_GZIP_MAX = 30 * 1024, 10 * 1024
# The selection page shows 100 nominations a page (a committee ticks through a school at a time):
# 36 KB with 1,000 nominations. Over the 30 KB, held here so that it does not grow further.
OVER = {"danh sách đề cử": 40 * 1024}
WHOLE_LIST = {"quyết định khen thưởng"}  # not paginated: see the xfail below


@pytest.fixture
def lists(app, world):
    return Lists(world)


def test_paginated_pages_and_swaps_stay_light_with_1000_rows(client, world, lists):
    login(client, world.users["treasurer"])
    lists.grow(1000)
    heavy = {}
    for label, (path, _htmx) in pages(lists).items():
        if label in WHOLE_LIST:
            continue
        full = client.get(path)
        swap = client.get(path, htmx=True)
        assert full.status_code == swap.status_code == 200, label
        assert b"<html" not in swap.data[:300], f"{label}: htmx got a whole page"
        if len(full.data) >= OVER.get(label, HTML_MAX):
            heavy[label] = f"HTML {len(full.data)} bytes"
        if len(gzip.compress(swap.data)) >= SWAP_GZIP_MAX:
            heavy[label] = f"swap {len(gzip.compress(swap.data))} bytes gzipped"
    assert not heavy, heavy


@pytest.mark.xfail(strict=True, reason="issue 8: the decision page prints its whole list (about 700 bytes a "
                                       "name: 70 KB for 100 honorees); it needs paging or a lighter row")
def test_decision_page_stays_under_30_kb(client, world, lists):
    login(client, world.users["treasurer"])
    lists.grow(60)
    resp = client.get(f"/khen-thuong/quyet-dinh/{lists.decision.id}")
    assert resp.status_code == 200
    assert len(resp.data) < HTML_MAX
