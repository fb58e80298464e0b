"""Reuse WeasyPrint's line layout for repeated text in a long table (a measured hot spot).

In the attached list most cells repeat: the same school, class, achievement, amount, date, note.
WeasyPrint shapes every cell's text with Pango again (split_first_line: a new PangoLayout per
cell, about 40% of the layout time). Inside ``reuse_text_layouts()`` the result for the same text,
width and text-related style is shared. Sharing is safe: the layout is only read afterwards,
and drawing re-applies each box's own style (Layout.reactivate) before using it.
Pinned to weasyprint==70.0 (requirements.txt); the tests compare the PDF text with and without.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from weasyprint.layout import inline as _inline
from weasyprint.text import line_break as _line_break

_ORIGINAL = _line_break.split_first_line
# Every style property the line breaking reads (weasyprint/text/line_break.py, text/fonts.py).
_KEYS = ("direction", "font_family", "font_feature_settings", "font_language_override", "font_size",
         "font_stretch", "font_style", "font_variant_alternates", "font_variant_caps",
         "font_variant_east_asian", "font_variant_ligatures", "font_variant_numeric",
         "font_variant_position", "font_variation_settings", "font_weight", "hyphenate_character",
         "hyphenate_limit_chars", "hyphenate_limit_zone", "hyphens", "lang", "letter_spacing",
         "line_height", "overflow_wrap", "tab_size", "text_decoration_line", "white_space",
         "word_break", "word_spacing", "font_kerning", "text_transform")
_local = threading.local()
_lock = threading.Lock()
_active = 0


def _freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, set):
        return frozenset(value)
    return value


def _cached_split_first_line(text, style, context, max_width, justification_spacing,
                             is_line_start=True, minimum=False):
    cache = getattr(_local, "cache", None)
    if cache is None:
        return _ORIGINAL(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    # The style part of the key, once per style object; the entry keeps the style alive so its
    # id cannot be reused by another style while the cache lives.
    memo = _local.styles.get(id(style))
    if memo is None or memo[0] is not style:
        try:
            style_key = (id(style.font_config), tuple(_freeze(style[k]) for k in _KEYS))
            hash(style_key)
        except (TypeError, KeyError):
            style_key = None
        memo = _local.styles[id(style)] = (style, style_key)
    if memo[1] is None:
        return _ORIGINAL(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    key = (text, max_width, justification_spacing, is_line_start, minimum, memo[1])
    hit = cache.get(key)
    if hit is None:
        hit = cache[key] = _ORIGINAL(text, style, context, max_width, justification_spacing,
                                     is_line_start, minimum)
    return hit


@contextmanager
def reuse_text_layouts():
    """Share text layouts within this block (this thread only); the cache is dropped after."""
    global _active
    with _lock:
        _active += 1
        _inline.split_first_line = _cached_split_first_line
    previous = getattr(_local, "cache", None), getattr(_local, "styles", None)
    if previous[0] is None:
        _local.cache, _local.styles = {}, {}
    try:
        yield
    finally:
        _local.cache, _local.styles = previous
        with _lock:
            _active -= 1
            if not _active:
                _inline.split_first_line = _ORIGINAL
