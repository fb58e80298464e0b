"""What the public verification page says about a code (issue 18 B).

`describe(kind, ref_id)` answers a PublicView (app.papers.view), or None when there is no such paper;
the describers of each kind are in app.papers.kinds.

`describe_code(text)` is what the page calls: a forged, altered or mistyped code runs the same
lookup as a genuine code whose record is gone (a decoy kind, an id no row has), so the time an
answer takes tells nobody whether a code was genuine.
"""
from __future__ import annotations

import zlib

from . import codes, kinds  # noqa: F401  (kinds registers the describers)
from .view import (DESCRIBERS, DRAFT, LABELS, REPLACED, VALID, VOIDED, PublicView, describer, draft,
                   unit_names, voided)

NO_ROW = 0  # ids start at 1: the decoy lookup of a forged code finds nothing, as a deleted record would


def describe(kind: str, ref_id: int) -> PublicView | None:
    """The public view of paper (`kind`, `ref_id`), or None: unknown kind, no such record, or a record
    of another kind (a receipt's code naming a phiếu chi)."""
    fn = DESCRIBERS.get(kind)
    return fn(int(ref_id)) if fn is not None else None


def decoy_kind(text: str) -> str:
    """The kind a forged code is looked up as: spread over the kinds like genuine codes are, fixed per
    code (the same forged code always does the same work)."""
    kinds = sorted(DESCRIBERS)
    return kinds[zlib.crc32((text or "").encode("utf-8", "replace")) % len(kinds)]


def describe_code(text: str | None) -> tuple[str | None, PublicView | None]:
    """(kind, view) for what was typed or scanned: kind None for anything not a genuine code, view
    None for anything not found. Forged codes do the lookup a missing record does (see the module)."""
    found = codes.read(text)
    if found is None:
        describe(decoy_kind(text or ""), NO_ROW)
        return None, None
    kind, ref_id = found
    return kind, describe(kind, ref_id)


__all__ = ["PublicView", "describe", "describe_code", "describer", "DESCRIBERS", "LABELS",
           "VALID", "VOIDED", "REPLACED", "DRAFT", "voided", "draft", "unit_names"]
