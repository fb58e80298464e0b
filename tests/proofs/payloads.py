"""Script-injection payloads (our own set), SQL metacharacters for search boxes.

Every payload carries a marker "xssNN" placed so that, if the payload were ever interpreted as
markup, the marker would become an element or attribute name (tests/proofs/support.py looks for
exactly that), besides event handlers and javascript:/data: URLs. Vietnamese text is mixed in,
precomposed (NFC) and decomposed (NFD, as some phone keyboards send it).
"""
import unicodedata


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


PAYLOADS = [
    "<script>alert('xss01')</script><xss01>",
    "<img src=x onerror=alert(1) xss02>",
    "<svg onload=alert(1) xss03>",
    "<svg><script>alert(1)</script><xss04/></svg>",
    '<iframe src="javascript:alert(1)" xss05></iframe>',
    "<body onload=alert(1) xss06>",
    '<a href="javascript:alert(1)" xss07>bấm vào đây</a>',
    "<xss08 onclick=alert(1)>Nguyễn</xss08>",
    '"><script>alert(1)</script><b xss09>',
    "'><img src=x onerror=alert(1) xss10>",
    '" onmouseover="alert(1)" xss11="',
    "' onfocus='alert(1)' autofocus xss12='",
    "</textarea><script>alert(1)</script><i xss13>",
    "</title><script>alert(1)</script><i xss14>",
    "<details open ontoggle=alert(1) xss15>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1) xss16>",
    '<object data="javascript:alert(1)" xss17>',
    "<embed src=javascript:alert(1) xss18>",
    "<form action=javascript:alert(1) xss19><button>Gửi</button></form>",
    "<button formaction=javascript:alert(1) xss20>Lưu</button>",
    "<input autofocus onfocus=alert(1) xss21>",
    "<marquee onstart=alert(1) xss22>Khuyến học</marquee>",
    "<video><source onerror=alert(1) xss23></video>",
    "<audio src=x onerror=alert(1) xss24>",
    '<base href="javascript:alert(1)//" xss25>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)" xss26>',
    "<link rel=stylesheet href=javascript:alert(1) xss27>",
    "<style>@import 'javascript:alert(1)';</style><b xss28>",
    '<div style="background:url(javascript:alert(1))" xss29>',
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20" xss30>bấm</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s xss31>",
    "<svg><set attributeName=onmouseover to=alert(1) xss32>",
    "<img src=x onerror=alert(1)//xss33",
    "<scr<script>ipt>alert(1)</scr</script>ipt><i xss34>",
    "<<script>alert(1);//<</script><i xss35>",
    '<img """><script>alert(1)</script>"><i xss36>',
    '<!--<img src="--><img src=x onerror=alert(1) xss37>',
    "<![CDATA[<script>alert(1)</script>]]><i xss38>",
    "javascript:alert('xss39')",
    "JaVaScRiPt:alert('xss40')",
    "&#106;avascript:alert('xss41')",
    "data:text/html,<script>alert('xss42')</script>",
    "{{ config }} {{7*7}} {% print 'xss43' %}",
    "${alert(1)} #{7*7} xss44",
    "&lt;script&gt;alert(1)&lt;/script&gt; xss45",
    "%3Cscript%3Ealert(1)%3C/script%3E xss46",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e xss47",
    "Nguyễn Thị Đào<script>alert(1)</script><i xss48>",
    _nfd("Trần Văn Bình") + "<img src=x onerror=alert(1) xss49>",
    'Hội Khuyến học "xã Tân Phú" <b>in đậm</b> <i xss50>',
    _nfd("Lê Thị Hồng Nhung") + '"><svg/onload=alert(1) xss51>',
    "<img src=x onerror=\"alert('Khuyến học')\" xss52>",
    "O'Brien & Nguyễn <Tâm> \"Bé\" xss53",
    "<svg/onload=alert(1)/xss54>",
    '<a href=" javas\tcript:alert(1)" xss55>bấm</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1) xss56>">',
    "<template><script>alert(1)</script></template><i xss57>",
    '<table background="javascript:alert(1)" xss58>',
    "<frameset onload=alert(1) xss59>",
    _nfd("Phạm Thị Ánh Tuyết") + " <script>alert('xss60')</script><xss60>",
    '=HYPERLINK("http://evil.example","xss61")',
    "+cmd|' /C calc'!A0 xss62",
    "@SUM(1+1)*cmd|' /C calc'!A0 xss63",
    "-2+3+cmd|'/C calc'!A0 xss64",
]
assert len(PAYLOADS) >= 50 and len(set(PAYLOADS)) == len(PAYLOADS)

# Characters with a meaning in SQL (and in LIKE patterns), alone and in classic injection strings.
SQL_META = ["'", '"', "%", "\\", "' OR '1'='1", "' OR 1=1 --", '" OR ""="', "'; DROP TABLE unit; --",
            "1; DELETE FROM donation", "%' OR '%'='", "Nguyễn%", "_guy_n", "[a-z]*", "' UNION SELECT username FROM "
            "user_account --", "\\'; --", "$1", "?", "`", "--", "/*", "*/"]
