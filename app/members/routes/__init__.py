"""Member pages, one module a noun (one blueprint): members (the register: list, add, edit, leave,
links), imports (.xlsx), dues (settings, batches, who paid, lapsed, passing up), cards (printed
member cards), population (each unit's population per year)."""
from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/hoi-vien")


from . import members, imports, dues, cards, population, links  # noqa: E402,F401  (they add their views to bp)
