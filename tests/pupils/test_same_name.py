"""Issue 14 (7): a pupil's likely duplicate is the same name with its diacritics (and the same birth)."""
from datetime import date

from app.pupils import services
from tests.factories_scholarships import make_pupil, make_school


def _dups(world, name, **kw):
    return services.likely_duplicates(world.commune, services.PupilData.from_full_name(name, **kw))


def test_names_that_differ_by_their_marks_are_not_duplicates(world):
    born = date(2013, 5, 2)
    for name in ("Lê Văn Ẩn", "Trần Thị Hạ", "Phạm Thành Đức"):
        make_pupil(world.commune, name, birth_date=born)
    assert _dups(world, "Lê Văn Ân", birth_date=born) == []
    assert _dups(world, "Trần Thị Hà", birth_date=born) == []
    assert _dups(world, "Phạm Đức", birth_date=born) == []
    assert [p.full_name for p in _dups(world, "lê  văn ẩn", birth_date=born)] == ["Lê Văn Ẩn"]


def test_the_same_name_is_a_duplicate_unless_the_birth_years_differ(world):
    school = make_school(world.commune)
    an = make_pupil(world.commune, "Nguyễn Văn  An", birth_date=date(2013, 5, 2), school=school, guardian="Lê Thị Mai")
    assert _dups(world, "nguyễn văn an", birth_date=date(2013, 5, 2)) == [an]
    assert _dups(world, "nguyễn văn an", school=school, guardian="lê thị mai") == [an]
    assert _dups(world, "nguyễn văn an", birth_year=2014, school=school, guardian="lê thị mai") == []


def test_duplicate_pairs_pair_only_the_same_name(world):
    ha = make_pupil(world.commune, "Trần Thị Hà", birth_date=None, birth_year=2013)
    make_pupil(world.commune, "Trần Thị Hạ", birth_date=None, birth_year=2013)
    again = make_pupil(world.commune, "trần thị hà", birth_date=None, birth_year=2013)
    assert [(a.id, b.id) for a, b in services.duplicate_pairs(world.commune)] == [(ha.id, again.id)]
