"""The units check: a number kept while its unit changes. Real sentences (the yen/dollar and
day/week cases are WMT22 sources with system outputs that made exactly these errors)."""

from __future__ import annotations

import pytest

from qa.checks.typology import category
from qa.checks.units import source_quantities, target_quantities, units
from tests.helpers import run


@pytest.mark.parametrize(
    ("source", "target", "shown"),
    [
        ("1本￥292 (とらや)", "That's $292.", "$292"),
        ("週2日からの月50万の案件", "500,000 projects a month from 2 weeks", "2 weeks"),
        ("3日間滞在した。", "He stayed for three weeks.", "three weeks"),
        ("5キロ走った。", "I ran 5 miles.", "5 miles"),
        ("上空5500m付近で", "at an altitude of 5,500cm", "5,500cm"),
        ("1か月後にまた電話した。", "I called again a week later.", "a week"),
        ("午後3時に会いましょう。", "Let's meet at 3 a.m.", "3 a.m."),
        ("50%OFFは2/1(金)AM10:59まで", "50% off until 10:59pm on February 1st", "10:59pm"),
        ("総額6000万ドル（約68億円）相当", "$60 million (US$6.8 billion)", "$6.8 billion"),
    ],
)
def test_a_kept_number_with_another_unit_is_critical_on_the_target(
    source: str, target: str, shown: str
) -> None:
    [issue] = run(units, source, target)
    assert issue.severity == "critical" and issue.side == "target"
    assert target[issue.span[0] : issue.span[1]] == shown
    assert shown in issue.message and category("units") == "accuracy/mistranslation"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("3日間滞在した。", "He stayed for 3 days."),
        ("2週間後に戻る。", "I will be back in two weeks."),
        ("1週間に1度", "once a week"),
        ("1か月後にまた電話した。", "I called again a month later."),
        ("1週間待った。", "I waited seven days."),  # converted: another number
        ("100万円を寄付した。", "He donated 1 million yen."),
        ("100万円を寄付した。", "He donated about $9,000."),
        ("5キロ走った。", "I ran 5 km."),
        ("5キロ太った。", "I gained 5 kg."),  # キロ: kilometres or kilograms
        ("午後3時に会いましょう。", "Let's meet at 3 p.m."),
        ("午後3時に会いましょう。", "Let's meet at 15:00."),
        ("10時30分に始まる。", "It starts at 10:30 am."),  # no 午前/午後: nothing to hold
        ("5月3日に発売", "On sale May 3"),
        ("24時間営業の店", "a 24-hour store"),
        ("3年生の時", "in my 3rd year"),
        ("3分の1を食べた。", "I ate a third of it."),
        ("3日と3週間", "3 days and 3 weeks"),  # each unit has its number
        ("100ドル", "100 km"),  # another kind of quantity: not this check's to judge
    ],
)
def test_a_faithful_or_converted_quantity_passes(source: str, target: str) -> None:
    assert run(units, source, target) == []


def test_quantities_are_read_with_their_units() -> None:
    [q] = source_quantities("上空5500m付近で")
    assert q.text == "5500m" and q.units == {"m"}
    [q] = source_quantities("5mgの薬")  # "mg" is no metre
    assert q.units == frozenset()
    got = [(q.text, set(q.units)) for q in target_quantities("a 3-day trip for ¥500 at 10 a.m.")]
    assert got == [("3-day", {"day"}), ("¥500", {"yen"}), ("10 a.m.", {"am"})]
