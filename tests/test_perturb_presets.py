"""bench.perturb --presets: flagged at each preset as the pipeline would flag at that preset."""

from __future__ import annotations

from bench import perturb
from qa.api import check
from qa.model import Segment

SEGS = [
    Segment("1", "政府は100億円を投資する。", "The government will invest 10 billion yen."),
    Segment("2", "政府は100億円を投資する。", "The government will invest 1 billion yen."),
    Segment("3", "猫が好きです。", "I like dogs very much, and also my neighbour's parrot."),
    Segment("4", "週2日からの案件", "Projects from 2 weeks"),
    Segment("5", "政府は100億円を投資する。", "the government will invest 10 billion yen."),
]


def test_flagged_at_each_preset_is_the_pipelines_flag_there() -> None:
    first = check(SEGS, fast=True)
    cuts = perturb.preset_cuts(first)
    assert cuts["strict"] < cuts["standard"] < cuts["lenient"]
    for preset, cut in cuts.items():
        at = check(SEGS, fast=True, preset=preset)
        assert [perturb.flagged_at(r, cut) for r in first.segments] == [
            r.flagged for r in at.segments
        ]
    assert all(perturb.flagged_at(r, cuts["lenient"]) for r in first.segments[1::2])
    major = first.segments[4]  # lowercase_start alone: risk in [0.6, 0.95)
    assert major.risk < cuts["lenient"] and perturb.flagged_at(major, cuts["lenient"])
