"""Load the WMT22 ja-en data shared by the benchmark scripts (see ../shared/data/wmt22-jaen)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt22-jaen"
# The pseudo-reference ("retranslation") for the "with MT" columns: a strong online system,
# and a different one when it is itself the system being scored.
PSEUDO_REF, PSEUDO_REF_ALT = "Online-W", "Online-B"


@dataclass(frozen=True)
class DARow:
    system: str
    line: int  # 1-based line in src.ja
    doc_id: str
    z_mean: float
    raw: float


@dataclass
class WMT22:
    src: list[str]
    ref: list[str]
    systems: dict[str, list[str]]
    da: list[DARow]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def load(data: Path = DEFAULT_DATA) -> WMT22:
    if not (data / "src.ja").exists():
        raise SystemExit(f"{data}: WMT22 data not found (pass --data PATH)")
    systems = {p.stem: _lines(p) for p in sorted((data / "systems").glob("*.en"))}
    with open(data / "human" / "da_seg_aligned.tsv", encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        da = [
            DARow(
                r["system"],
                int(r["line"]),
                r["doc_id"],
                float(r["z_mean"]),
                float(r["raw_mean_0_100"]),
            )
            for r in rows
        ]
    return WMT22(_lines(data / "src.ja"), _lines(data / "ref.en"), systems, da)


def pseudo_ref(system: str) -> str:
    """The system whose output stands in for a retranslation when scoring `system`."""
    return PSEUDO_REF_ALT if system == PSEUDO_REF else PSEUDO_REF
