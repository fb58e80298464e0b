"""Opening the public verification page the way a stranger does: no login, the code from the paper."""
import re

from app.papers import codes


def answer(client, kind: str, ref_id: int, **kw):
    """(status, the answer's text without tags) of the page for paper (kind, ref_id)."""
    resp = client.get(f"/xac-minh/{codes.code_for(kind, ref_id)}", **kw)
    return resp.status_code, text_of(resp.get_data(as_text=True))


def text_of(html: str) -> str:
    """The #verify section's visible text, spaces collapsed (what a reader sees of the answer)."""
    m = re.search(r'<section id="verify".*?</section>', html, re.S)
    body = m.group(0) if m else html
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", body).strip()


def flip(code: str, at: int = 7) -> str:
    """`code` with one character changed (another of the alphabet): a mistyped or altered code."""
    ch = code[at]
    other = codes.ALPHABET[(codes.ALPHABET.index(ch) + 1) % len(codes.ALPHABET)]
    return code[:at] + other + code[at + 1:]
