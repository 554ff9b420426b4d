"""Each check's category in the MQM error typology (the core of MQM 2.0 / ITS 2.0 Localization
Quality Issue types), so a QA manager reads mtqa's findings in the categories their LQA uses.
One table, kept apart from the checks, as translate-toolkit keeps language data apart."""

from __future__ import annotations

MQM: dict[str, str] = {
    "omission": "accuracy/omission",
    "truncated": "accuracy/omission",
    "empty_target": "accuracy/omission",
    "addition": "accuracy/addition",
    "added_sentence": "accuracy/addition",
    "empty_source": "accuracy/addition",
    "untranslated": "accuracy/untranslated",
    "numbers": "accuracy/mistranslation",
    "numbers_added": "accuracy/mistranslation",
    "units": "accuracy/mistranslation",
    "number_bound": "accuracy/mistranslation",
    "weekday": "accuracy/mistranslation",
    "relative_date": "accuracy/mistranslation",
    "tax_status": "accuracy/mistranslation",
    "gender": "accuracy/mistranslation",
    "entity": "accuracy/mistranslation",
    "negation_lost": "accuracy/mistranslation",
    "negation_added": "accuracy/mistranslation",
    "negation_extra": "accuracy/mistranslation",
    "dict_terms": "accuracy/mistranslation",
    "lm_contrast": "accuracy/mistranslation",
    "lm_span": "accuracy/mistranslation",
    "glossary": "terminology/wrong-term",
    "placeholder": "design/markup",
    "doubled_words": "fluency/grammar",
    "lowercase_start": "fluency/spelling",
    "lowercase_name": "fluency/spelling",
    "lowercase_i": "fluency/spelling",
    "quotes_unbalanced": "fluency/punctuation",
    "quotes_spacing": "fluency/punctuation",
    "quotes_dropped": "fluency/punctuation",
    "punctuation_final": "fluency/punctuation",
    "punctuation_japanese": "fluency/punctuation",
    "double_space": "fluency/punctuation",
    "empty_retranslation": "other",
    "oversized": "other",
}


def category(check: str) -> str:
    return MQM.get(check, "other")
