"""Print benchmark (issue 5): long lists against the naive one-table rendering, certificates.

    .venv/bin/python bench/bench_print.py                 # naive 10,000 estimated from 2,000 and 5,000
    BENCH_FULL=1 .venv/bin/python bench/bench_print.py    # also renders the naive 10,000 (minutes)
    BENCH_QUICK=1 .venv/bin/python bench/bench_print.py   # 1,000-name list, 2,000 for memory, 200 certificates

Each rendering runs in a fresh subprocess (warm fonts first; the fast renderings also start the
render processes' fork server first, as `flask print-worker` does at launch, and use
PRINT_PROCESSES render processes, default one per CPU). Memory is the peak of the PSS summed over
the subprocess and every process below it (fork server, render processes), sampled every 50 ms;
the sum of RSS (shared pages counted in each process) is shown beside it for 10,000 names. Naive
and fast renderings alternate, best of two each: the machine may be loaded, so the ratios measured
in the same run are the figures to compare. The fast list is checked with pdftotext ("Trang x / y"
on every page, header row on every page, STT 1..n once each, total in words, fonts embedded).
Certificates use the real template (templates/commendations/pdf/certificates.html) when it
exists, else a simple one here. Last, list pages (Flask test client, demo data) are timed idle and
while another process prints a 10,000-name list in the background at nice 10.
"""
import datetime
import json
import os
import random
import subprocess
import sys
import time

from lib import ROOT, Scoreboard

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


REAL_CERT = "commendations/pdf/certificates.html"


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
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self):
        pss = rss = 0
        for pid in [os.getpid(), *_descendants(os.getpid())]:
            p, r = _memory(pid)
            pss, rss = pss + p, rss + r
            self.by_pid[pid] = max(p, self.by_pid.get(pid, 0))
        self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)

    def _run(self):
        while not self._stop.wait(0.05):
            self._sample()

    def __enter__(self):
        self._sample()
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


def child(kind, n):
    """Runs in a subprocess: render once, print JSON with seconds and peak memory in MB."""
    os.environ.setdefault("INSTANCE_PATH", "/tmp/skh-bench-print")
    from jinja2 import ChoiceLoader, DictLoader, TemplateNotFound

    from app import create_app
    from app.printing import chunked, procpool
    from app.printing.longlist import render_list_pdf
    from app.printing.many import render_many
    from app.printing.services import render_pdf

    if kind == "list-bg":  # the print worker's situation: lower priority, render processes below it
        import signal

        os.nice(10)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop cleanly: render processes too
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/skh-bench-print/b.db"})
    app.jinja_env.loader = ChoiceLoader([DictLoader({"b/naive.html": NAIVE, "b/list.html": LIST,
                                                     "b/cert.html": CERT}), app.jinja_env.loader])
    processes = procpool.configured(app.config)
    with app.app_context():
        try:
            app.jinja_env.get_template(REAL_CERT)
            cert, real = REAL_CERT, True
        except TemplateNotFound:
            cert, real = "b/cert.html", False
        rows = make_rows(n)
        render_pdf("b/naive.html", rows=rows[:3])  # warm: fonts registered, templates compiled
        certs = cert_items(rows, real) if "cert" in kind else []
        if kind in ("list", "certs", "list-bg"):
            # Like `flask print-worker`: the render processes' fork server is started at launch.
            procpool.warm(processes)
        if kind == "list-bg":
            print("started", flush=True)
        result = {"template": cert}
        memory = TreeMemory()
        start = time.perf_counter()
        with memory, procpool.background(processes):
            if kind == "naive":
                pdf = render_pdf("b/naive.html", rows=rows)
            elif kind in ("list", "list-bg"):
                pdf = render_list_pdf("b/list.html", rows, amount_key="amount")
            elif kind == "certs":
                pdf = render_many(cert, certs)
            elif kind == "naive-certs":
                pdf = render_pdf(cert, items=certs)
            elif kind in ("cert1", "naive-cert1"):
                one = (lambda it: render_many(cert, [it])) if kind == "cert1" else (lambda it: render_pdf(cert, items=[it]))
                one(certs[0])
                samples = []
                for item in certs[1:21]:
                    t = time.perf_counter()
                    pdf = one(item)
                    samples.append(time.perf_counter() - t)
                result["median"] = sorted(samples)[len(samples) // 2]
        result["seconds"] = result.get("median", time.perf_counter() - start)
        result["bytes"] = len(pdf)
        result["run"] = {k: v for k, v in chunked.LAST_RUN.items() if k != "peaks"}
        if kind == "list":
            result["check"] = check_list(pdf, n)
    hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
    result["main_hwm_mb"] = int(hwm.split()[1]) / 1024
    result["peak_mb"] = memory.peak_pss / 1024
    result["peak_rss_mb"] = memory.peak_rss / 1024
    result["pss_by_process_mb"] = sorted((round(v / 1024) for v in memory.by_pid.values()), reverse=True)
    print(json.dumps(result))


def run(kind, n):
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(n)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def pair(naive_kind, fast_kind, n, rounds=2):
    """Naive and fast alternating, best of ``rounds`` each (same run, same machine state)."""
    runs = [(run(naive_kind, n), run(fast_kind, n)) for _ in range(rounds)]
    return (min((r[0] for r in runs), key=lambda r: r["seconds"]),
            min((r[1] for r in runs), key=lambda r: r["seconds"]))


def fmt(fast, naive=None, unit="s", scale=1.0):
    text = f"{fast['seconds'] * scale:.2f} {unit}, {fast['peak_mb']:.0f} MB"
    if naive is not None:
        text += (f" | thô {naive['seconds'] * scale:.2f} {unit}, {naive['peak_mb']:.0f} MB"
                 f" | {naive['seconds'] / fast['seconds']:.2f} lần")
    return text


def checked(result):
    check = result.get("check") or {}
    bad = [k for k in ("numbers_ok", "header_ok", "stt_ok", "words_ok", "fonts_ok") if not check.get(k)]
    return f"{check.get('pages', '?')} trang, " + ("đủ" if not bad else "LỖI: " + ", ".join(bad)), not bad


def pages_while_printing(n, seconds):
    """p50/p95 of list pages (Flask test client, server time) idle, then while a background process
    (nice 10, render processes below it, like `flask print-worker`) prints an n-name list."""
    from lib import percentiles, scratch_app

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
    full = os.environ.get("BENCH_FULL") == "1" and not quick
    board = Scoreboard("In ấn: danh sách dài và giấy khen (issue 5)" + (" — BENCH_QUICK" if quick else ""))
    naive1k, list1k = pair("naive", "list", 1000)
    ratio = naive1k["seconds"] / list1k["seconds"]
    board.add("Danh sách 1.000 tên (nhanh | thô | tỉ lệ)", fmt(list1k, naive1k), "< 3 s", list1k["seconds"] < 3)
    board.add("Nhanh hơn cách làm thô (1.000, cùng lượt)", f"{ratio:.2f} lần", ">= 1,7 lần", ratio >= 1.7)
    board.add("Danh sách 1.000 tên: số trang, chân trang, STT, tiêu đề bảng, bằng chữ, phông", *checked(list1k))
    if quick:
        list2k = run("list", 2000)
        board.add("Danh sách 2.000 tên (bộ nhớ đỉnh)", fmt(list2k), "< 300 MB", list2k["peak_mb"] < 300)
    else:
        list2k, list5k, list10k = run("list", 2000), run("list", 5000), run("list", 10000)
        if full:
            naive10k = run("naive", 10000)
            board.add("Danh sách 10.000 tên (nhanh | thô đo thật | tỉ lệ)", fmt(list10k, naive10k), "< 40 s",
                      list10k["seconds"] < 40)
        else:
            naive2k, naive5k = run("naive", 2000), run("naive", 5000)
            # Linear extrapolation from 2,000 and 5,000 rows (an underestimate if it grows faster).
            est = naive5k["seconds"] + (naive5k["seconds"] - naive2k["seconds"]) / 3000 * 5000
            mem = naive5k["peak_mb"] + (naive5k["peak_mb"] - naive2k["peak_mb"]) / 3000 * 5000
            board.add("Danh sách 10.000 tên (nhanh | thô ƯỚC TÍNH từ 2k/5k | tỉ lệ)",
                      f"{fmt(list10k)} | thô ~{est:.0f} s, ~{mem:.0f} MB | ~{est / list10k['seconds']:.1f} lần",
                      "< 40 s", list10k["seconds"] < 40)
        board.add("Bộ nhớ đỉnh 10.000 tên (PSS cả cây tiến trình)",
                  f"{list10k['peak_mb']:.0f} MB (RSS cộng dồn {list10k['peak_rss_mb']:.0f} MB, "
                  f"tiến trình chính {list10k['main_hwm_mb']:.0f} MB)", "< 300 MB", list10k["peak_mb"] < 300)
        board.add("Danh sách 10.000 tên: số trang, chân trang, STT, tiêu đề bảng, bằng chữ, phông",
                  *checked(list10k))
        per = [r["seconds"] / n for r, n in ((list2k, 2), (list5k, 5), (list10k, 10))]
        board.add("Thời gian mỗi 1.000 tên (2k/5k/10k)", " / ".join(f"{p:.2f} s" for p in per), "tuyến tính",
                  max(per) < 1.5 * min(per))
        board.add("Bộ nhớ đỉnh 2k/5k/10k", " / ".join(f"{r['peak_mb']:.0f}" for r in (list2k, list5k, list10k))
                  + " MB", "tuyến tính, < 300 MB", list10k["peak_mb"] < 300)
    n_certs = 200
    naive_c, certs = pair("naive-certs", "certs", n_certs, rounds=1 if quick else 2)
    board.add(f"{n_certs} giấy khen một tệp ({certs['template']})", fmt(certs, naive_c), "< 3 s",
              certs["seconds"] < 3)
    naive1, one = pair("naive-cert1", "cert1", 30, rounds=1)
    board.add("Một giấy khen, tiến trình ấm (trung vị)", fmt(one, naive1, "ms", 1000), "< 150 ms",
              one["seconds"] < 0.15)
    (idle50, idle95), (busy50, busy95), count = pages_while_printing(10000, 10 if quick else 25)
    board.add("Trang danh sách khi đang in 10.000 tên nền (p50 | p95)",
              f"p50 {busy50:.0f} ms, p95 {busy95:.0f} ms ({count} lượt; khi rảnh p95 {idle95:.0f} ms)",
              "p95 < 150 ms", busy95 < 150)
    ok = board.print()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
