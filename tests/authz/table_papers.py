"""The public verification page (issue 18 B): no login, the same for everyone."""
from tests.authz import Rule


def paper(world, own):
    from app.funds import services
    from app.papers import codes
    from tests.factories_funds import give

    entry = give(services.default_fund(world.commune if own else world.other_commune), 100_000)
    return {"code": codes.code_for("receipt", entry.id)}


TABLE = {"papers.search": Rule(public=True), "papers.verify": Rule(public=True, args=paper)}
