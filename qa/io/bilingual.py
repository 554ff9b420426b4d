"""Bilingual XML: XLIFF 1.2, XLIFF 2.x and TMX, read with translate-toolkit's storage classes.

Inline markup becomes plain text, as translate-toolkit's `unit.source`/`unit.target` give it:
paired tags (`<g>`, `<pc>`, `<mrk>`) keep their inner text; empty placeholders (`<x/>`, `<bx/>`,
`<ex/>`, XLIFF 2 `<ph/>`) vanish; placeholders that carry native code as content (XLIFF 1.2
`<ph>`/`<bpt>`/`<ept>`/`<it>`, TMX `<ph>`/`<bpt>`/`<ept>`/`<it>`) keep that code, e.g. `{0}` or
`<b>`. Both sides are flattened the same way, so checks compare like with like.

Entities: translate-toolkit's parser never resolves them (no external file or URL is read),
but it silently drops every reference, which loses text. A file whose DTD declares entities
(XXE probes, "billion laughs" bombs) is refused before it is parsed: XLIFF and TMX need none.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from translate.misc.xml_helpers import getXMLlang
from translate.storage import tmx, xliff, xliff2
from translate.storage.base import TranslationStore, TranslationUnit

from qa.errors import InputError
from qa.io.encoding import read_bytes
from qa.limits import clip_segments, oversized_meta
from qa.model import Segment

XLIFF_SUFFIXES = (".xlf", ".xliff")
TMX_SUFFIXES = (".tmx",)
BILINGUAL_SUFFIXES = XLIFF_SUFFIXES + TMX_SUFFIXES

Languages = tuple[str | None, str | None]  # (source, target) as the file declares them
Pairs = list[tuple[Segment, etree._Element]]  # each Segment with the element it was read from


def read_bilingual(path: Path) -> tuple[list[Segment], dict]:
    """Segments of an XLIFF or TMX file: Japanese source, English target (`""` if untranslated)."""
    units = parse_bilingual(read_bytes(path), path)
    return units.segments, units.meta


@dataclass
class BilingualUnits:
    """What `read_bilingual` reads, with the element each Segment came from.

    `elements[i]` is the `<trans-unit>` (XLIFF 1.2), `<segment>` (XLIFF 2) or `<tu>` (TMX) that
    `segments[i]` was read from, in translate-toolkit's tree of the same bytes. Write-back maps
    ids to units through this list, so the two can never disagree on the id scheme.
    """

    kind: str  # "xliff" or "tmx"
    segments: list[Segment]
    elements: list[etree._Element]
    meta: dict


def parse_bilingual(data: bytes, path: Path) -> BilingualUnits:
    """Parse XLIFF/TMX bytes (`path` names the file in errors) into Segments and their elements."""
    label = "TMX" if Path(path).suffix.lower() in TMX_SUFFIXES else "XLIFF"
    root = _sniff_root(path, data, label)
    _refuse_entities(path, root, label)
    name = etree.QName(root).localname
    # Dispatch on the root element, not the suffix: a TMX saved as .xlf still reads.
    if name == "tmx":
        store = _parse(path, data, tmx.tmxfile, "TMX")
        pairs, langs = _tmx_segments(path, store)
        kind = "tmx"
    elif name == "xliff":
        store_class = xliff2.Xliff2File if _is_xliff2(root) else xliff.xlifffile
        store = _parse(path, data, store_class, "XLIFF")
        pairs, langs = _xliff_segments(path, store)
        kind = "xliff"
    else:
        raise _invalid(path, label, f"root element is <{name}>")
    if not pairs:
        raise InputError(f"{path}: no units with source text to check")
    meta = {"input": kind, "source_language": langs[0], "target_language": langs[1]}
    segments = [s for s, _ in pairs]
    # Bytes were read, not text: XML declares its own encoding (Shift_JIS included) and lxml
    # honours it, so qa.io.encoding's guessing is neither needed nor wanted here.
    meta = {**meta, **oversized_meta(clip_segments(segments))}
    return BilingualUnits(kind, segments, [e for _, e in pairs], meta)


def _refuse_entities(path: Path, root: etree._Element, label: str) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    names = [e.name for e in dtd.iterentities()] if dtd is not None else []
    if names:
        raise _invalid(
            path, label, f"its DTD declares entities ({', '.join(names[:3])}), which mtqa refuses"
        )


def _invalid(path: Path, label: str, reason: str) -> InputError:
    return InputError(f"{path}: not a valid {label} file ({reason})")


def _syntax_reason(e: etree.XMLSyntaxError) -> str:
    # lxml appends " (<string>, line N)", which repeats the position and names no file.
    return " ".join(str(e.msg or e).split(" (<string>")[0].split())


def _sniff_root(path: Path, data: bytes, label: str) -> etree._Element:
    """The root element, from the first parse event only: cheap even for a large TMX."""
    events = etree.iterparse(
        io.BytesIO(data), events=("start",), resolve_entities=False, no_network=True
    )
    try:
        _, root = next(events)
    except etree.XMLSyntaxError as e:
        reason = _syntax_reason(e)
        if "entity amplification" in reason or "entity reference loop" in reason:
            # libxml2 2.14+ (lxml 6) stops an expanding DTD while reading the root already
            reason = f"its DTD declares entities, which mtqa refuses: {reason}"
        raise _invalid(path, label, reason) from None
    except StopIteration:
        raise _invalid(path, label, "no root element") from None
    return root


def _is_xliff2(root: etree._Element) -> bool:
    # Same rule translate-toolkit applies: the version attribute, else the namespace.
    version = root.get("version", "")
    if version:
        return version.startswith("2")
    return ":document:2." in (etree.QName(root).namespace or "")


def _parse(path: Path, data: bytes, store_class: type, label: str) -> TranslationStore:
    try:
        return store_class.parsestring(data)
    except etree.XMLSyntaxError as e:
        raise _invalid(path, label, _syntax_reason(e)) from None
    except StopIteration:
        # Xliff1File takes next() of the <file> children without a default.
        raise _invalid(path, label, "no <file> element") from None
    except (ValueError, AssertionError) as e:
        # translate-toolkit reports an unexpected skeleton (version, root namespace) this way.
        raise _invalid(path, label, str(e).split(". ")[0] or "unexpected structure") from None


# --- XLIFF -------------------------------------------------------------------------------


def _xliff_segments(path: Path, store: TranslationStore) -> tuple[Pairs, Languages]:
    langs = _xliff_languages(path, store)
    # XLIFF ids are unique only within a <file>: qualify them when there are several.
    qualify = len(store.document.getroot().findall("{*}file")) > 1
    segments = []
    for pos, unit in enumerate(store.units, 1):
        source = str(unit.source or "")
        if not unit.istranslatable() or not source.strip():
            continue  # translate="no" units and empty sources have nothing to check
        uid = _xliff_id(unit, pos)
        if qualify:
            uid = f"{_file_name(unit)}/{uid}"
        # In a bilingual file a missing <target> is an empty translation, so that the
        # empty_target check reports it (None would mean "no translation given at all").
        segment = Segment(id=uid, source=source, target=str(unit.target or ""))
        segments.append((segment, unit.xmlelement))
    _require_unique(path, [s.id for s, _ in segments])
    return segments, langs


def _xliff_id(unit: TranslationUnit, pos: int) -> str:
    if isinstance(unit, xliff2.Xliff2Unit):
        # translate-toolkit's "unit::segment" when one <unit> holds several <segment>s.
        return unit.getid() if unit.getunitelement().get("id") else str(pos)
    el = unit.xmlelement
    # Not unit.getid(): that prefixes the file's `original` with a \x04 separator.
    return el.get("id") or el.get("resname") or str(pos)


def _file_name(unit: TranslationUnit) -> str:
    file_el = next(unit.xmlelement.iterancestors("{*}file"), None)
    if file_el is None:
        return ""
    # XLIFF 1.2 names a file by `original`, XLIFF 2 by `id`.
    return file_el.get("original") or file_el.get("id") or ""


def _xliff_languages(path: Path, store: TranslationStore) -> Languages:
    root = store.document.getroot()
    if isinstance(store, xliff2.Xliff2File):
        # Read the attributes directly: getsourcelanguage() invents "en" when srcLang is absent.
        pairs = [(root.get("srcLang"), root.get("trgLang"))]
    else:
        files = root.findall("{*}file")
        pairs = [(f.get("source-language"), f.get("target-language")) for f in files]
    for src, trg in pairs:
        if (src and not _is_lang(src, "ja")) or (trg and not _is_lang(trg, "en")):
            raise InputError(
                f"{path}: source language {src or 'unset'}, target language {trg or 'unset'}; "
                "mtqa checks Japanese (ja) to English (en)"
            )
    src = next((s for s, _ in pairs if s), None)
    trg = next((t for _, t in pairs if t), None)
    return src, trg


# --- TMX ---------------------------------------------------------------------------------


def _tmx_segments(path: Path, store: TranslationStore) -> tuple[Pairs, Languages]:
    found = _tmx_languages(store.units)
    ja = next((lang for lang in found if _is_lang(lang, "ja")), None)
    en = next((lang for lang in found if _is_lang(lang, "en")), None)
    if ja is None or en is None:
        raise InputError(
            f"{path}: TMX needs Japanese (ja) and English (en) variants; found "
            f"{', '.join(found) or 'no xml:lang'}"
        )
    ids, segments = _tmx_ids(store.units), []
    for uid, unit in zip(ids, store.units, strict=True):
        texts = _tuv_texts(unit)
        source = next((t for lang, t in texts if _is_lang(lang, "ja")), "")
        if not source.strip():
            continue  # no Japanese side in this unit: nothing to check
        target = next((t for lang, t in texts if _is_lang(lang, "en")), "")
        segments.append((Segment(id=uid, source=source, target=target), unit.xmlelement))
    return segments, (ja, en)


def _tmx_languages(units: Iterable[TranslationUnit]) -> list[str]:
    """Every xml:lang in the file, in first-seen order."""
    seen: dict[str, None] = {}
    for unit in units:
        for node in unit.getlanguageNodes():
            lang = getXMLlang(node)
            if lang:
                seen.setdefault(lang, None)
    return list(seen)


def _tuv_texts(unit: TranslationUnit) -> list[tuple[str, str]]:
    """(xml:lang, text) per <tuv>, in file order; the tuv order says nothing about direction."""
    out = []
    for node in unit.getlanguageNodes():
        lang = getXMLlang(node)
        if lang:
            # gettarget(lang) is the public way to read one variant, whatever its position.
            out.append((lang, str(unit.gettarget(lang) or "")))
    return out


def _tmx_ids(units: list[TranslationUnit]) -> list[str]:
    # TMX 1.4 does not require tuids to be unique (or present): fall back to 1-based
    # positions for the whole file rather than reject a valid file or mix the two schemes.
    ids = [u.xmlelement.get("tuid") or str(n) for n, u in enumerate(units, 1)]
    if len(set(ids)) != len(ids):
        ids = [str(n) for n in range(1, len(units) + 1)]
    return ids


# --- shared ------------------------------------------------------------------------------


def _is_lang(tag: str, primary: str) -> bool:
    # Compare the primary subtag: "ja-JP" and "ja_JP" are Japanese, "jav" (Javanese) is not.
    return tag.replace("_", "-").split("-")[0].lower() == primary


def _require_unique(path: Path, ids: list[str]) -> None:
    seen: set[str] = set()
    for uid in ids:
        if uid in seen:
            raise InputError(f"{path}: duplicate unit id {uid!r}")
        seen.add(uid)
