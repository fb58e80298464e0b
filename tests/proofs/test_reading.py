"""The injection proof's reader (tests/proofs/reading.injected_markup) itself: what it lets through
must be exactly the images the print templates embed, and nothing a payload could make."""
from tests.proofs.reading import injected_markup


def test_own_embedded_images_pass_and_look_alikes_do_not():
    assert injected_markup('<img src="data:image/png;base64,iVBORw0KGgo=">') == []
    assert injected_markup('<img src="data:image/svg+xml;base64,PHN2Zz4=">') == []
    flagged = ['<img src="data:text/html,<script>alert(1)</script>">',
               '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
               '<a href="data:image/png;base64,iVBORw0KGgo=">x</a>',
               '<iframe src="data:image/png;base64,iVBORw0KGgo="></iframe>',
               '<img src="data:image/png;base64,iVBOR w0KGgo=">',
               '<img src="javascript:alert(1)">']
    for html in flagged:
        assert injected_markup(html), html
