"""Print benchmark (issue 16): the engine's plain chunking against the old fast path and naive.

    .venv/bin/python -m bench.bench_print                  # the comparison table, then the checks
    BENCH_QUICK=1 .venv/bin/python -m bench.bench_print    # comparison only, smaller list
    BENCH_ROUNDS=2 ...                                     # best of two per cell
    BENCH_PARTS=1 ...                                      # first, the old layer's parts one by one

The comparison lays out 200 certificates (the real template, templates/pdf/commendations/
certificates.html, when it exists) and a long list (LIST_ROWS rows, the attached list's template)
four ways, each in a fresh subprocess with warm fonts:
- naive: one WeasyPrint document for the whole batch or list (memory grows with its length);
- plain: the engine (app.printing.services): stock WeasyPrint, one process, chunks of N documents
  laid out one after another and joined with pypdf (bounded memory);
- fast: the speed layer the engine had before issue 16 (process pool with a warm fork server,
  predicted page breaks, monkey-patched text and background caches, a lean user-agent sheet,
  stylesheet cache, footers cut out of content streams by regex), run from the app as of commit
  FAST_REF, extracted with `git archive` (BENCH_FAST_REF to choose another), with PRINT_PROCESSES
  render processes (default one per CPU);
- fast1: the same old code in one process: its single-process tricks without the process pool.
Wall seconds, CPU seconds of the whole process tree (render processes included) and peak memory.
Each twice: idle, then loaded (a CPU-bound `python -c "while True: pass"` running beside it). The
machine is shared and noisy: compare the ratios of one run, within one condition (the four paths
of a condition run back to back; CPU seconds vary much less than wall seconds there). Then (not
BENCH_QUICK) the engine's 10,000-name list (time, memory of the whole process tree, pdftotext
checks) and list pages timed while it prints.
"""
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import time

from pathlib import Path

try:  # `python -m bench.bench_print` or `python bench/bench_print.py` (bench/__main__.py)
    from bench.lib import ROOT, Scoreboard, percentiles, scratch_app
except ImportError:
    from lib import ROOT, Scoreboard, percentiles, scratch_app

NAIVE = (
    '{% extends "pdf/_base.html" %}{% block content %}<h1>DANH SÁCH KHEN THƯỞNG</h1>'
    '<table class="grid"><thead><tr><th>STT</th><th>Họ và tên</th><th>Ngày sinh</th><th>Lớp, trường</th>'
    '<th>Thành tích</th><th>Số tiền (đồng)</th><th>Ghi chú</th></tr></thead><tbody>'
    '{% for r in rows %}<tr><td class="center">{{ loop.index }}</td><td>{{ r.full_name }}</td>'
    '<td class="center">{{ r.birth_date | short_date }}</td><td>{{ r.place }}</td><td>{{ r.achievement }}</td>'
    '<td class="right">{{ r.amount | number }}</td><td>{{ r.note }}</td></tr>{% endfor %}'
    '</tbody></table>{% endblock %}'
)
LIST = ('{% extends "pdf/_list.html" %}{% block list_header %}<h1>DANH SÁCH KHEN THƯỞNG</h1>'
        '<p class="center italic">(Kèm theo Quyết định số 15/QĐ-HKH ngày 05/02/2026)</p>{% endblock %}')
CERT = (
    '{% extends "pdf/_base.html" %}{% set landscape = true %}{% set page_numbers = false %}'
    '{% block page_css %}section.cert { break-after: page; height: 170mm; border: 3pt double #8a1c1c;'
    ' padding: 10mm; text-align: center; } .name { font-size: 30pt; }{% endblock %}'
    '{% block content %}{% for it in items %}<section class="cert"><p class="bold">HỘI KHUYẾN HỌC XÃ QUẢNG PHÚ</p>'
    '<h1>GIẤY KHEN</h1><p class="display name">{{ it.name }}</p><p>{{ it.achievement }}</p>'
    '<p class="italic">Quảng Phú, ngày 05 tháng 02 năm 2026</p><p class="bold">CHỦ TỊCH</p>'
    '<p>Trịnh Đức Hưng</p></section>{% endfor %}{% endblock %}'
)
HO = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
DEM = ["Thị", "Văn", "Ngọc", "Đức", "Minh", "Thanh", "Quốc", "Hữu", "Thị Ánh", "Văn Hùng", "Thị Thu"]
TEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hương", "Khánh", "Lộc", "Mỹ", "Nhung", "Phúc", "Tuyết", "Ẩn"]
ACH = ["Học sinh giỏi cấp huyện", "Học sinh xuất sắc", "Giải Nhất Olympic Toán cấp tỉnh năm học 2025-2026",
       "Hoàn thành xuất sắc nhiệm vụ học tập", "Giải Ba học sinh giỏi Ngữ văn cấp tỉnh", "Vượt khó học tốt"]


def make_rows(n):
    rnd = random.Random(5)
    return [dict(full_name=f"{rnd.choice(HO)} {rnd.choice(DEM)} {rnd.choice(TEN)}",
                 birth_date=datetime.date(2008 + i % 10, 1 + rnd.randrange(12), 1 + rnd.randrange(28)),
                 place=f"Lớp {1 + rnd.randrange(12)}{'ABCD'[rnd.randrange(4)]}, Trường THCS số {1 + rnd.randrange(25)}",
                 achievement=rnd.choice(ACH), amount=rnd.choice([200_000, 300_000, 500_000, 1_000_000]),
                 note=rnd.choice(["", "", "", "Hộ nghèo", "Con thương binh"])) for i in range(n)]


# The real certificate: where it is now, or where the old tree (FAST_REF) kept it.
REAL_CERTS = ("pdf/commendations/certificates.html", "commendations/pdf/certificates.html")


def cert_items(rows, real):
    if not real:
        return [{"name": r["full_name"], "achievement": r["achievement"]} for r in rows]
    return [{"border": "classic", "logo": "", "issuer": "Ban Thường vụ Hội Khuyến học xã Quảng Phú",
             "title": "GIẤY KHEN", "name": r["full_name"], "name_class": "name-l", "detail": r["place"],
             "achievement": r["achievement"], "ach_class": "ach-l", "school_year": "2025-2026",
             "decision": "Quyết định số 15/QĐ-HKH ngày 05/02/2026", "register": str(i + 1),
             "place_date": "Quảng Phú, ngày 05 tháng 02 năm 2026", "signer_title": ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"],
             "signer_name": "Trịnh Đức Hưng"} for i, r in enumerate(rows)]


def _descendants(pid):
    """Every process below ``pid`` (the render processes are children of the fork server)."""
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    children = [int(c) for c in fh.read().split()]
            except OSError:
                continue
            out.extend(children)
            stack.extend(children)
    return out


def _cpu(pid):
    """CPU seconds (user + system) one process has used so far, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory(pid):
    """(Pss, Rss) in kB of one process, from smaps_rollup."""
    values = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("Pss", "Rss"):
                    values[key] = int(rest.split()[0])
    except OSError:
        return 0, 0
    return values.get("Pss", 0), values.get("Rss", 0)


class TreeMemory:
    """Samples the memory of this process and all its descendants every 50 ms.

    peak_pss: the largest sum of PSS (each shared page split between the processes sharing it:
    the memory the whole tree really uses); peak_rss: the largest sum of RSS (shared pages counted
    in every process: an overestimate). With one process both are about its resident size.
    """

    def __init__(self):
        import threading

        self.peak_pss = self.peak_rss = 0
        self.by_pid = {}  # pid: peak PSS in kB
        self.cpu_by_pid = {}  # pid: CPU seconds at the last sample
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        pss = rss = 0
        for pid in [os.getpid(), *_descendants(os.getpid())]:
            p, r = _memory(pid)
            pss, rss = pss + p, rss + r
            self.by_pid[pid] = max(p, self.by_pid.get(pid, 0))
            self.cpu_by_pid[pid] = max(_cpu(pid), self.cpu_by_pid.get(pid, 0.0))
        self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)

    def _run(self):
        while not self._stop.wait(0.05):
            self._sample()

    @property
    def cpu(self):
        """CPU seconds the tree used inside the block (render processes sampled every 50 ms)."""
        return sum(self.cpu_by_pid.values()) - self.cpu_start

    def __enter__(self):
        self._sample()
        self.cpu_start = sum(self.cpu_by_pid.values())
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()


def check_list(pdf, n):
    """The 'Trang x / y' footers, the header row on every page, STT 1..n once each, the total in words."""
    import re
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        text = subprocess.run(["pdftotext", "-layout", fh.name, "-"], capture_output=True, text=True,
                              check=True).stdout
        fonts = subprocess.run(["pdffonts", fh.name], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    footers = [re.search(r"Trang (\d+) / (\d+)\s*$", p) for p in pages]
    numbers_ok = all(f and int(f.group(1)) == i and int(f.group(2)) == len(pages) for i, f in enumerate(footers, 1))
    header_ok = all("Họ và tên" in p for p in pages[:-1])
    stt = [int(m) for m in re.findall(r"^\s*(\d+)\s+[^\d\s]", text, re.M)]
    stt_ok = stt == list(range(1, n + 1))
    words_ok = "Số tiền bằng chữ" in pages[-1] and "đồng" in pages[-1]
    fonts_ok = all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])
    return {"pages": len(pages), "numbers_ok": numbers_ok, "header_ok": header_ok, "stt_ok": stt_ok,
            "words_ok": words_ok, "fonts_ok": fonts_ok}


FAST_REF = "69ccc91d522677b6aacedbb4929cb93a908e0c95"  # the last commit with the old speed layer in app/printing
LIST_ROWS = 2000
PATHS = ("naive", "plain", "fast", "fast1")
N_CERTS = 200


def child(kind, n):
    """Runs in a subprocess: render once, print JSON with seconds and peak memory in MB.

    kind: "<path>-<doc>" with path naive, plain, fast or fast1 (the old speed layer in one process)
    and doc certs or list; "list-bg" is the
    engine's list at nice 10 (the print worker's situation)."""
    os.environ.setdefault("INSTANCE_PATH", "/tmp/skh-bench-print")
    from jinja2 import ChoiceLoader, DictLoader, TemplateNotFound

    from app import create_app

    path, _, doc = kind.partition("-")
    if kind == "list-bg":  # the print worker's situation: lower priority
        import signal

        os.nice(10)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        path, doc = "plain", "list"
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/skh-bench-print/b.db"})
    app.jinja_env.loader = ChoiceLoader([DictLoader({"b/naive.html": NAIVE, "b/list.html": LIST,
                                                     "b/cert.html": CERT}), app.jinja_env.loader])
    with app.app_context():
        from app.printing.services import render_pdf

        cert, real = "b/cert.html", False
        for name in REAL_CERTS:
            try:
                app.jinja_env.get_template(name)
            except TemplateNotFound:
                continue
            cert, real = name, True
            break
        rows = make_rows(n)
        certs = cert_items(rows, real)
        render_pdf("b/naive.html", rows=rows[:3])  # warm: fonts registered, templates compiled
        render_pdf(cert, items=certs[:1])
        if path.startswith("fast"):  # app/printing as of FAST_REF: render processes started like the worker
            from app.printing import procpool
            from app.printing.longlist import render_list_pdf
            from app.printing.many import render_many

            processes = procpool.configured(app.config) if path == "fast" else 1  # fast1: its tricks alone
            if processes > 1:
                procpool.warm(processes)
            switch_off(path.split("~")[1:])
            scope = procpool.background(processes)
        else:
            from contextlib import nullcontext

            from app.printing.services import render_list_pdf, render_many

            scope = nullcontext()
        if kind == "list-bg":
            print("started", flush=True)
        result = {"template": cert}
        memory = TreeMemory()
        start = time.perf_counter()
        with memory, scope:
            if path == "naive":
                pdf = render_pdf("b/naive.html", rows=rows) if doc == "list" else render_pdf(cert, items=certs)
            elif doc == "list":
                pdf = render_list_pdf("b/list.html", rows, amount_key="amount")
            else:
                pdf = render_many(cert, certs)
        result["seconds"] = time.perf_counter() - start
        result["cpu"] = memory.cpu
        result["bytes"] = len(pdf)
        if doc == "list" and path == "plain":
            result["check"] = check_list(pdf, n)
    hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
    result["main_hwm_mb"] = int(hwm.split()[1]) / 1024
    result["peak_mb"] = memory.peak_pss / 1024
    result["peak_rss_mb"] = memory.peak_rss / 1024
    print(json.dumps(result))


PARTS = {  # the old speed layer's single-process parts, as BENCH_PARTS=1 switches them off one by one
    "text": "text layouts reused (textcache.py, a monkey-patch of split_first_line)",
    "draw": "certificate frame drawn once (drawcache.py, a monkey-patch of draw_background_image)",
    "lean": "lean user-agent sheet and rows parsed by expat (lean.py, parts.py: private API)",
    "sheets": "stylesheets parsed once per thread (sheets.py)",
    "stamps": "footers cut out of content streams by regex (stamps.py)",
    "predict": "page breaks predicted (paginate.py: private API)",
}


def switch_off(names):
    """In the old tree (fast1~name~...): those parts replaced by what WeasyPrint does without them."""
    from contextlib import nullcontext

    from app.printing import chunked, many, parts

    for name in names:
        if name == "text":
            chunked.reuse_text_layouts = parts.reuse_text_layouts = many.reuse_text_layouts = nullcontext
        elif name == "draw":
            parts.reuse_background_images = many.reuse_background_images = nullcontext
        elif name == "lean":
            from weasyprint import HTML

            parts._spliced, parts.LeanHTML = (lambda *args: None), HTML
        elif name == "sheets":
            parts.split_stylesheets = lambda *args: None
        elif name == "stamps":
            chunked.number_stamps = lambda *args: None
        elif name == "predict":
            chunked.probe_geometry = lambda *args: None


def parts_table(list_rows):
    """CPU seconds of fast1 with each part switched off, beside plain and fast1 (one process each)."""
    root = fast_tree(os.environ.get("BENCH_FAST_REF") or FAST_REF)
    print("\n| tài liệu | biến thể | CPU s | ÷ fast1 |\n|---|---|---|---|")
    for doc, n, names in (("list", list_rows, ("text", "lean", "sheets", "stamps", "predict")),
                          ("certs", N_CERTS, ("text", "draw", "lean", "sheets"))):
        base = run(f"fast1-{doc}", n, root)["cpu"]
        variants = [("plain (engine)", run(f"plain-{doc}", n))]
        variants += [(f"fast1 without {name}: {PARTS[name]}", run(f"fast1~{name}-{doc}", n, root)) for name in names]
        variants.append(("fast1 without all of them", run("fast1~" + "~".join(names) + f"-{doc}", n, root)))
        print(f"| {doc} {n} | fast1 | {base:.2f} | 1.00 |")
        for label, result in variants:
            print(f"| {doc} {n} | {label} | {result['cpu']:.2f} | {result['cpu'] / base:.2f} |", flush=True)


def fast_tree(ref):
    """The app as of ``ref`` (app/, templates/, static/) in a directory of its own, extracted once."""
    target = Path(f"/tmp/skh-bench-fast-{ref[:12]}")
    if not (target / "app" / "printing" / "procpool.py").is_file():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", ref, "app", "templates", "static"], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        vendor = ROOT / "static" / "vendor"  # fonts are installed, not committed; copied, as the
        if vendor.is_dir() and not (target / "static" / "vendor").exists():  # fetcher refuses symlinks
            shutil.copytree(vendor, target / "static" / "vendor")
    return target


def run(kind, n, root=None):
    env = dict(os.environ, BENCH_PRINT_ROOT=str(root or ROOT))
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(n)], cwd=root or ROOT, check=True,
                         capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def best(kind, n, rounds, root=None):
    result = min((run(kind, n, root) for _ in range(rounds)), key=lambda r: r["seconds"])
    print(f"  {kind} {n}: {result['seconds']:.2f} s, {result['peak_mb']:.0f} MB", file=sys.stderr, flush=True)
    return result


def compare(list_rows, rounds):
    """{(doc, condition): {path: result}}: the three paths back to back, idle then loaded."""
    fast_root = fast_tree(os.environ.get("BENCH_FAST_REF") or FAST_REF)
    out = {}
    for condition in ("idle", "loaded"):
        print(f"{condition}:", file=sys.stderr, flush=True)
        hog = None
        if condition == "loaded":
            hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            time.sleep(0.5)
        try:
            for doc, n in (("certs", N_CERTS), ("list", list_rows)):
                out[doc, condition] = {path: best(f"{path}-{doc}", n, rounds,
                                                  fast_root if path.startswith("fast") else None)
                                       for path in PATHS}
        finally:
            if hog is not None:
                hog.kill()
                hog.wait()
    return out


def print_table(results, list_rows):
    """The comparison: wall seconds (CPU seconds of the whole process tree), peak memory, ratios of
    wall seconds (>1: the second is faster)."""
    names = {"certs": f"{N_CERTS} giấy khen", "list": f"danh sách {list_rows:,} tên".replace(",", ".")}
    print("\n| tài liệu | máy | naive | plain (engine) | fast (cũ, 2 tiến trình) | fast1 (cũ, 1 tiến trình) "
          "| plain÷fast | plain÷fast1 | naive÷plain |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (doc, condition), by in results.items():
        cell = {p: f"{r['seconds']:.1f} s ({r['cpu']:.1f} s CPU), {r['peak_mb']:.0f} MB" for p, r in by.items()}
        wall = {p: r["seconds"] for p, r in by.items()}
        print(f"| {names[doc]} | {'rảnh' if condition == 'idle' else 'bận'} | {cell['naive']} | {cell['plain']} "
              f"| {cell['fast']} | {cell['fast1']} | {wall['plain'] / wall['fast']:.2f}× "
              f"| {wall['plain'] / wall['fast1']:.2f}× | {wall['naive'] / wall['plain']:.2f}× |")
    print(flush=True)


def checked(result):
    check = result.get("check") or {}
    bad = [k for k in ("numbers_ok", "header_ok", "stt_ok", "words_ok", "fonts_ok") if not check.get(k)]
    return f"{check.get('pages', '?')} trang, " + ("đủ" if not bad else "LỖI: " + ", ".join(bad)), not bad


def pages_while_printing(n, seconds):
    """p50/p95 of list pages (Flask test client, server time) idle, then while a background process
    (nice 10, render processes below it, like `flask print-worker`) prints an n-name list."""
    pages = ["/khen-thuong/", "/quyen-gop/", "/hoc-sinh/"]
    with scratch_app() as app:
        from app.core.db import write_mode
        from app.demo.services import seed
        from app.extensions import db

        with write_mode():
            logins = seed()
            db.session.commit()
        password = next(p for u, p, *_ in logins if u == "thuquy")
        client = app.test_client()
        resp = client.post("/dang-nhap", data={"username": "thuquy", "password": password})
        assert resp.status_code in (302, 303), resp.status_code

        def sample(duration, until=None):
            samples, end = [], time.perf_counter() + duration
            while time.perf_counter() < end and (until is None or until.poll() is None):
                for url in pages:
                    t = time.perf_counter()
                    assert client.get(url).status_code == 200, url
                    samples.append((time.perf_counter() - t) * 1000)
                time.sleep(0.02)  # a user's pace, not a flood
            return samples

        sample(2)
        idle = percentiles(sample(min(seconds, 8)))
        job = subprocess.Popen([sys.executable, __file__, "--child", "list-bg", str(n)], cwd=ROOT,
                               stdout=subprocess.PIPE, text=True, start_new_session=True)
        try:
            assert job.stdout.readline().strip() == "started"
            time.sleep(1)
            busy = sample(seconds, until=job)
        finally:
            if job.poll() is None:
                job.terminate()
                try:
                    job.wait(60)
                except subprocess.TimeoutExpired:
                    os.killpg(job.pid, 9)
            job.wait()
        return idle, percentiles(busy), len(busy)


def main():
    quick = os.environ.get("BENCH_QUICK") == "1"
    rounds = int(os.environ.get("BENCH_ROUNDS") or 1)
    list_rows = 1000 if quick else LIST_ROWS
    board = Scoreboard("In ấn: chia khúc thường, đường nhanh cũ và cách làm thô (issue 16)"
                       + (" — BENCH_QUICK" if quick else ""))
    if os.environ.get("BENCH_PARTS") == "1":
        parts_table(list_rows)
    results = compare(list_rows, rounds)
    print_table(results, list_rows)
    for (doc, condition), by in results.items():
        for path in ("fast", "fast1"):  # a figure to read, not a target: the rule is in the report
            wall = by["plain"]["seconds"] / by[path]["seconds"]
            cpu = by["plain"]["cpu"] / by[path]["cpu"]
            board.add(f"{path} (cũ) so với plain: {doc}, {condition}", f"{wall:.2f}× thời gian, {cpu:.2f}× CPU",
                      ">= 1,5× cả rảnh lẫn bận thì mới đáng giữ")
    board.add(f"Danh sách {list_rows} tên (chia khúc): số trang, chân trang, STT, tiêu đề bảng, bằng chữ, phông",
              *checked(results["list", "idle"]["plain"]))
    if not quick:
        list10k = run("plain-list", 10000)
        board.add("Danh sách 10.000 tên (chia khúc, một tiến trình)", f"{list10k['seconds']:.1f} s", "< 120 s",
                  list10k["seconds"] < 120)
        board.add("Bộ nhớ đỉnh 10.000 tên (PSS)", f"{list10k['peak_mb']:.0f} MB", "< 300 MB",
                  list10k["peak_mb"] < 300)
        board.add("Danh sách 10.000 tên: số trang, chân trang, STT, tiêu đề bảng, bằng chữ, phông",
                  *checked(list10k))
        (idle50, idle95), (busy50, busy95), count = pages_while_printing(10000, 25)
        board.add("Trang danh sách khi đang in 10.000 tên nền (p50 | p95)",
                  f"p50 {busy50:.0f} ms, p95 {busy95:.0f} ms ({count} lượt; khi rảnh p95 {idle95:.0f} ms)",
                  "p95 < 150 ms", busy95 < 150)
    ok = board.print()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, os.environ.get("BENCH_PRINT_ROOT") or str(ROOT))
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
