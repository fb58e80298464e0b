"""Report routes (roll-up, year report page / PDF / background PDF / xlsx): every role reads, within
its scope. The dashboard ("dashboard.index") stays in table_core.py. `don_vi` names the acting user's
commune (own) or the other commune (other: 404, as for every record outside the scope)."""
from tests.authz import ALL, Rule


def unit_query(world, own):
    return {"don_vi": (world.commune if own else world.other_commune).id, "ky": "2025-2026"}


TABLE = {
    "reports.rollup": Rule(ALL, query=unit_query),
    "reports.rollup_export": Rule(ALL, query=unit_query),
    "reports.year_report": Rule(ALL, query=unit_query),
    "reports.year_report_pdf": Rule(ALL, query=unit_query),
    "reports.year_report_print": Rule(ALL, query=unit_query),
    "reports.year_report_xlsx": Rule(ALL, query=unit_query),
}
