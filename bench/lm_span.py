"""Fit the `lm_span` and `lm_contrast` checks' cuts on good translations, and measure what
they catch.

The LM's least likely 1–3 words of a target (among the words English knows: the check's
`least_likely`) have a surprisal above expectation.
On the dev half's WMT22 human references, the cut for `major` is the 97th percentile of that
peak (fires on ~3% of good translations) and for `minor` the 90th. Then, on damaged copies of
dev references (the basic and extended perturbation suites), it reports per type how often the
check fires (major) and, for the word-level classes, how often the highlighted span overlaps the
damaged words. `lm_contrast` (how much likelier the LM finds a word's opposite) is cut at the
99.5th percentile of the references' strongest contrast (fires on ~0.5% of them: it flags on
its own) and reported the same way. `--write` stores the cuts in qa/data/risk_model.json's
calibration (`--write lm_contrast`: that check's only; the other keeps its stored cuts).

    python -m bench.lm_span --data ../shared/data/wmt22-jaen --per-type 100 [--write [CHECK ...]]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from bench import perturb
from qa.checks.lm_contrast import strongest
from qa.checks.lm_span import least_likely
from qa.model import Segment
from qa.runtime import Models

OUT = Path(__file__).resolve().parents[1] / "qa" / "data" / "risk_model.json"
MAJOR_Q, MINOR_Q = 97.0, 90.0
CONTRAST_Q = 99.5
CHECKS = ("lm_span", "lm_contrast")


def analyses(models: Models, pairs: list[tuple[str, str]]) -> list:
    segs = [Segment(str(i), s, t) for i, (s, t) in enumerate(pairs)]
    return models.lm.analyse(segs)


def span_score(t) -> float:  # noqa: ANN001 - a TokenLogProbs
    """The check's span score: surprisal above expectation of its least likely words."""
    span = least_likely(t)
    return span.score if span else 0.0


def contrast(t, source: str) -> float:  # noqa: ANN001 - a TokenLogProbs
    """The `lm_contrast` check's score: nats by which the LM prefers an opposite (or -inf)."""
    best = strongest(t, source)
    return best[1] if best else float("-inf")


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Spans overlap, or touch (a removal is a zero-width point between two words)."""
    return a[0] <= b[1] and b[0] <= a[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=perturb.DEFAULT_DATA)
    ap.add_argument("--per-type", type=int, default=100)
    ap.add_argument("--refs", type=int, default=1000, help="dev references for the cuts")
    ap.add_argument(
        "--write",
        nargs="*",
        choices=CHECKS,
        help="store the cuts of these checks (both when none is named)",
    )
    args = ap.parse_args()
    halves = perturb.split_halves(perturb.load_lines(args.data), 0)
    dev = {"dev": halves["dev"]}
    models = Models()
    refs = [x for x in dev["dev"] if x.src.strip() and x.ref.strip()][: args.refs]
    ref_lm = analyses(models, [(x.src, x.ref) for x in refs])
    ref_peaks = np.array([span_score(t) for t in ref_lm])
    cuts = {
        "major": round(float(np.percentile(ref_peaks, MAJOR_Q)), 3),
        "minor": round(float(np.percentile(ref_peaks, MINOR_Q)), 3),
    }
    ref_gains = np.array([contrast(t, x.src) for t, x in zip(ref_lm, refs, strict=True)])
    contrast_cut = {"major": round(float(np.percentile(ref_gains, CONTRAST_Q)), 3)}
    print(f"dev references: {len(refs)}; lm_span cuts {cuts}; lm_contrast cut {contrast_cut}")
    pairs = perturb.build_pairs(dev, args.per_type, 0) + perturb.extended_pairs(
        dev, args.per_type, 0
    )
    got = analyses(models, [(p.line.src, p.perturbed) for p in pairs])
    print(
        "| type | n | lm_span major | lm_span (any) | its span on the damage | lm_contrast | "
        "its word on the damage |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for kind in dict.fromkeys(p.kind for p in pairs):
        rows = [(p, t) for p, t in zip(pairs, got, strict=True) if p.kind == kind and t]
        major = np.mean([span_score(t) >= cuts["major"] for _, t in rows])
        anyf = np.mean([span_score(t) >= cuts["minor"] for _, t in rows])
        hit = [
            overlaps((s.start, s.end), p.span)
            for p, t in rows
            if p.span is not None and (s := least_likely(t))
        ]
        share = f"{np.mean(hit):.2f}" if hit else "–"
        fired = [
            (p, b)
            for p, t in rows
            if (b := strongest(t, p.line.src)) and b[1] >= contrast_cut["major"]
        ]
        on = [overlaps((b[0].start, b[0].end), p.span) for p, b in fired if p.span is not None]
        on_share = f"{np.mean(on):.2f}" if on else "–"
        print(
            f"| {kind} | {len(rows)} | {major:.2f} | {anyf:.2f} | {share} | "
            f"{len(fired) / max(len(rows), 1):.2f} | {on_share} |"
        )
    if args.write is not None:
        data = json.loads(OUT.read_text(encoding="utf-8"))
        fitted = {"lm_span": cuts, "lm_contrast": contrast_cut}
        for check in args.write or CHECKS:
            data["calibration"][check] = fitted[check]
        OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote the cuts into {OUT}")


if __name__ == "__main__":
    main()
