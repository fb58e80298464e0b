"""Disclosure routes: the admin pages, PDFs and honour rolls, publishing, and the public page."""
from tests.authz import ALL, Rule

ADMIN = frozenset({"admin"})


def unit_year(world, own):
    from app.core.clock import today

    return {"unit_id": (world.commune if own else world.other_commune).id, "year": today().year - 1}


def published(world, own):
    """The commune's last year, published (the public page answers 404 before that)."""
    from app.disclosure import services
    from app.extensions import db
    from app.core.clock import today

    year = today().year - 1
    if services.published(world.commune, year) is None:
        services.publish(world.commune, year, today())
        db.session.commit()
    return {"unit_id": world.commune.id, "year": year}


def published_unit(world, own):
    return {"unit_id": published(world, own)["unit_id"]}


def campaign(world, own):
    from tests.factories_donations import make_campaign, make_donation

    c = make_campaign(world.branch if own else world.other_branch)
    make_donation(c)
    return {"campaign_id": c.id}


TABLE = {
    "disclosure.index": Rule(ALL),
    "disclosure.report_page": Rule(ALL, args=unit_year),
    "disclosure.report_pdf": Rule(ALL, args=unit_year),
    "disclosure.publish": Rule(ADMIN, args=unit_year),
    "disclosure.unpublish": Rule(ADMIN, args=unit_year),
    "disclosure.report_print": Rule(ALL, args=unit_year),
    "disclosure.honour_campaign": Rule(ALL, args=campaign),
    "disclosure.honour_campaign_print": Rule(ALL, args=campaign),
    "disclosure.honour_year": Rule(ALL, args=unit_year),
    "disclosure.honour_year_print": Rule(ALL, args=unit_year),
    "disclosure.public": Rule(public=True, args=published),
    "disclosure.public_pdf": Rule(public=True, args=published),
    "disclosure.public_index": Rule(public=True, args=published_unit),
}
