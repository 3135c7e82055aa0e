#!/usr/bin/env python3
"""Turns JMH JSON results (java -jar benchmarks.jar ... -prof gc -rf json -rff FILE) into the
markdown tables of bench/RESULTS.md. Standard library only.

    python3 bench/summarize.py bench/results/jdk17-esp.json bench/results/jdk17-lookup.json

Every file given is read (all from one JDK: the script refuses a mix); a result is keyed by
benchmark and parameters, and a later file overrides an earlier one. Tables whose benchmarks are absent are skipped. The ratio table uses
only results from one file (one JMH run), never mixes runs: the ratio is computed per file that
holds both ESP seal and the raw baseline.

Units: MB/s is 10^6 bytes per second of payload (ops/s x size); alloc is gc.alloc.rate.norm,
bytes allocated per operation (needs -prof gc); +- is JMH's 99.9% confidence half-width;
"best iter." is the best single measurement iteration (highest ops/s), a useful second view on a
shared machine where other processes take the CPU away for part of an iteration.
"""

import json
import math
import sys

PKG = "org.meshsec.bench."
SUITES = ["aes128gcm16", "aes256gcm16", "aes128-sha256", "chacha20poly1305"]
ENGINES = ["jca", "bc"]

TARGET_RATIO = 0.85  # (a) seal AES-128-GCM JCA at 1400 B >= 85% of raw JCA AES-GCM
TARGET_SPD_NS = 1000.0  # (b) SPD lookup with 10,000 policies < 1 microsecond
TARGET_ALLOC = 256.0  # (c) steady-state allocation per ESP operation < 256 bytes


class Result:
    def __init__(self, entry, source):
        self.name = entry["benchmark"][len(PKG):] if entry["benchmark"].startswith(PKG) else entry["benchmark"]
        self.params = entry.get("params", {})
        pm = entry["primaryMetric"]
        self.score = pm["score"]
        self.error = pm.get("scoreError")
        self.unit = pm["scoreUnit"]
        sm = entry.get("secondaryMetrics", {})
        norm = sm.get("gc.alloc.rate.norm")
        self.alloc = norm["score"] if norm else None
        raw = [x for fork in pm.get("rawData", []) for x in fork]
        # best iteration: highest throughput, or lowest time per operation
        self.best = (max(raw) if self.unit == "ops/s" else min(raw)) if raw else float("nan")
        self.source = source
        self.jdk = entry.get("jdkVersion", "?")
        self.vm = entry.get("vmVersion", "?")

    def ns_per_op(self):
        if self.unit == "ns/op":
            return self.score
        if self.unit == "ops/s":
            return 1e9 / self.score
        raise ValueError("unit " + self.unit)

    def ns_error(self):
        """Half-width in ns/op (for throughput, propagated from the ops/s interval)."""
        if not finite(self.error):
            return float("nan")
        if self.unit == "ns/op":
            return self.error
        lo = self.score - self.error
        return (1e9 / lo - 1e9 / self.score) if lo > 0 else float("inf")


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def finite(x):
    return x is not None and isinstance(x, (int, float)) and math.isfinite(x)


def load(paths):
    by_file = {}
    for path in paths:
        with open(path) as f:
            entries = json.load(f)
        by_file[path] = [Result(e, path) for e in entries]
    return by_file


def index(results):
    out = {}
    for r in results:
        out[(r.name, tuple(sorted(r.params.items())))] = r
    return out


def get(idx, name, **params):
    return idx.get((name, tuple(sorted((k, str(v)) for k, v in params.items()))))


def fmt(x, digits=0):
    if not finite(x):
        return "n/a"
    return f"{x:,.{digits}f}"


def pm(score, error, digits=0):
    if not finite(score):
        return "n/a"
    if not finite(error):
        return fmt(score, digits)
    return f"{fmt(score, digits)} ± {fmt(error, digits)}"


def mbps(r, size):
    return r.score * size / 1e6


def mbps_best(r, size):
    return r.best * size / 1e6


def mbps_err(r, size):
    return r.error * size / 1e6 if finite(r.error) else float("nan")


def alloc(r):
    return fmt(r.alloc) if r is not None and r.alloc is not None else "n/a"


def esp_table(idx):
    rows = []
    for suite in SUITES:
        for engine in ENGINES:
            for size in (64, 512, 1400, 8192):
                s = get(idx, "EspBenchmark.seal", suite=suite, engine=engine, size=size)
                o = get(idx, "EspBenchmark.open", suite=suite, engine=engine, size=size)
                if s is None and o is None:
                    continue
                rows.append(
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                        suite,
                        engine,
                        size,
                        pm(mbps(s, size), mbps_err(s, size)) if s else "n/a",
                        fmt(mbps_best(s, size)) if s else "n/a",
                        alloc(s),
                        pm(mbps(o, size), mbps_err(o, size)) if o else "n/a",
                        fmt(mbps_best(o, size)) if o else "n/a",
                        alloc(o),
                    )
                )
    if not rows:
        return []
    return [
        "| suite | engine | size B | seal MB/s | seal best iter. | seal alloc B/op "
        "| open MB/s (incl. copy) | open best iter. | open alloc B/op |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ] + rows


def baseline_table(idx):
    rows = []
    for size in (64, 512, 1400, 8192):
        a = get(idx, "RawJcaGcmBenchmark.encryptArrays", size=size)
        d = get(idx, "RawJcaGcmBenchmark.encryptDirect", size=size)
        c = get(idx, "BufferCopyBenchmark.copy", size=size)
        if a is None and d is None and c is None:
            continue
        rows.append(
            "| {} | {} | {} | {} | {} | {} | {} | {} |".format(
                size,
                pm(mbps(a, size), mbps_err(a, size)) if a else "n/a",
                fmt(mbps_best(a, size)) if a else "n/a",
                alloc(a),
                pm(mbps(d, size), mbps_err(d, size)) if d else "n/a",
                fmt(mbps_best(d, size)) if d else "n/a",
                alloc(d),
                pm(c.ns_per_op(), c.ns_error(), 1) if c else "n/a",
            )
        )
    if not rows:
        return []
    return [
        "| size B | raw GCM, byte[] MB/s | best iter. | alloc B/op "
        "| raw GCM, direct ByteBuffer MB/s | best iter. | alloc B/op | open's copy alone, ns/op |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ] + rows


def ratios(idx):
    """[(size, seal, arrays, direct)] for the sizes where seal and a baseline exist."""
    out = []
    for size in (64, 512, 1400, 8192):
        s = get(idx, "EspBenchmark.seal", suite="aes128gcm16", engine="jca", size=size)
        a = get(idx, "RawJcaGcmBenchmark.encryptArrays", size=size)
        d = get(idx, "RawJcaGcmBenchmark.encryptDirect", size=size)
        if s is None or (a is None and d is None):
            continue
        out.append((size, s, a, d))
    return out


def ratio_range(s, b):
    """The ratio's range when both scores move to the ends of their +- intervals."""
    if not (finite(s.error) and finite(b.error)) or b.score - b.error <= 0:
        return "n/a"
    lo = (s.score - s.error) / (b.score + b.error)
    hi = (s.score + s.error) / (b.score - b.error)
    return f"{lo:.0%} - {hi:.0%}"


def ratio_table(idx):
    rows = []
    for size, s, a, d in ratios(idx):
        best = max((x for x in (a, d) if x is not None), key=lambda x: x.score)
        rows.append(
            "| {} | {} | {} | {} | {} | **{:.0%}** | {} | {:.0%} |".format(
                size,
                fmt(mbps(s, size)),
                f"{s.score / a.score:.0%}" if a else "n/a",
                f"{s.score / d.score:.0%}" if d else "n/a",
                "byte[]" if best is a else "direct",
                s.score / best.score,
                ratio_range(s, best),
                s.best / max(x.best for x in (a, d) if x is not None),
            )
        )
    if not rows:
        return []
    return [
        "| size B | seal AES-128-GCM JCA MB/s | seal / raw byte[] | seal / raw direct | faster raw "
        "| seal / faster raw | range from the ± | best iter. / best raw iter. |",
        "| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ] + rows


def spd_table(idx):
    rows = []
    for n in (10, 1000, 10000):
        for traffic in ("mix", "miss"):
            r = get(idx, "SpdBenchmark.lookup", policies=n, traffic=traffic)
            if r:
                rows.append(f"| {n:,} | {traffic} | {pm(r.score, r.error, 1)} | {alloc(r)} |")
    if not rows:
        return []
    return ["| policies | traffic | ns/lookup | alloc B/op |", "| ---: | --- | ---: | ---: |"] + rows


def sad_table(idx):
    rows = []
    for n in (1000, 100000):
        for m in ("inbound", "findInbound", "inboundMiss"):
            r = get(idx, "SadBenchmark." + m, sas=n)
            if r:
                rows.append(f"| {n:,} | {m} | {pm(r.score, r.error, 1)} | {alloc(r)} |")
    if not rows:
        return []
    return ["| SAs | call | ns/lookup | alloc B/op |", "| ---: | --- | ---: | ---: |"] + rows


def replay_table(idx):
    rows = []
    for w in (1024, 4096):
        for esn in ("false", "true"):
            for order in ("in-order", "reordered"):
                r = get(idx, "ReplayBenchmark.checkAndCommit", window=w, esn=esn, order=order)
                if r:
                    rows.append(f"| {w} | {esn} | {order} | {pm(r.score, r.error, 1)} | {alloc(r)} |")
    if not rows:
        return []
    return [
        "| window | ESN | order | ns/op (check + commit) | alloc B/op |",
        "| ---: | --- | --- | ---: | ---: |",
    ] + rows


def targets(by_file, idx):
    lines = []
    # (a) per file (same run only): one line per run, and the median when there are several
    found = []
    for path, results in by_file.items():
        for size, s, a, d in ratios(index(results)):
            if size != 1400:
                continue
            best = max((x for x in (a, d) if x is not None), key=lambda x: x.score)
            best_it = s.best / max(x.best for x in (a, d) if x is not None)
            found.append((path, s, best, s.score / best.score, best_it, best is a))
    if not found:
        lines.append("- (a) no run holds both seal AES-128-GCM JCA 1400 and the raw baseline")
    elif len(found) == 1:
        path, s, best, ratio, best_it, arrays = found[0]
        verdict = "met" if ratio >= TARGET_RATIO else "NOT met"
        lines.append(
            f"- (a) seal AES-128-GCM JCA at 1400 B vs the faster raw JCA AES-GCM baseline "
            f"({'byte[]' if arrays else 'direct'}), run `{path}` (JDK {s.jdk}): "
            f"{fmt(mbps(s, 1400))} / {fmt(mbps(best, 1400))} MB/s = **{ratio:.0%}** "
            f"(range {ratio_range(s, best)}; best iterations: {best_it:.0%}) -> **{verdict}** (target >= 85%)"
        )
    else:
        lines.append("- (a) seal AES-128-GCM JCA at 1400 B / the faster raw JCA AES-GCM baseline, per run:")
        lines.append("")
        lines.append("  | run | seal MB/s | raw MB/s (faster shape) | ratio of means | ratio of best iterations |")
        lines.append("  | --- | ---: | ---: | ---: | ---: |")
        for path, s, best, ratio, best_it, arrays in found:
            lines.append(
                f"  | `{path}` | {pm(mbps(s, 1400), mbps_err(s, 1400))} | "
                f"{pm(mbps(best, 1400), mbps_err(best, 1400))} ({'byte[]' if arrays else 'direct'}) | "
                f"{ratio:.0%} | {best_it:.0%} |"
            )
        med = median([x[3] for x in found])
        med_best = median([x[4] for x in found])
        verdict = "met" if med >= TARGET_RATIO else "NOT met"
        lines.append("")
        lines.append(
            f"  Median over {len(found)} runs: ratio of means **{med:.0%}**, ratio of best iterations "
            f"**{med_best:.0%}** -> **{verdict}** (target >= 85%)"
        )
    # (b)
    for traffic in ("mix", "miss"):
        r = get(idx, "SpdBenchmark.lookup", policies=10000, traffic=traffic)
        if r:
            verdict = "met" if r.score < TARGET_SPD_NS else "NOT met"
            lines.append(
                f"- (b) SPD lookup, 10,000 policies, {traffic} traffic (JDK {r.jdk}): "
                f"**{fmt(r.score, 1)} ns** -> **{verdict}** (target < 1,000 ns)"
            )
    # (c)
    worst = []
    checked = 0
    for (name, params), r in sorted(idx.items()):
        if not name.startswith("EspBenchmark.") or r.alloc is None:
            continue
        checked += 1
        if r.alloc >= TARGET_ALLOC:
            worst.append(r)
    if checked:
        verdict = "met" if not worst else "NOT met"
        lines.append(
            f"- (c) steady-state allocation per ESP operation < 256 B: **{verdict}**: "
            f"{checked - len(worst)} of {checked} (suite, engine, size, seal/open) cases under 256 B"
        )
        failing = {(r.params["suite"], r.params["engine"], r.name.split(".")[1]) for r in worst}
        by_case = {}
        for (name, params), r in idx.items():
            if not name.startswith("EspBenchmark.") or r.alloc is None:
                continue
            key = (r.params["suite"], r.params["engine"], r.name.split(".")[1])
            if key in failing:
                by_case.setdefault(key, []).append(r)
        if by_case:
            lines.append("")
            lines.append("  | suite | engine | op | B/op at 64 / 512 / 1400 / 8192 (- not measured) |")
            lines.append("  | --- | --- | --- | --- |")
            for (suite, engine, op), rs in sorted(by_case.items()):
                per = {int(r.params["size"]): r.alloc for r in rs}
                cells = " / ".join(fmt(per[sz]) if sz in per else "-" for sz in (64, 512, 1400, 8192))
                lines.append(f"  | {suite} | {engine} | {op} | {cells} |")
    return lines


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    by_file = load(argv[1:])
    versions = {r.jdk for results in by_file.values() for r in results}
    if len(versions) > 1:
        print("files from several JDKs (" + ", ".join(sorted(versions)) + "): summarize one JDK at a time",
              file=sys.stderr)
        return 2
    merged = []
    for results in by_file.values():
        merged.extend(results)
    idx = index(merged)
    jdks = sorted({(r.jdk, r.vm) for r in merged})
    out = ["Runs: " + ", ".join(f"`{p}`" for p in by_file) + "; JDK " + ", ".join(f"{j} (VM {v})" for j, v in jdks), ""]
    sections = [
        ("ESP seal / open, payload MB/s and allocation per operation", esp_table(idx)),
        ("Raw JCA AES-128-GCM baseline, and the copy inside `open`", baseline_table(idx)),
        ("Ratio: ESP seal AES-128-GCM JCA / raw JCA AES-128-GCM (same run)", ratio_table(idx)),
        ("SPD lookup", spd_table(idx)),
        ("SAD inbound lookup by SPI", sad_table(idx)),
        ("Replay window check + commit", replay_table(idx)),
    ]
    for title, table in sections:
        if table:
            out += ["#### " + title, ""] + table + [""]
    out += ["#### Targets", ""] + targets(by_file, idx) + [""]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
