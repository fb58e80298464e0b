"""Old phones: every script the app serves parses on them and the CSS degrades instead of breaking.

The phones of issue 14: Android 9's WebView 69, Cốc Cốc builds that report Chrome 54, UC Browser on
a Chrome 40 engine. Their browserslist is package.json's "browserslist". The tools are pinned npm
packages installed at setup (scripts/vendor-static.sh): es-check parses the scripts (our own
static/js must be ES5, the vendored htmx, rebuilt by esbuild, ES2015), doiuse checks the CSS
against caniuse data. A finding not on ALLOWED below fails the suite; each allowed one says why the
page still works. The positive controls prove the gate catches `?.` and an unsupported CSS feature.
"""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "node_modules" / ".bin"
STATIC = ROOT / "static"

pytestmark = pytest.mark.skipif(shutil.which("node") is None,
                                reason="Node.js is missing: `make setup-test` installs it (scripts/system-deps.sh)")

# caniuse feature -> why the pages still work on the phones that lack it.
ALLOWED = {
    "css-variables": "Chrome 40-48 (UC's engine) drops declarations with var(): text keeps the inherited "
                     "colour, light backgrounds turn white; dark backgrounds under white text have a plain "
                     "fallback before the var() (test_dark_backgrounds_have_a_fallback_colour)",
    "flexbox-gap": "before Chrome 84 flex items lose the gap between them: tighter, still usable",
    "multicolumn": "column-gap on flex rows (.stats .parts): the same as flexbox-gap",
    "css-grid": "before Chrome 57 display:grid is ignored and the tiles (.cards, .stats, .facts, .charts) "
                "stack one per line, as a 360 px screen shows them anyway",
    "css-math-functions": "min() in the .charts grid columns: before Chrome 79 that rule is dropped and the "
                          "charts stack",
    "mdn-text-decoration-shorthand": "single keywords only (none, underline), which CSS 2 text-decoration "
                                     "understands (test_text_decoration_is_a_single_keyword)",
    "font-variant-numeric": "figures are not tabular before Chrome 52; amount columns are right-aligned anyway",
    "word-break": "break-word is partial in Chrome 40-43: a long word in the audit diff may overflow its cell",
    "css-overflow": "partial means overflow: clip and the two-value syntax, which the CSS does not use",
    "css-page-break": "page-break-* in certificate.css serve printing and WeasyPrint; screens ignore them",
}


def browsers() -> str:
    return ", ".join(json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["browserslist"])


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{path} is missing: run scripts/vendor-static.sh (make setup installs it)"
    return str(path)


def es_check(version: str, files) -> subprocess.CompletedProcess:
    return subprocess.run([tool("es-check"), version, "--noColor", *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def css_findings(files) -> dict:
    """doiuse's findings for ``files``: {caniuse feature: ["file:line:col: message", ...]}."""
    run = subprocess.run([tool("doiuse"), "--json", "-b", browsers(), *map(str, files)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    found = {}
    for line in run.stdout.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            found.setdefault(item["feature"], []).append(item["message"])
    return found


def unexpected(found: dict) -> list:
    return [msg for feature, msgs in found.items() if feature not in ALLOWED for msg in msgs]


def served_scripts() -> list:
    """Every .js a template loads through asset(), plus all of static/js."""
    names = set()
    for template in (ROOT / "templates").rglob("*.html"):
        names.update(re.findall(r"asset\(['\"]([^'\"]+\.js)['\"]\)", template.read_text(encoding="utf-8")))
    files = {STATIC / n for n in names} | set((STATIC / "js").glob("*.js"))
    missing = [str(f) for f in files if not f.exists()]
    assert not missing, f"scripts referenced but not built: {missing} (run scripts/vendor-static.sh)"
    return sorted(files)


def test_every_served_script_parses_as_es2015_and_ours_as_es5():
    files = served_scripts()
    assert STATIC / "vendor" / "htmx.min.js" in files and STATIC / "js" / "app.js" in files
    run = es_check("es6", files)
    assert run.returncode == 0, run.stdout + run.stderr
    own = es_check("es5", sorted((STATIC / "js").glob("*.js")))
    assert own.returncode == 0, own.stdout + own.stderr


def test_our_script_avoids_dom_apis_newer_than_chrome_40():
    # es-check reads syntax only; these parse fine and then throw on old phones (UC's Chrome 40 engine).
    newer = re.compile(r"\.(replaceChildren|replaceWith|closest|append|prepend|before|after|toggleAttribute|"
                       r"includes|startsWith|endsWith)\(|\b(fetch|Object\.(assign|entries|values|fromEntries)|"
                       r"Array\.from|Promise|URLSearchParams|structuredClone|queueMicrotask|IntersectionObserver)\b")
    for script in (STATIC / "js").glob("*.js"):
        hits = [m.group(0) for m in newer.finditer(script.read_text(encoding="utf-8"))]
        assert not hits, f"{script.name}: {hits}"


def test_gate_catches_optional_chaining_and_let_in_our_script(tmp_path):
    modern = tmp_path / "modern.js"
    modern.write_text("var a = window.x?.y ?? 1;\n", encoding="utf-8")
    assert es_check("es6", [modern]).returncode != 0
    es2015 = tmp_path / "es2015.js"
    es2015.write_text("let a = () => 1;\n", encoding="utf-8")
    assert es_check("es6", [es2015]).returncode == 0 and es_check("es5", [es2015]).returncode != 0
    # The upstream htmx is exactly what the phones cannot parse: the rebuild is needed.
    assert es_check("es6", [ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"]).returncode != 0


def test_css_uses_nothing_the_phones_lack_beyond_what_degrades():
    found = css_findings(sorted((STATIC / "css").glob("*.css")))
    assert not unexpected(found), "\n".join(unexpected(found))


def test_gate_catches_an_unsupported_css_feature(tmp_path):
    sheet = tmp_path / "new.css"
    sheet.write_text(".bar{position:sticky;top:0}\n.tile{display:grid}\n", encoding="utf-8")
    found = css_findings([sheet])
    assert "css-grid" in found  # allowed, and still reported
    assert [m for m in unexpected(found) if "css-sticky" in m], found


def rules(css: str):
    """(selector, [(property, value), ...]) for every innermost block of ``css``."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = [tuple(part.strip() for part in d.split(":", 1)) for d in body.split(";") if ":" in d]
        yield selector.strip(), decls


def dark(colour: str) -> bool:
    hexa = colour.strip().lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", hexa):
        return False
    r, g, b = (int(hexa[i:i + 2], 16) for i in (0, 2, 4))
    return 0.299 * r + 0.587 * g + 0.114 * b < 128


def missing_fallbacks(css: str) -> list:
    """Rules whose background is a dark var() with no plain value before it in the same rule."""
    variables = {p: v for sel, decls in rules(css) if sel == ":root" for p, v in decls if p.startswith("--")}
    problems = []
    for selector, decls in rules(css):
        for i, (prop, value) in enumerate(decls):
            used = re.findall(r"var\((--[\w-]+)", value)
            if prop in ("background", "background-color") and any(dark(variables.get(v, "")) for v in used):
                if not any(p == prop and "var(" not in v for p, v in decls[:i]):
                    problems.append(f"{selector}{{{prop}:{value}}}")
    return problems


def test_dark_backgrounds_have_a_fallback_colour():
    # Without var() support a dark background would vanish under its white text (the menu, primary buttons).
    for sheet in (STATIC / "css").glob("*.css"):
        problems = missing_fallbacks(sheet.read_text(encoding="utf-8"))
        assert not problems, f"{sheet.name}: add a plain background before the var(): {problems}"
    assert missing_fallbacks(":root{--b:#0b5394}.top{color:#fff;background:var(--b)}") == [
        ".top{background:var(--b)}"]
    assert not missing_fallbacks(":root{--b:#0b5394}.top{background:#0b5394;background:var(--b)}")
    assert not missing_fallbacks(":root{--c:#fff}.card{background:var(--c)}")


def test_text_decoration_is_a_single_keyword():
    for sheet in (STATIC / "css").glob("*.css"):
        for selector, decls in rules(sheet.read_text(encoding="utf-8")):
            for prop, value in decls:
                if prop == "text-decoration":
                    assert value in ("none", "underline", "line-through"), f"{sheet.name} {selector}: {value}"


def test_every_page_shell_that_loads_htmx_turns_its_inline_styles_off():
    # htmx's indicator styles are an inline <style> the CSP refuses (an error in the console on every
    # page); pages that do not extend base.html (public disclosure, certificate previews, PDFs) load no
    # htmx at all. tests/browser/test_old_phones.py checks the same in a real browser.
    shells = [t for t in (ROOT / "templates").rglob("*.html") if "<html" in t.read_text(encoding="utf-8")]
    assert len(shells) >= 5 and ROOT / "templates" / "base.html" in shells
    loading = []
    for shell in shells:
        text = shell.read_text(encoding="utf-8")
        if "htmx" in text:
            loading.append(shell.name)
            config = json.loads(re.search(r"name=\"htmx-config\" content='([^']+)'", text).group(1))
            assert config["includeIndicatorStyles"] is False, shell
    assert "base.html" in loading
