"""Print benchmark (issue 5): long lists against the naive one-table rendering, certificates.

    .venv/bin/python bench/bench_print.py                 # naive 10,000 estimated from 2,000 and 5,000
    BENCH_FULL=1 .venv/bin/python bench/bench_print.py    # also renders the naive 10,000 (minutes)
    BENCH_QUICK=1 .venv/bin/python bench/bench_print.py   # 1,000-name list, 2,000 for memory, 50 certificates

Each rendering runs in a fresh subprocess (warm fonts first), which reports its time and its peak
memory (VmHWM). Naive and fast renderings alternate, best of two each: the machine may be loaded,
so the ratios measured in the same run are the figures to compare. Certificates use the real
template (templates/commendations/pdf/certificates.html) when it exists, else a simple one here.
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


def child(kind, n):
    """Runs in a subprocess: render once, print JSON with seconds and peak RSS in MB."""
    os.environ.setdefault("INSTANCE_PATH", "/tmp/skh-bench-print")
    from jinja2 import ChoiceLoader, DictLoader, TemplateNotFound

    from app import create_app
    from app.printing.longlist import render_list_pdf
    from app.printing.many import render_many
    from app.printing.services import render_pdf

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite:////tmp/skh-bench-print/b.db"})
    app.jinja_env.loader = ChoiceLoader([DictLoader({"b/naive.html": NAIVE, "b/list.html": LIST,
                                                     "b/cert.html": CERT}), app.jinja_env.loader])
    with app.app_context():
        try:
            app.jinja_env.get_template(REAL_CERT)
            cert, real = REAL_CERT, True
        except TemplateNotFound:
            cert, real = "b/cert.html", False
        rows = make_rows(n)
        render_pdf("b/naive.html", rows=rows[:3])  # warm: fonts registered, templates compiled
        certs = cert_items(rows, real)
        result = {"template": cert}
        start = time.perf_counter()
        if kind == "naive":
            pdf = render_pdf("b/naive.html", rows=rows)
        elif kind == "list":
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
    hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM"))
    result["peak_mb"] = int(hwm.split()[1]) / 1024
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


def main():
    quick = os.environ.get("BENCH_QUICK") == "1"
    full = os.environ.get("BENCH_FULL") == "1" and not quick
    board = Scoreboard("In ấn: danh sách dài và giấy khen (issue 5)" + (" — BENCH_QUICK" if quick else ""))
    naive1k, list1k = pair("naive", "list", 1000)
    ratio = naive1k["seconds"] / list1k["seconds"]
    board.add("Danh sách 1.000 tên (nhanh | thô | tỉ lệ)", fmt(list1k, naive1k), "< 3 s", list1k["seconds"] < 3)
    board.add("Nhanh hơn cách làm thô (1.000, cùng lượt)", f"{ratio:.2f} lần", ">= 1,7 lần", ratio >= 1.7)
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
        board.add("Bộ nhớ đỉnh 10.000 tên", f"{list10k['peak_mb']:.0f} MB", "< 300 MB", list10k["peak_mb"] < 300)
        per = [r["seconds"] / n for r, n in ((list2k, 2), (list5k, 5), (list10k, 10))]
        board.add("Thời gian mỗi 1.000 tên (2k/5k/10k)", " / ".join(f"{p:.2f} s" for p in per), "tuyến tính",
                  max(per) < 1.5 * min(per))
        board.add("Bộ nhớ đỉnh 2k/5k/10k", " / ".join(f"{r['peak_mb']:.0f}" for r in (list2k, list5k, list10k))
                  + " MB", "tuyến tính, < 300 MB", list10k["peak_mb"] < 300)
    n_certs = 50 if quick else 200
    naive_c, certs = pair("naive-certs", "certs", n_certs, rounds=1)
    target = 3 * n_certs / 200
    board.add(f"{n_certs} giấy khen một tệp ({certs['template']})", fmt(certs, naive_c), f"< {target:g} s",
              certs["seconds"] < target)
    naive1, one = pair("naive-cert1", "cert1", 30, rounds=1)
    board.add("Một giấy khen, tiến trình ấm (trung vị)", fmt(one, naive1, "ms", 1000), "< 150 ms",
              one["seconds"] < 0.15)
    ok = board.print()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        sys.path.insert(0, str(ROOT))
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
