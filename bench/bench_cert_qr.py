"""Issue 18 bench: 200 certificates with their verification QR against the same 200 without, in one run.

Run: .venv/bin/python -m bench.bench_cert_qr      (BENCH_ROUNDS=5 for more rounds, BENCH_CERTS=50 to try)
A scratch database (bench.lib.scratch_app) gets a commune, its certificate template and a decision
of 200 lines (names, places and achievements as bench/bench_print.py makes them). Each run builds the
certificates the way the print job does (app.commendations.certificates.certificates_of: with the
code, its HMAC and the QR drawn as a PNG for each line, certificates.verify_mark) and lays them out into one PDF
(documents.certificates_pdf, the engine's chunks). "Without" is the same with no mark at all (the
certificate's mark (certificates.verify_mark) replaced by one answering False, which the template prints as nothing). The two
alternate for a few rounds, so a noisy machine slows both alike; the medians and their ratio are
reported (the issue's target: the codes add under 20 %).
"""
import os
import statistics
import sys
import time
from datetime import date

from bench.bench_print import make_rows
from bench.lib import Scoreboard, scratch_app

N_CERTS = int(os.environ.get("BENCH_CERTS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
TARGET = 0.20


def _world(n: int) -> int:
    from app.commendations import certificates as certs
    from app.commendations import services
    from app.core.db import write_mode
    from app.extensions import db
    from app.units.services import create_unit

    with write_mode():
        province = create_unit(None, "Hội Khuyến học tỉnh Bền Vững", "province")
        commune = create_unit(province, "Hội Khuyến học xã Quảng Phú", "commune")
        certs.save_setting(commune, issuer_line="Ban Thường vụ Hội Khuyến học xã Quảng Phú", title="GIẤY KHEN",
                           border="classic", logo="img/logo-khuyen-hoc.svg",
                           signer_title="TM. BAN THƯỜNG VỤ\nCHỦ TỊCH", signer_name="Trịnh Đức Hưng",
                           place="Quảng Phú", paper="a4")
        d = services.create_decision(commune, services.DecisionData(
            number="15/QĐ-HKH", decision_date=date(2026, 2, 5), title="Về việc khen thưởng học sinh giỏi",
            place="Quảng Phú", signer_name="Trịnh Đức Hưng", school_year="2025-2026"))
        for r in make_rows(n):
            services.add_honoree(d, services.HonoreeData(name=r["full_name"], achievement=r["achievement"],
                                                         place=r["place"]))
        db.session.commit()
    return d.id


def _once(decision_id: int, with_codes: bool) -> tuple[float, int]:
    """(seconds, PDF bytes) to build and lay out the decision's certificates."""
    from app.commendations import certificates as certs
    from app.commendations import documents
    from app.commendations.models import Decision
    from app.extensions import db

    real = certs.verify_mark
    if not with_codes:
        certs.verify_mark = lambda honoree_id: False
    try:
        t0 = time.perf_counter()
        items = certs.certificates_of(db.session.get(Decision, decision_id))
        pdf = documents.certificates_pdf(items)
        seconds = time.perf_counter() - t0
    finally:
        certs.verify_mark = real
    assert pdf.startswith(b"%PDF") and all((c["verify"] is False) != with_codes for c in items)
    return seconds, len(pdf)


def run() -> int:
    with scratch_app() as app:
        app.config["PUBLIC_URL"] = "https://khuyenhoc.quangphu.vn"
        decision_id = _world(N_CERTS)
        with app.test_request_context("/"):
            _once(decision_id, True)  # warm: fonts, templates, the SVG frame
            times = {True: [], False: []}
            sizes = {}
            for i in range(ROUNDS):
                for with_codes in ((True, False) if i % 2 == 0 else (False, True)):
                    seconds, sizes[with_codes] = _once(decision_id, with_codes)
                    times[with_codes].append(seconds)
                    print(f"  vòng {i + 1}, {'có mã' if with_codes else 'không mã'}: {seconds:.2f} s", flush=True)
    with_qr, without = statistics.median(times[True]), statistics.median(times[False])
    extra = with_qr / without - 1
    board = Scoreboard(f"Giấy khen có mã xác minh: {N_CERTS} giấy khen, {ROUNDS} vòng xen kẽ (trung vị)")
    board.add(f"{N_CERTS} giấy khen không mã", f"{without:.2f} s ({sizes[False] // 1024} KB)")
    board.add(f"{N_CERTS} giấy khen có mã QR", f"{with_qr:.2f} s ({sizes[True] // 1024} KB)")
    board.add("Mã xác minh làm chậm thêm", f"{extra * 100:.1f} % (tỉ số {with_qr / without:.3f})",
              f"dưới {TARGET * 100:.0f} %", extra < TARGET)
    return 0 if board.print() else 1


if __name__ == "__main__":
    sys.exit(run())
