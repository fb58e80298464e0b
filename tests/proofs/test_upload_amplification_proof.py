"""Proof: no crafted upload makes the reader's worker grow past a stated ceiling (issue 15, finding 1).

Each upload of tests/proofs/crafted_xlsx.py (declared dimension, cells past the template, rows past
the cap, a far row, shared strings, a huge cell, styles, sheets, deep and countless elements, and,
at full size only, uploads just under each of the reader's bounds) is read by
app.core.xlsx.read_upload in a fresh child process, whose peak memory is compared with a child that
only imports the same modules. Before the fix the declared
dimension alone cost +627 MB and 1.5 million shared strings +234 MB.

Peak memory is the child's VmHWM (/proc/self/status), the high-water mark of its own address space:
ru_maxrss is not used because Linux carries the parent's maximum over fork and exec, so every child
of a big pytest process would report at least the parent's size.
"""
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.proofs import crafted_xlsx as crafted
from tests.proofs.report import full_size, report, size

CEILING_MB = 64
ROOT = Path(__file__).resolve().parents[2]
CHILD = r"""
import json, resource, sys
from app.core import xlsx
import openpyxl  # noqa: F401 (the baseline loads what a reading worker has loaded)

def peak_kb():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

outcome = "baseline"
if len(sys.argv) > 1:
    data = open(sys.argv[1], "rb").read()

    class Upload:
        filename = "ds.xlsx"

        def read(self, n=-1):
            return data if n is None or n < 0 else data[:n]

    try:
        rows = xlsx.read_upload(Upload(), max_rows=5000, max_bytes=8 * 1024 * 1024, columns=13)
        outcome = f"read {len(rows)} rows of at most {max((len(r) for r in rows), default=0)} cells"
    except xlsx.XlsxError as err:
        outcome = "refused: " + str(err)
print(json.dumps({"kb": peak_kb(), "outcome": outcome}))
"""

# Reduced size (make test): the slow builders smaller; make prove builds every upload at full size.
REDUCED = {"cells far past the template": 0.2, "200,000 rows": 0.1, "1.5 million shared strings": 0.1,
           "a 24-million-character cell": 0.1, "a 20-million-character attribute": 0.1,
           "3 million elements beside the rows": 0.1, "2 million nested elements": 0.1}
UPLOADS = dict(crafted.CRAFTED, **crafted.AT_CAPS)  # AT_CAPS: only at full size (they take long to read)


def _child(*args) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)
    if done.returncode != 0:
        return {"kb": 10 ** 9, "outcome": "crashed: " + done.stderr[-300:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_each_crafted_upload_stays_under_the_memory_ceiling():
    uploads = {name: build for name, build in UPLOADS.items() if full_size() or name not in crafted.AT_CAPS}
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for i, (name, build) in enumerate(uploads.items()):
            paths[name] = Path(tmp) / f"{i}.xlsx"
            paths[name].write_bytes(build(scale=size(REDUCED.get(name, 1), 1)))
        with ThreadPoolExecutor(max_workers=3) as pool:
            base = pool.submit(_child)
            results = {name: pool.submit(_child, str(path)) for name, path in paths.items()}
            baseline = base.result()["kb"]
            grown = {name: (f.result()["kb"] - baseline) / 1024 for name, f in results.items()}
            outcomes = {name: f.result()["outcome"] for name, f in results.items()}
    for name in uploads:
        print(f"  {name}: +{grown[name]:.1f} MB, {outcomes[name][:90]}")
    worst = max(grown, key=grown.get)
    clean = all(o.startswith(("read ", "refused: ")) for o in outcomes.values())
    wide = all(" of at most " not in o or int(o.rsplit(" ", 2)[-2]) <= 13 for o in outcomes.values())
    passed = clean and wide and grown[worst] < CEILING_MB
    report("Upload amplification", f"{len(uploads)} crafted uploads, worst peak +{grown[worst]:.0f} MB ({worst}); "
           f"{sum(o.startswith('refused') for o in outcomes.values())} refused, none wider than the template",
           passed, target=f"each upload < +{CEILING_MB} MB over baseline, refused or read with the template's columns")
    assert clean, outcomes
    assert wide, outcomes
    assert grown[worst] < CEILING_MB, grown
