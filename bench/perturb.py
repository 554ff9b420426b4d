"""Perturbation suite: does risk rank a good translation below a damaged copy of it?

Good translations are the WMT22 human references (`ref.en`, source `src.ja`). Each type damages
a reference in one way (a number changed, a negation flipped, a name swapped, a clause dropped,
Japanese left in, words repeated, quotes broken, word order shuffled, a sentence added) and only
where it applies. The full pipeline (`qa.api.check`) scores the batch of originals and the batch
of perturbed copies; pairwise accuracy is the share of pairs with risk(original) <
risk(perturbed), ties counting one half.

Besides these nine types, `--suite extended` adds the 15 word-level classes of
`bench/perturb_classes.py` (single words omitted by part of speech, words added, tense,
antonyms, gender, hypernyms, questions, case, function words, units): the error classes a
held-out benchmark of human-made perturbations showed the first nine lack. Each table also
gives the share of damaged copies flagged per type and the share of the good translations
flagged, at the standard preset and (`--presets`) at strict and lenient as well.

Lines are split by document into two disjoint halves: develop on "dev", report "test".

    python -m bench.perturb --data ../shared/data/wmt22-jaen [--retranslation] [--enable lm]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import perturb_classes
from qa import risk
from qa.api import check
from qa.model import Result, Segment, SegmentResult
from qa.runtime import Models

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt22-jaen"
CRITICAL_TYPES = ("number", "negation", "entity", "omission", "untranslated")
EXTENDED_CRITICAL = tuple(k for k, (_, sev) in perturb_classes.TYPES.items() if sev == "critical")


@dataclass(frozen=True)
class Line:
    n: int  # 0-based line
    doc: str
    src: str
    ref: str


Perturb = Callable[[Line, list[Line], random.Random], str | None]

# ------------------------------------------------------------------ perturbations

_NUM = re.compile(r"(?<![A-Za-z\-/#])\d+(?:[.,]\d+)*(?![A-Za-z]*\d)")
_NUM_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"]


def p_number(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Change one number: a digit of a numeral, or one number word for another."""
    nums = list(_NUM.finditer(x.ref))
    if nums:
        m = rng.choice(nums)
        digits = [i for i, ch in enumerate(m.group()) if ch.isdigit()]
        i = rng.choice(digits)
        new = str((int(m.group()[i]) + rng.randint(1, 8)) % 10)
        if i == 0 and new == "0" and len(digits) > 1:
            new = "9"
        changed = m.group()[:i] + new + m.group()[i + 1 :]
        return x.ref[: m.start()] + changed + x.ref[m.end() :]
    words = [m for w in _NUM_WORDS for m in re.finditer(rf"\b{w}\b", x.ref, re.IGNORECASE)]
    if not words:
        return None
    m = rng.choice(words)
    other = rng.choice([w for w in _NUM_WORDS if w != m.group().lower()])
    return x.ref[: m.start()] + other + x.ref[m.end() :]


_NEG_FIX = {"can't": "can", "won't": "will", "cannot": "can", "shan't": "shall"}
_NEG = re.compile(r"\b(?:can't|won't|cannot|shan't|\w+n't|not|never)\b", re.IGNORECASE)
_AUX = re.compile(
    r"\b(?:is|are|was|were|can|will|would|should|could|may|might|must|has|have|had|does|did)\b"
)


def p_negation(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Remove the only negation of a negative sentence, or negate an affirmative one."""
    ref = x.ref.replace("’", "'")
    negs = list(_NEG.finditer(ref))
    if len(negs) == 1:
        m = negs[0]
        w = m.group().lower()
        new = _NEG_FIX.get(w) or ("always" if w == "never" else "" if w == "not" else w[:-3])
        return re.sub(r"\s{2,}", " ", ref[: m.start()] + new + ref[m.end() :])
    if negs or re.search(r"\bno\b|\bnothing\b|\bnone\b", ref, re.IGNORECASE):
        return None
    auxes = list(_AUX.finditer(ref))
    if not auxes:
        return None
    m = rng.choice(auxes)
    return ref[: m.end()] + " not" + ref[m.end() :]


_STOP_CAPS = {"I", "The", "A", "An", "In", "On", "It", "This", "That", "And", "But", "If"}
_CAP = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{2,}\b")


def p_entity(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Replace a capitalised name with another name from the same document."""
    names = [m for m in _CAP.finditer(x.ref) if m.group() not in _STOP_CAPS]
    pool = sorted(
        {m.group() for d in doc for m in _CAP.finditer(d.ref) if m.group() not in _STOP_CAPS}
        - {m.group() for m in names}
        - set(re.findall(r"\w+", x.ref))
    )
    if not names or not pool:
        return None
    m = rng.choice(names)
    return x.ref[: m.start()] + rng.choice(pool) + x.ref[m.end() :]


def p_omission(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Drop the last third of the words (a lost clause), keeping the final punctuation."""
    words = x.ref.split()
    if len(words) < 9:
        return None
    keep = words[: len(words) - len(words) // 3]
    end = x.ref.rstrip()[-1] if x.ref.rstrip()[-1] in ".?!" else ""
    return " ".join(keep).rstrip(",;:") + end


def p_untranslated(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Replace the middle third of the words with the middle third of the Japanese source."""
    words = x.ref.split()
    if len(words) < 6 or len(x.src) < 9:
        return None
    a, b = len(words) // 3, 2 * len(words) // 3
    chunk = x.src[len(x.src) // 3 : 2 * len(x.src) // 3]
    return " ".join([*words[:a], chunk, *words[b:]])


def p_repeat(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Repeat one to three words in place ("the the", "in the city in the city")."""
    words = x.ref.split()
    if len(words) < 4:
        return None
    n = rng.randint(1, 3)
    i = rng.randrange(0, len(words) - n + 1)
    return " ".join([*words[: i + n], *words[i : i + n], *words[i + n :]])


_PAIRS = [("(", ")"), ('"', '"'), ("“", "”"), ("[", "]")]


def p_quotes(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Drop the closing mark of a quotation/bracket, or glue the quotation to its words."""
    for o, c in _PAIRS:
        m = re.search(re.escape(o) + r"[^" + re.escape(o + c) + r"]+" + re.escape(c), x.ref)
        if m is None:
            continue
        if rng.random() < 0.5:
            return x.ref[: m.end() - 1] + x.ref[m.end() :]
        left = x.ref[: m.start()].rstrip()
        right = x.ref[m.end() :].lstrip()
        if not (left[-1:].isalpha() and right[:1].isalpha()):
            return x.ref[: m.end() - 1] + x.ref[m.end() :]
        return left + m.group() + right
    return None


def p_shuffle(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Shuffle a window of six words."""
    words = x.ref.split()
    if len(words) < 8:
        return None
    i = rng.randrange(0, len(words) - 6 + 1)
    window = words[i : i + 6]
    for _ in range(10):
        rng.shuffle(window)
        if window != words[i : i + 6]:
            return " ".join([*words[:i], *window, *words[i + 6 :]])
    return None


def p_addition(x: Line, doc: list[Line], rng: random.Random) -> str | None:
    """Append another sentence of the same document (an addition the source lacks)."""
    others = [d.ref for d in doc if d.n != x.n and len(d.ref.split()) >= 4]
    return f"{x.ref} {rng.choice(others)}" if others else None


PERTURBATIONS: dict[str, Perturb] = {
    "number": p_number,
    "negation": p_negation,
    "entity": p_entity,
    "omission": p_omission,
    "untranslated": p_untranslated,
    "repeat": p_repeat,
    "quotes": p_quotes,
    "shuffle": p_shuffle,
    "addition": p_addition,
}

# ------------------------------------------------------------------ data and split


def load_lines(data: Path) -> list[Line]:
    src = (data / "src.ja").read_text(encoding="utf-8").split("\n")[:-1]
    ref = (data / "ref.en").read_text(encoding="utf-8").split("\n")[:-1]
    rows = (data / "docids.tsv").read_text(encoding="utf-8").split("\n")[1:]
    docs = {int(r.split("\t")[0]) - 1: r.split("\t")[1] for r in rows if r}
    return [Line(i, docs[i], s, r) for i, (s, r) in enumerate(zip(src, ref, strict=True))]


def split_halves(lines: list[Line], seed: int) -> dict[str, list[Line]]:
    """Two disjoint halves by document (a document's lines never straddle the split)."""
    docs = sorted({x.doc for x in lines})
    random.Random(seed).shuffle(docs)
    dev = set(docs[: len(docs) // 2])
    return {
        "dev": [x for x in lines if x.doc in dev],
        "test": [x for x in lines if x.doc not in dev],
    }


@dataclass(frozen=True)
class Pair:
    half: str
    kind: str
    line: Line
    perturbed: str
    span: tuple[int, int] | None = None  # the damaged characters (extended classes only)


def extended_pairs(halves: dict[str, list[Line]], per_type: int, seed: int) -> list[Pair]:
    """Pairs of the word-level classes of bench/perturb_classes.py, half by half."""
    pairs = []
    for half, lines in halves.items():
        usable = [x for x in lines if x.src.strip() and x.ref.strip()]
        rows = [(x.ref, x.src) for x in usable]
        for i, d in perturb_classes.damage_all(rows, seed=f"{seed}-{half}", per_type=per_type):
            pairs.append(Pair(half, d.kind, usable[i], d.text, d.span))
    return pairs


def build_pairs(halves: dict[str, list[Line]], per_type: int, seed: int) -> list[Pair]:
    pairs = []
    for half, lines in halves.items():
        by_doc: dict[str, list[Line]] = {}
        for x in lines:
            by_doc.setdefault(x.doc, []).append(x)
        for kind, fn in PERTURBATIONS.items():
            rng = random.Random(f"{seed}-{half}-{kind}")
            made = [
                (x, fn(x, by_doc[x.doc], rng)) for x in lines if x.src.strip() and x.ref.strip()
            ]
            ok = [(x, p) for x, p in made if p and p.strip() != x.ref.strip()]
            for x, p in rng.sample(ok, min(per_type, len(ok))):
                pairs.append(Pair(half, kind, x, p))
    return pairs


# ------------------------------------------------------------------ scoring


def score(
    pairs: list[Pair],
    perturbed: bool,
    retr: list[str] | None,
    enable: list[str],
    models: Models | None = None,
    disable: list[str] | None = None,
    fast: bool | None = None,
) -> Result:
    segs = [
        Segment(
            id=str(i),
            source=p.line.src,
            target=p.perturbed if perturbed else p.line.ref,
            retranslation=retr[p.line.n] if retr else None,
        )
        for i, p in enumerate(pairs)
    ]
    return check(segs, enable=enable, disable=disable or (), models=models, fast=fast)


def preset_cuts(result: Result) -> dict[str, float]:
    """Each preset's risk cut for the model `result` was assessed with."""
    model = risk.load_models()[result.summary.flagging.risk_model]
    return {p: model.thresholds[p] for p in risk.PRESETS}


def flagged_at(r: SegmentResult, cut: float) -> bool:
    """As `qa.risk.assess` flags: risk at the cut, or a critical or major finding."""
    return r.risk >= cut or any(i.severity in ("critical", "major") for i in risk.active(r))


def table(
    pairs: list[Pair],
    orig: list[SegmentResult],
    pert: list[SegmentResult],
    half: str,
    cuts: dict[str, float] | None = None,
) -> str:
    """Per type: pairwise accuracy and the share of damaged copies flagged (at each preset of
    `cuts`, else as the run flagged them); then overall, critical types together, and the
    share of good translations flagged."""
    names = list(cuts or {})
    heads = [f"flagged {n}" for n in names] if cuts else ["damaged flagged"]
    rule = "|---|---:|---:|" + "---:|" * len(heads)
    rows = [f"| type | n | accuracy | {' | '.join(heads)} |", rule]

    def flags(r: SegmentResult) -> tuple[bool, ...]:
        return tuple(flagged_at(r, cuts[n]) for n in names) if cuts else (r.flagged,)

    groups: dict[str, list[tuple[float, tuple[bool, ...]]]] = {"overall": [], "critical types": []}
    good = {p.line.n: flags(o) for p, o in zip(pairs, orig, strict=True) if p.half == half}
    for kind in dict.fromkeys(p.kind for p in pairs):
        got = [
            (1.0 if o.risk < q.risk else 0.5 if o.risk == q.risk else 0.0, flags(q))
            for p, o, q in zip(pairs, orig, pert, strict=True)
            if p.half == half and p.kind == kind
        ]
        if not got:
            continue
        critical = kind in CRITICAL_TYPES or kind in EXTENDED_CRITICAL
        rows.append(f"| {kind}{' (critical)' if critical else ''} | {_cells(got)} |")
        groups["overall"] += got
        if critical:
            groups["critical types"] += got
    for name, got in groups.items():
        rows.append(f"| **{name}** | {_cells(got)} |")
    n = max(len(good), 1)
    shares = " | ".join(f"{sum(f[k] for f in good.values()) / n:.3f}" for k in range(len(heads)))
    rows.append(f"| good translations flagged | {len(good)} | – | {shares} |")
    return "\n".join(rows)


def _cells(got: list[tuple[float, tuple[bool, ...]]]) -> str:
    n = max(len(got), 1)
    width = len(got[0][1]) if got else 1
    flagged = " | ".join(f"{sum(f[k] for _, f in got) / n:.3f}" for k in range(width))
    return f"{len(got)} | {sum(a for a, _ in got) / n:.3f} | {flagged}"


# --modes: (fast path?, with a retranslation?)
MODES = {
    "default": (False, False),
    "fast": (True, False),
    "default+mt": (False, True),
    "fast+mt": (True, True),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument(
        "--retranslation",
        nargs="?",
        const="Online-W",
        default=None,
        help="use this WMT system's output as the retranslation (default Online-W)",
    )
    ap.add_argument("--per-type", type=int, default=300)
    ap.add_argument("--types", nargs="+", help="only these types")
    ap.add_argument("--enable", nargs="+", default=[], help="opt-in signals, e.g. lm")
    ap.add_argument("--disable", nargs="+", default=[], help="signals/checks to turn off")
    ap.add_argument(
        "--suite",
        choices=["basic", "extended", "all"],
        default="basic",
        help="the nine sentence-level types, the 15 word-level classes, or both",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--presets", action="store_true", help="flagged shares at strict, standard and lenient"
    )
    ap.add_argument(
        "--half", choices=["dev", "test", "both"], default="both", help="develop on dev only"
    )
    ap.add_argument(
        "--modes", nargs="+", choices=list(MODES), default=None,
        help="run these in one process (the LM's analyses are shared): default, fast, "
        "default+mt, fast+mt (mt: --retranslation's system, Online-W unless given)",
    )  # fmt: skip
    args = ap.parse_args()
    if not (args.data / "src.ja").exists():
        raise SystemExit(f"{args.data}: WMT22 data not found (pass --data PATH)")
    retr = None
    if args.retranslation:
        path = args.data / "systems" / f"{args.retranslation}.en"
        retr = path.read_text(encoding="utf-8").split("\n")[:-1]
    halves = ("dev", "test") if args.half == "both" else (args.half,)
    split = {h: v for h, v in split_halves(load_lines(args.data), args.seed).items() if h in halves}
    pairs = build_pairs(split, args.per_type, args.seed) if args.suite != "extended" else []
    if args.suite != "basic":
        pairs += extended_pairs(split, args.per_type, args.seed)
    pairs = [p for p in pairs if p.kind in (args.types or {p.kind for p in pairs})]
    models = Models()  # e5 (and the LM) load once for every batch
    cmd = "python -m bench.perturb " + " ".join(sys.argv[1:])
    if retr is None and args.modes and any(m.endswith("+mt") for m in args.modes):
        retr = (args.data / "systems" / "Online-W.en").read_text(encoding="utf-8").split("\n")[:-1]
    for name in args.modes or [None]:
        fast, with_mt = MODES[name] if name else (None, retr is not None)
        use = retr if with_mt else None
        good = score(pairs, False, use, args.enable, models, args.disable, fast)
        bad = score(pairs, True, use, args.enable, models, args.disable, fast)
        orig, pert = good.segments, bad.segments
        cuts = preset_cuts(good) if args.presets else None
        mode = f"mode {name}; " if name else ""
        mode += "retranslation = Online-W or --retranslation" if use else "no retranslation"
        mode += "".join(f", --enable {n}" for n in args.enable)
        mode += "".join(f", --disable {n}" for n in args.disable)
        print(f"Perturbation suite ({mode}); ties count 1/2. Command: `{cmd}`\n", flush=True)
        for half in halves:
            print(f"### {half} half\n\n{table(pairs, orig, pert, half, cuts)}\n", flush=True)


if __name__ == "__main__":
    main()
