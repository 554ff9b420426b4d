"""The gender check: the target names the other gender than the source."""

from __future__ import annotations

import pytest

from qa.checks.gender import gender
from qa.checks.typology import category
from tests.helpers import run


@pytest.mark.parametrize(
    ("source", "target", "word"),
    [
        ("彼女はそう言った。", "He said so.", "He"),
        ("母が迎えに来た。", "My father came to pick me up.", "father"),
        ("助けを呼ぶ女性の叫び声", "the cries of a man calling for help", "man"),
        ("メンズ商品続々入荷", "Women's items arriving one after another", "Women"),
        ("女ですが、それで大正解だと思います！", "Male better of tried steak.", "Male"),
    ],
)
def test_the_other_gender_is_major_on_the_target_word(source: str, target: str, word: str) -> None:
    [issue] = run(gender, source, target)
    assert issue.severity == "major" and issue.side == "target"
    assert target[issue.span[0] : issue.span[1]] == word
    assert category("gender") == "accuracy/mistranslation"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("彼女はそう言った。", "She said so."),
        ("彼女はそう言った。", "Mary said so."),  # a name for the pronoun
        ("彼らは来た。", "She came with them."),  # 彼ら is "they"
        ("父母が来た。", "My father came."),  # both named: not a swap
        ("彼はメアリーに会った。", "He met Mary. She smiled."),  # the right one is there too
        ("カイジは負けた。", "She lost."),  # no gender in the source: nothing to hold
    ],
)
def test_a_faithful_or_ungendered_source_passes(source: str, target: str) -> None:
    assert run(gender, source, target) == []
