"""Issue 20 F: the pupil list's count is kept in the reports cache (queries.pupil_count). It must be
the count of the rows the list pages through, for every filter and spelling, and a pupil written
under the list's unit must show at once."""
import unicodedata

from sqlalchemy import func, select

from app.extensions import db
from app.pupils import queries
from app.pupils.models import Pupil
from tests.factories_scholarships import make_pupil, make_school

# Messy on purpose: NFD input, đ/Đ, names that fold alike, a name with no diacritics at all.
NAMES = ["Nguyễn Thị Ánh", "Nguyễn Thị Anh", unicodedata.normalize("NFD", "Nguyễn Thị Ánh Hồng"),
         "Đặng Văn Đức", "Dang Van Duc", "Trần Thị Ngọc Ánh", "Lê Nguyễn Thị Anh Thư", "Ông Văn Ổn",
         "Nguyễn Văn An", "Phạm Thị Ảnh"]


def _rows(root, **filters) -> list[int]:
    return list(db.session.scalars(queries.pupil_query(root, **filters).with_only_columns(Pupil.id)))


def test_the_cached_count_is_the_count_of_the_rows_paged(app, world):
    school = make_school(world.commune, "Trường THCS Tân Lộc")
    for i, name in enumerate(NAMES):
        make_pupil(world.branch if i % 2 else world.commune, name, school=school if i % 3 else None,
                   village="Ấp Tân Lộc" if i % 4 else "Thôn Đông", circumstances={"poor"} if i % 2 else set())
    cases = [{}, {"q": "nguyen thi anh"}, {"q": "NGUYỄN THỊ ÁNH"}, {"q": "duc"}, {"q": "đức"}, {"q": "zzz"},
             {"village": "tan loc"}, {"school_id": school.id}, {"circumstance": "poor"},
             {"circumstance": "POOR"}, {"q": "anh", "village": "ấp tân lộc", "circumstance": "poor"}]
    for root in (world.province, world.commune, world.branch):
        for filters in cases:
            ids = _rows(root, **filters)
            full = dict(q="", school_id=None, grade=None, village="", circumstance="")
            full.update(filters)
            pages = [queries.pupil_page(root, page, 3, **full) for page in (1, 2, 3, 4)]
            assert all(p.total == len(ids) for p in pages), (root.name, filters)
            assert [p.id for page in pages for p in page.items] == ids[:12], (root.name, filters)
    # Spellings that compare alike share an entry; an exact filter typed otherwise does not.
    assert queries.filters_key({"q": "Nguyễn Thị Ánh"}) == queries.filters_key({"q": " nguyen  thi anh "})
    assert queries.filters_key({"circumstance": "poor"}) != queries.filters_key({"circumstance": "POOR"})


def test_a_new_pupil_shows_in_the_cached_count_at_once(app, world, as_user):
    make_pupil(world.branch, "Nguyễn Thị Ánh")
    client = as_user(world.users["viewer"])
    first = client.get("/hoc-sinh/?q=nguyen+thi+anh", htmx=True).get_data(as_text=True)
    assert "Nguyễn Thị Ánh" in first
    make_pupil(world.branch, "Nguyễn Thị Ánh Dương")
    counted = db.session.scalar(select(func.count()).select_from(Pupil).where(Pupil.search_key.contains("nguyen thi anh")))
    assert counted == 2
    page = queries.pupil_page(world.users["viewer"].unit, 1, 50, q="nguyen thi anh", school_id=None, grade=None,
                              village="", circumstance="")
    assert page.total == 2 and len(page.items) == 2
