"""Issue 20 F: a decision page's warnings are kept in the reports cache (queries.list_warnings). They
must be warnings_for()'s, and a line written on another decision of the unit's subtree, or a renamed
line of the list itself, must show at once."""
import unicodedata

from app.commendations import queries, services
from app.extensions import db
from tests.factories_commendations import add, make_decision

# Messy on purpose: NFD input, names that fold alike, a dropped middle name, a one-letter slip.
NAMES = ["Nguyễn Thị Ánh", unicodedata.normalize("NFD", "Nguyễn Thị Ánh"), "Nguyễn Ánh", "Trần Văn Bình",
         "Trần Văm Bình", "Đặng Văn Đức", "Dang Van Duc", "Lê Thị Thu", "Lê Thị Thủy"]


def _fresh(d):
    return queries.warnings_for(d, services.honorees(d))


def test_cached_warnings_are_warnings_for_and_follow_writes(app, world):
    d = make_decision(world.commune)
    for name in NAMES:
        add(d, name, "Học sinh giỏi cấp tỉnh")
    rows = services.honorees(d)
    first = queries.list_warnings(d, rows)
    assert first == _fresh(d) and first  # near names and same names are warned
    assert queries.list_warnings(d, rows) is first  # kept: the second read is the cached entry

    # Another decision below the unit honours one of them for the same achievement: warned at once.
    other = make_decision(world.branch)
    add(other, "Lê Thị Thu", "Học sinh giỏi cấp tỉnh")
    rows = services.honorees(d)
    after = queries.list_warnings(d, rows)
    assert after == _fresh(d) and after != first
    thu = next(h for h in rows if h.full_name == "Lê Thị Thu")
    assert any("Quyết định số" in w for w in after[thu.id])

    # A line removed from the list: its warnings and its partners' go.
    slip = next(h for h in rows if h.full_name == "Trần Văm Bình")
    services.remove_honoree(slip)
    db.session.commit()
    rows = services.honorees(d)
    assert queries.list_warnings(d, rows) == _fresh(d)
    assert slip.id not in queries.list_warnings(d, rows)


def test_the_page_counts_the_cached_warnings(app, world, as_user):
    d = make_decision(world.commune)
    for name in NAMES[:3]:
        add(d, name)
    page = as_user(world.users["viewer"]).get(f"/khen-thuong/quyet-dinh/{d.id}").get_data(as_text=True)
    assert f"{len(_fresh(d))} dòng có cảnh báo" in page
