"""Page weight that cannot creep up: the main pages with 1,000 rows in every list stay light.

The full measurement (Chromium, first load with CSS and JS, Lighthouse) is `make bench`; this is
the small version that runs with the suite: each paginated page, and each htmx swap, stays under
10 KB gzipped however long its list (what travels: the app compresses text for a client that
accepts it), and under 64 KB raw. Issue 14 gave every table cell its column's name (data-label, for
the stacked phone layout: about 7 KB raw on a 50-row page, under 300 bytes gzipped) and the decision
list its bulk checkboxes, so the raw bound moved from 30 KB to 64 KB; a list that stopped paginating
(1,000 rows) still fails both.
"""
import gzip

import pytest

from tests.conftest import login
from tests.perf.data import Lists
from tests.perf.test_query_counts import pages

HTML_MAX, GZIP_MAX = 64 * 1024, 10 * 1024


@pytest.fixture
def lists(app, world):
    return Lists(world)


def test_paginated_pages_and_swaps_stay_light_with_1000_rows(client, world, lists):
    login(client, world.users["treasurer"])
    lists.grow(1000)
    heavy = {}
    for label, (path, _htmx) in pages(lists).items():
        full = client.get(path)
        swap = client.get(path, htmx=True)
        assert full.status_code == swap.status_code == 200, label
        assert b"<html" not in swap.data[:300], f"{label}: htmx got a whole page"
        if len(full.data) >= HTML_MAX:
            heavy[label] = f"HTML {len(full.data)} bytes"
        if len(gzip.compress(full.data)) >= GZIP_MAX:
            heavy[label] = f"HTML {len(gzip.compress(full.data))} bytes gzipped"
        if len(gzip.compress(swap.data)) >= GZIP_MAX:
            heavy[label] = f"swap {len(gzip.compress(swap.data))} bytes gzipped"
    assert not heavy, heavy


def test_pages_travel_compressed_to_a_browser_that_accepts_it(client, world, lists):
    login(client, world.users["treasurer"])
    lists.grow(200)
    path = "/quyen-gop/"
    plain = client.get(path)
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data.replace(
        *_csrf_pair(plain.data, gzip.decompress(packed.data)))
    assert len(packed.data) * 4 < len(plain.data)
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert client.get("/static/css/app.css").data == gzip.decompress(css.data)


def _csrf_pair(a: bytes, b: bytes) -> tuple[bytes, bytes]:
    """The two pages differ at most in their CSRF tokens (signed with a timestamp)."""
    import re

    ta = re.search(rb'name="csrf-token" content="([^"]+)"', a)
    tb = re.search(rb'name="csrf-token" content="([^"]+)"', b)
    return (ta.group(1), tb.group(1)) if ta and tb else (b"", b"")
