"""Names as the public verification page shows them: "Nguyễn Thị Ngọc Ánh" -> "Nguyễn T. Ng. Ánh".

The reader holds the paper and only needs to see that the page names the same person; a stranger
who photographed a certificate on a wall must not learn a child's whole name from it. So the family
name and the given name stay (they are what people are called by and what a reader compares), and
each middle name shrinks to its first letter, or its first consonant cluster when that cluster is a
single sound in Vietnamese (Ng, Ngh, Nh, Th, Tr, Ch, Gi, Ph, Kh, Qu, Gh): "Ng." reads as Ngọc or
Nguyên, where "N." could be any of a dozen names. "Thị" is the exception: by long habit it is
written "T." (lists, class rolls), as in the issue's own example.

Collective names (a clan, a community, a unit) are not a person's name and are shown whole; the
caller says so (Honoree.collective, COLLECTIVE_KINDS, a donor of kind business/organisation).
"""
from __future__ import annotations

from app.vn.names import split_name
from app.vn.text import clean

# Longest first: "Ngh" before "Ng".
CLUSTERS = ("ngh", "ng", "nh", "th", "tr", "ch", "gi", "ph", "kh", "qu", "gh")
# Words that stand before a name on receipts ("Bà Nguyễn Thị Lan"): kept, and not taken as the
# family name (which would then be masked away).
HONORIFICS = {"ông", "bà", "anh", "chị", "cô", "chú", "bác", "thầy", "cháu", "em", "cụ", "hộ"}
_SHORT = {"thị": "T"}
# What a name on a receipt or a gift starts with when it is not a person's ("Hội Khuyến học huyện
# Lai Vung", "Công ty TNHH Minh Phát", "Trường THCS Lai Vung"): shown whole, like a collective.
# Compared with diacritics (casefold, not fold): "Trường" is a school, "Trương" a family name; and
# only whole leading words, never a family name that happens to be a word here (Đoàn: a family name,
# hence "đoàn thanh niên" in full).
ORGANISATION_LEADS = (
    "hội", "chi hội", "công ty", "cty", "tổng công ty", "doanh nghiệp", "dntn", "hợp tác xã", "htx",
    "ngân hàng", "trường", "ubnd", "ủy ban", "uỷ ban", "đảng ủy", "đảng uỷ", "mặt trận", "công đoàn",
    "đoàn thanh niên", "đoàn tncs", "ban", "quỹ", "phòng", "sở", "trung tâm", "bệnh viện", "trạm",
    "cửa hàng", "nhà thuốc", "tiệm", "cơ sở", "hộ kinh doanh", "câu lạc bộ", "clb", "chùa", "nhà thờ",
    "tịnh xá", "thánh thất", "nhóm", "tập thể", "dòng họ", "tộc họ", "ấp", "thôn", "xóm", "khóm",
    "khu phố", "tổ", "lớp", "tập đoàn", "văn phòng", "chi nhánh", "đại lý", "xí nghiệp", "nhà máy",
)


def initial(word: str) -> str:
    """"Ngọc" -> "Ng.", "Ánh" -> "Á.", "Thị" -> "T.", "NGỌC" -> "NG."; "" for an empty word."""
    if not word:
        return ""
    lowered = word.casefold()
    if lowered in _SHORT:
        short = _SHORT[lowered]
        return (short if word[:1].isupper() else short.lower()) + "."
    for cluster in CLUSTERS:
        # "Gi" is a cluster only before a vowel ("Giang"); "Gì" (g + ì) never matches since ì is not i.
        if lowered.startswith(cluster) and len(word) > len(cluster):
            return word[:len(cluster)] + "."
    return word[:1] + "."


def mask_parts(ho: str, dem: str, ten: str) -> str:
    """Family name and given name whole, each middle name to its initial."""
    middle = [initial(w) for w in clean(dem or "").split()]
    return " ".join(p for p in [clean(ho or ""), *middle, clean(ten or "")] if p)


def looks_like_organisation(text: str) -> bool:
    """True when `text` starts with the name of a kind of organisation (ORGANISATION_LEADS)."""
    lowered = " ".join((clean(text or "") or "").casefold().split())
    return any(lowered == lead or lowered.startswith(lead + " ") for lead in ORGANISATION_LEADS)


def mask_name(full: str | None, *, collective: bool = False) -> str:
    """A person's name masked for the public page; a collective's name whole. NFC, spaces collapsed.

    Anything in brackets after the name is dropped: a payout's recipient reads
    "Nguyễn Văn An (PH: Trần Thị Bình)", and the guardian's name is nobody else's business."""
    text = clean(full or "") or ""
    if collective or not text or looks_like_organisation(text):
        return text
    text = text.split("(", 1)[0].strip()
    words = text.split()
    lead = []
    while len(words) > 2 and words[0].casefold() in HONORIFICS:
        lead.append(words.pop(0))
    ho, dem, ten = split_name(" ".join(words))
    return " ".join(p for p in [*lead, mask_parts(ho, dem, ten)] if p)


__all__ = ["mask_name", "mask_parts", "initial", "looks_like_organisation", "CLUSTERS"]
