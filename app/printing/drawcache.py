"""Draw a background SVG repeated on every page once per document (the certificate frame).

Every Giấy khen has the same frame, an SVG background (static/img/cert-border-classic.svg).
WeasyPrint draws a non-repeating background image into a new Form XObject on each page, walking
the SVG again each time (a measured 12 % of a certificate's time, and a copy of the frame per
page in the PDF). Inside ``reuse_background_images()`` the Form XObject drawn for the first page
is drawn again on the next pages with the same image, size and position: WeasyPrint keeps one
resource dictionary for the whole document, so a page can use another page's XObject. The clip
to the painting area is still set on each page. Pinned to weasyprint==70.0 (requirements.txt):
this repeats the no-repeat branch of weasyprint.draw.draw_background_image.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

from weasyprint import draw as _draw
from weasyprint.images import SVGImage

__all__ = ["reuse_background_images"]

_ORIGINAL = _draw.draw_background_image
_local = threading.local()
_lock = threading.Lock()
_active = 0


def _draw_background_image(stream, layer, style):
    cache = getattr(_local, "cache", None)
    if (cache is None or not isinstance(layer.image, SVGImage) or 0 in layer.size
            or tuple(layer.repeat) != ("no-repeat", "no-repeat")):
        return _ORIGINAL(stream, layer, style)
    painting_x, painting_y, painting_width, painting_height = layer.painting_area
    positioning_x, positioning_y, _, _ = layer.positioning_area
    position_x, position_y = layer.position
    image_width, image_height = layer.size
    x, y = position_x + positioning_x, position_y + positioning_y
    key = (id(layer.image), image_width, image_height, x, y, tuple(stream.page_rectangle))
    with stream.artifact():
        if not layer.unbounded:
            stream.rectangle(painting_x, painting_y, painting_width, painting_height)
            stream.clip()
            stream.end()
        found = cache.get(key)
        # The same document (its one resource dictionary) and the same image object, not a
        # later one that happens to reuse a freed object's id.
        if found is None or found[0] is not stream._resources or found[1] is not layer.image:
            group = stream.add_group(*stream.page_rectangle)
            group.transform(e=x, f=y)
            layer.image.draw(group, image_width, image_height, style)
            found = cache[key] = (stream._resources, layer.image, group.id)
        stream.draw_x_object(found[2])


@contextmanager
def reuse_background_images():
    """Within this block (this thread), repeated SVG backgrounds are drawn once per document."""
    global _active
    with _lock:
        _active += 1
        _draw.draw_background_image = _draw_background_image
    previous = getattr(_local, "cache", None)
    _local.cache = {}
    try:
        yield
    finally:
        _local.cache = previous
        with _lock:
            _active -= 1
            if not _active:
                _draw.draw_background_image = _ORIGINAL
