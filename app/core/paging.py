"""Pages of long lists fetched by ids first.

A database OFFSET over whole rows reads and sorts every skipped row; over the list's index it
only skips index entries. So a long list takes the page's ids from an index, counts the matches
in a second query (SQLite answers `count(*) OVER ()` by materialising and sorting every match:
20 ms instead of 1 ms on 30,000 pupils), then loads just the page's rows.
"""
from sqlalchemy import func, select

from app.extensions import db


class Page:
    """What the pager macro needs: items, page, pages, total, prev/next."""

    def __init__(self, items, page: int, per_page: int, total: int):
        self.items, self.page, self.per_page, self.total = items, page, per_page, total
        self.pages = max(1, -(-total // per_page))
        self.has_prev, self.has_next = page > 1, page < self.pages
        self.prev_num, self.next_num = page - 1, page + 1


def count_of(stmt) -> int:
    """Rows matched by a select, its ORDER BY dropped."""
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))


def paginate_ids(stmt, model, page: int, per_page: int, *options, count_stmt=None, total: int | None = None) -> Page:
    """One page of an ordered select(model): the page's ids, the total (`total` when the caller has
    counted already, to choose how to order; else of `count_stmt` when given: the same rows selected
    without joins that only order them), then those rows with `options`."""
    ids = list(db.session.scalars(stmt.with_only_columns(model.id).limit(per_page).offset((page - 1) * per_page)))
    # Always counted, even when a short page tells the total: a page runs the same statements
    # whatever the data (tests/perf/test_query_counts.py holds every main page to that).
    if total is None:
        total = count_of((count_stmt if count_stmt is not None else stmt).with_only_columns(model.id))
    rows = {o.id: o for o in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))} \
        if ids else {}
    return Page([rows[i] for i in ids], page, per_page, total)
