#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# bench/scale's figures: reads the runs bench/scale recorded in WORK (one file per
# series, a line per run: "milliseconds peak_kb status", status "ok" or why the
# run does not count; follow: seconds, "timeout", "not-ready" or "error" per run) and prints
# one line per figure: hyphactl's median (and spread), the reference's, the ratio,
# the target and ok/MISS. Exits 1 when a figure misses.
#   report.py WORK FOLLOW_BOUND
import os
import statistics
import sys

work, follow_bound = sys.argv[1], float(sys.argv[2])

# (label, ours, reference, kind, target); kinds: time (ratio ours/ref <= target),
# speed (ref/ours >= target), rss (ours - ref <= target MB), info (no target).
FIGURES = [
    ("tail --all -e -f jsonl / reader.py", "tail", "reader", "time", 1.5),
    ("tail --all -e peak RSS / reader.py", "tail", "reader", "rss", 30),
    ("topics list / kcat -L", "topics-list", "kcat-L", "time", 2.0),
    ("topics describe (one topic) / kcat -L", "topics-describe", "kcat-L", "time", 2.0),
    ("servers / kcat -L", "servers", "kcat-L", "time", 2.0),
    ("doctor / kcat -L (doctor does more)", "doctor", "kcat-L", "time", 2.0),
    ("servers (with lag time) / BASELINE servers", "servers", "servers-baseline", "time", 1.5),
    ("one exporter scrape / BASELINE servers", "scrape", "servers-baseline", "time", 1.5),
    ("emit --lines --file / kcat -P -l", "emit-file", "kcat-file", "speed", 1.0),
    ("emit --lines --file peak RSS / kcat", "emit-file", "kcat-file", "info", None),
    ("cat | emit --lines / cat | kcat -P", "emit-stdin", "kcat-stdin", "speed", 1.0),
    ("cat | emit --lines peak RSS / kcat", "emit-stdin", "kcat-stdin", "rss", 30),
]


def series(name):
    path = os.path.join(work, name)
    if not os.path.exists(path):
        return None
    return [line.split() for line in open(path) if line.strip()]


def timed(rows):
    """The median in ms, and its text with the spread: "341 ms (320-388)", "1.55 s (1.50-1.62)"."""
    ms = [float(r[0]) for r in rows]
    middle = statistics.median(ms)
    if middle < 1000:
        unit, scale, digits = "ms", 1, 0
    else:
        unit, scale, digits = "s", 1000, 2 if middle < 10000 else 1
    show = lambda v: f"{v / scale:.{digits}f}"  # noqa: E731
    spread = f" ({show(min(ms))}-{show(max(ms))})" if len(ms) > 1 else ""
    return middle, f"{show(middle)} {unit}{spread}"


def rss(rows):
    mb = statistics.median(int(r[1]) / 1024 for r in rows)
    return mb, f"{mb:.0f} MB"


missed, lines = [], []
for label, ours_name, ref_name, kind, target in FIGURES:
    ours, ref = series(ours_name), series(ref_name)
    if ours is None or ref is None:
        continue
    failed = sorted({r[2] for r in ours if r[2] != "ok"})
    _, ref_text = rss(ref) if kind in ("rss", "info") else timed(ref)
    target_text = (
        f"time <= {target:.1f}x" if kind == "time" else f"speed >= {target:.1f}x" if kind == "speed"
        else f"<= +{target} MB" if kind == "rss" else "-"
    )
    if failed:
        ours_text, ratio_text, ok = "failed: " + ",".join(failed), "-", False
    elif kind in ("rss", "info"):
        (a, ours_text), (b, _) = rss(ours), rss(ref)
        ratio_text, ok = f"{a - b:+.0f} MB", kind == "info" or a - b <= target
    elif kind == "time":
        (a, ours_text), (b, _) = timed(ours), timed(ref)
        ratio_text, ok = f"time {a / b:.2f}x", a / b <= target
    else:
        (a, ours_text), (b, _) = timed(ours), timed(ref)
        ratio_text, ok = f"speed {b / a:.2f}x", b / a >= target
    verdict = "info" if kind == "info" else "ok" if ok else "MISS"
    if verdict == "MISS":
        missed.append(label)
    lines.append((label, ours_text, ref_text, ratio_text, target_text, verdict))

follow = series("follow")
if follow is not None:
    got = [float(r[0]) for r in follow if r[0].replace(".", "", 1).isdigit()]
    if len(got) == len(follow):
        value = statistics.median(got)
        text = f"{value:.2f} s" + (f" ({min(got):.2f}-{max(got):.2f})" if len(got) > 1 else "")
        ok = value <= 5
    else:
        why = (
            "follow.py failed" if any(r[0] == "error" for r in follow)
            else "tail showed nothing" if any(r[0] == "not-ready" for r in follow)
            else "not seen"
        )
        text, ok = f"{why} in {follow_bound:.0f} s ({len(follow) - len(got)} of {len(follow)} runs)", False
    if not ok:
        missed.append("follow")
    lines.append(("tail --all -f: new topic's event shown", text, "-", "-", "<= 5 s", "ok" if ok else "MISS"))

header = ("figure", "hyphactl", "reference", "ratio", "target", "")
widths = [max(len(str(row[i])) for row in [header] + lines) for i in range(6)]
for row in [header] + lines:
    print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
print(f"{len(lines) - len(missed) - sum(1 for l in lines if l[5] == 'info')} ok, {len(missed)} missed"
      + (f": {', '.join(missed)}" if missed else ""))
sys.exit(1 if missed else 0)
