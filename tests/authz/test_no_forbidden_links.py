"""No link leads to a 403 page (issue 14 B): every role, and a user with several roles, taps through
everything reachable from the dashboard on data of every kind, and no page it reaches refuses them."""
import pytest

from tests.authz.crawl import crawl, links_of, shape
from tests.conftest import login
from tests.factories import make_user

LIMIT = 400  # pages per role; each path shape (other ids, other query values) is fetched once


@pytest.fixture
def rich_world(app, monkeypatch):
    """The proofs' world (records of every kind, in every state, in two communes), with every document
    "long": its GET then answers the page offering a background print, whose links are crawled too
    (the signing sheet's "Quay lại" led an admin to the treasurer's payout page), and no PDF is printed."""
    from app.disclosure import documents
    from app.piggybanks import sheet as pig_sheet
    from app.reports import pdf as report_pdf
    from app.scholarships import sheet as round_sheet
    from tests.proofs.world import proof_world

    monkeypatch.setattr(round_sheet, "DIRECT_MAX", 0)
    monkeypatch.setattr(pig_sheet, "DIRECT_MAX", 0)
    monkeypatch.setattr(report_pdf, "DIRECT_MAX_ROWS", 0)
    monkeypatch.setattr(documents, "DIRECT_MAX", 0)
    return proof_world()


def _users(world):
    users = dict(world.users)
    users["admin+treasurer"] = make_user(world.commune, roles=["admin", "treasurer"], username="chutich_a")
    users["province_admin"] = world.province_admin
    return users


@pytest.mark.parametrize("who", ["admin", "treasurer", "clerk", "viewer", "admin+treasurer", "province_admin"])
def test_no_link_reachable_from_the_dashboard_answers_403(app, rich_world, who):
    user = _users(rich_world)[who]
    client = app.test_client()
    login(client, user)
    result = crawl(client, "/", LIMIT)
    assert result["seen"] > 40, result  # the crawl really walked the app
    assert not result["forbidden"], "\n".join(f"{url}  (linked from {parent})" for url, parent in result["forbidden"])


def test_the_crawler_catches_a_forbidden_link(app, world):
    # Positive control: a viewer sent to the users page (admins only) is reported, with where it came from.
    client = app.test_client()
    login(client, world.users["viewer"])
    result = crawl(client, "/nguoi-dung/", 5)
    assert result["forbidden"] == [("/nguoi-dung/", "(start)")]


def test_links_and_shapes():
    html = '<a href="/hoc-bong/12?trang=2">x</a><a href="https://example.org/">y</a><div hx-get="/don-vi/3"></div>'
    assert links_of(html) == ["/hoc-bong/12?trang=2", "https://example.org/", "/don-vi/3"]
    assert shape("/hoc-bong/12?trang=2") == shape("/hoc-bong/40?trang=9") != shape("/hoc-bong/12")
    assert shape("/x.xlsx?format=csv") != shape("/x.xlsx?format=xlsx")
