"""The self-contained HTML report: parsed back for content and escaping, then run in chromium."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import time
from importlib.resources import files
from pathlib import Path

import lxml.html
import pytest

from qa.report.html import Piece, render_html, split_spans
from tests.browser import Browser, find_chromium

EVIL = "<script>alert(1)</script> & \"quoted\" 'single' <b>bold</b> &amp;"


def _issue(check, severity, message, span=None, side=None, fp=None, **extra):
    d = {"check": check, "severity": severity, "message": message}
    if span is not None:
        d["span"], d["side"] = list(span), side
    if fp is not None:
        d["fingerprint"] = fp
    d.update(extra)
    return d


def _seg(sid, source, target, risk, flagged, issues=(), reasons=(), retranslation=None, **extra):
    d = {
        "id": sid,
        "source": source,
        "target": target,
        "retranslation": retranslation,
        "scores": {"chrf": 40.0 + risk, "e5_sim": 0.81234, "dict_coverage": None},
        "risk": risk,
        "flagged": flagged,
        "issues": list(issues),
        "reasons": list(reasons),
    }
    d.update(extra)
    return d


LONG_JA = "日本語の訳されていない長い段落" * 40


def sample() -> dict:
    """Seven segments covering what a report meets: overlap, escaping, omission, addition, …"""
    segments = [
        _seg(
            "1",
            "習主席は4日、北京でプーチン大統領と会談した。",
            "President Putin met President Putin in Beijing on the 5th.",
            0.91,
            True,
            [
                # [0, 15) and [10, 24) overlap on "Putin" (10..15).
                _issue(
                    "entity",
                    "critical",
                    "習 → Putin",
                    (0, 15),
                    "target",
                    "fp-entity-1",
                    mqm="accuracy/mistranslation",
                ),
                _issue("entity", "major", "second name", (10, 24), "target", "fp-entity-2"),
                _issue("numbers", "major", "4 vs 5th", (4, 6), "source", "fp-numbers-1"),
            ],
            ["entity: 習 rendered as Putin", "chrF 21 vs retranslation (corpus median 58)"],
            retranslation="President Xi met President Putin in Beijing on the 4th.",
        ),
        _seg(
            "2",
            "天然ガスの供給で合意した。",
            EVIL,
            0.42,
            True,
            [
                _issue(
                    "quotes_unbalanced",
                    "minor",
                    'a "quote" <i>x</i>',
                    (0, 8),
                    "target",
                    'fp-"evil"<x>',
                )
            ],
            [f"reason with {EVIL}"],
        ),
        _seg(
            "3",
            "最後の段落。",
            None,
            0.88,
            True,
            [_issue("omission", "critical", "no translation", (0, 6), "source", "fp-omission-3")],
            link="1-0",
        ),
        _seg(
            "4",
            None,
            "It seems that there is also an aim to call.",
            0.7,
            True,
            [_issue("added_sentence", "major", "no counterpart", (0, 43), "target", "fp-add-4")],
            link="0-1",
        ),
        _seg("5", "良い訳。", "A good translation.", 0.05, False),
        _seg(
            "6",
            LONG_JA,
            LONG_JA,
            0.97,
            True,
            [
                _issue(
                    "untranslated",
                    "critical",
                    "Japanese left in the target",
                    (0, len(LONG_JA)),
                    "target",
                    "fp-untr-6",
                )
            ],
        ),
        _seg(
            "<b>7</b>",
            "辞書の語。",
            "A dictionary word.",
            0.2,
            False,
            [
                _issue("dict_terms", "minor", "term 辞書 not found", (0, 2), "source", "fp-dict-7"),
                _issue(
                    "dict_terms",
                    "minor",
                    "already ignored",
                    (3, 4),
                    "source",
                    "fp-ign-7",
                    ignored=True,
                ),
            ],
        ),
    ]
    return {
        "segments": segments,
        "summary": {
            "input": "documents",
            "level": "paragraph",
            "segments": len(segments),
            "flagged": 5,
            "threshold": 0.311,
            "preset": "standard",
            "path": "default",
            "mt": "Helsinki-NLP/opus-mt-ja-en",
            "risk_model": "mt",
            "corpus_scores": {"chrf": 26.7871, "bleu": 8.2996},
        },
        "signatures": {
            "corpus_chrf": "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0",
            "corpus_bleu": "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0",
        },
    }


def _doc(html: str):
    return lxml.html.document_fromstring(html)


def _articles(doc):
    return doc.xpath("//article[contains(concat(' ', @class, ' '), ' seg ')]")


def _text_div(article, column: int):
    return article.xpath(".//div[@class='texts']/div[@class]")[column].xpath("./div")[0]


# -- split_spans --------------------------------------------------------------------------------


def test_split_spans_cuts_overlaps_into_flat_pieces():
    pieces = split_spans("abcdefghij", [(0, 6, 0, "minor"), (4, 8, 1, "critical")])
    assert pieces == [
        Piece("abcd", (0,), "minor"),
        Piece("ef", (0, 1), "critical"),
        Piece("gh", (1,), "critical"),
        Piece("ij", (), ""),
    ]
    assert "".join(p.text for p in pieces) == "abcdefghij"


def test_split_spans_clips_and_drops_bad_spans():
    pieces = split_spans("abc", [(-5, 1, 0, "major"), (2, 99, 1, "weird"), (2, 2, 2, "minor")])
    assert [(p.text, p.keys, p.severity) for p in pieces] == [
        ("a", (0,), "major"),
        ("b", (), ""),
        ("c", (1,), "other"),
    ]
    assert split_spans("", [(0, 3, 0, "minor")]) == []


# -- the document, parsed back ---------------------------------------------------------------------


def test_every_segment_is_present_in_document_order():
    result = sample()
    doc = _doc(render_html(result))
    arts = _articles(doc)
    assert len(arts) == len(result["segments"])
    ids = [a.xpath(".//span[@class='sid']")[0].text_content() for a in arts]
    assert ids == [s["id"] for s in result["segments"]]
    for art, seg in zip(arts, result["segments"], strict=True):
        src, tgt = _text_div(art, 0), _text_div(art, 1)
        if seg["source"] is not None:
            assert src.text_content() == seg["source"]
        if seg["target"] is not None:
            assert tgt.text_content() == seg["target"]
        assert art.get("data-risk") == str(seg["risk"])
        assert art.get("data-flagged") == ("1" if seg["flagged"] else "0")


def test_spans_are_marked_at_the_right_characters():
    result = sample()
    doc = _doc(render_html(result))
    first = _articles(doc)[0]
    target = result["segments"][0]["target"]
    marks = _text_div(first, 1).xpath("./mark")
    # The two overlapping target spans [0, 15) and [10, 24) give three flat marks.
    assert [m.text_content() for m in marks] == [target[0:10], target[10:15], target[15:24]]
    assert [m.get("data-k") for m in marks] == ["0", "0 1", "1"]
    assert "multi" in marks[1].get("class")
    assert "m-critical" in marks[0].get("class") and "m-major" in marks[2].get("class")
    src_marks = _text_div(first, 0).xpath("./mark")
    assert [m.text_content() for m in src_marks] == [result["segments"][0]["source"][4:6]]
    # The ignored issue of segment 7 is listed but not highlighted.
    last = _articles(doc)[-1]
    assert [m.text_content() for m in _text_div(last, 0).xpath("./mark")] == ["辞書"]


def test_markup_in_segments_is_escaped_not_injected():
    result = sample()
    html = render_html(result)
    doc = _doc(html)
    assert len(doc.xpath("//script")) == 1  # ours, at the end; none from the data
    assert not doc.xpath("//main//b | //main//i")
    evil_art = _articles(doc)[1]
    assert _text_div(evil_art, 1).text_content() == EVIL
    assert evil_art.xpath(".//div[@class='reasons']//li")[0].text_content() == f"reason with {EVIL}"
    # Attribute values round-trip too (a fingerprint with quotes and brackets, an id with tags).
    assert evil_art.xpath(".//button[@class='fp']")[0].get("data-fp") == 'fp-"evil"<x>'
    assert _articles(doc)[-1].xpath(".//span[@class='sid']")[0].text_content() == "<b>7</b>"
    assert "<script>alert" not in html and "<b>7</b>" not in html
    assert not re.search(r"\son\w+\s*=", html)  # no inline event handlers anywhere


def test_no_network_resource_references():
    result = sample()
    result["segments"][4]["target"] = "See https://example.com/x.png and http://a.b/c"
    html = render_html(result)
    doc = _doc(html)
    for el in doc.iter():
        for attr in ("src", "href", "action", "srcset", "poster", "data"):
            value = el.get(attr)
            assert value is None or not re.match(r"\s*(https?:)?//", value), (el.tag, value)
    assert not doc.xpath("//link | //img | //iframe | //object | //embed | //script[@src]")
    lowered = html.lower()
    assert "@import" not in lowered
    assert not re.search(r"\burl\s*\(", lowered)  # CSS url(); createObjectURL( is no fetch
    # URLs only appear as escaped text of the segment that holds them.
    assert lowered.count("http://") == 1 and lowered.count("https://") == 1
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and "default-src 'none'" in csp[0]


def test_summary_header_shows_run_facts_and_optional_keys():
    result = sample()
    doc = _doc(render_html(result))
    header = doc.xpath("//header[@class='top']")[0].text_content()
    for fact in ("Helsinki-NLP/opus-mt-ja-en", "default", "26.8", "8.3", "0.311", "mt"):
        assert fact in header
    assert result["signatures"]["corpus_chrf"] in header
    # issues_by_* were absent from this summary: computed from the segments (ignored not counted).
    by_check = {
        r.xpath("./th")[0].text_content(): int(r.xpath("./td")[0].text_content())
        for r in doc.xpath("//table[@aria-label='Issues by check']//tr")
    }
    assert by_check == {
        "entity": 2,
        "numbers": 1,
        "quotes_unbalanced": 1,
        "omission": 1,
        "added_sentence": 1,
        "untranslated": 1,
        "dict_terms": 1,
    }
    assert "accuracy/mistranslation" in _articles(doc)[0].text_content()
    ignored = _articles(doc)[-1].xpath(".//li[contains(@class, 'is-ignored')]")
    assert len(ignored) == 1 and not ignored[0].xpath(".//button")
    # Histogram: one bar pair per risk bin, flagged heights add up to the flagged segments.
    assert len(doc.xpath("//section[contains(@class,'hist')]//g")) == 10
    # When the summary has the counts, they are shown as given; a score may carry its signature.
    result["summary"]["issues_by_check"] = {"entity": 99}
    result["summary"]["corpus_scores"] = {"ter": {"score": 80.98, "signature": "tok:tercom"}}
    doc = _doc(render_html(result))
    assert doc.xpath("//table[@aria-label='Issues by check']//td")[0].text_content() == "99"
    corpus = doc.xpath("//section[@aria-labelledby='h-corpus']")[0].text_content()
    assert "81.0" in corpus and "tok:tercom" in corpus


def test_missing_pieces_render():
    result = sample()
    doc = _doc(render_html(result))
    arts = _articles(doc)
    assert "omission" in _text_div(arts[2], 1).text_content()  # target None
    assert "addition" in _text_div(arts[3], 0).text_content()  # source None
    assert "No retranslation" in arts[4].text_content()
    # No summary, no signatures, no issues, no retranslation column at all.
    bare = {"segments": [{"id": "a", "source": "猫", "target": "cat", "risk": 0.1}]}
    doc = _doc(render_html(bare))
    assert len(_articles(doc)) == 1 and "Retranslation" not in doc.text_content()
    assert doc.xpath("//input[@id='f-flagged']")[0].get("checked") is None  # 0 flagged: show all
    assert doc.xpath("//button[@id='export-toggle']")[0].get("disabled") is not None  # no prints
    empty = _doc(render_html({"segments": [], "summary": {}, "signatures": {}}))
    assert _articles(empty) == [] and empty.xpath("//p[@id='empty']")


def test_five_thousand_segments_stay_small_and_script_free():
    base = sample()["segments"]
    many = {
        "segments": [dict(copy.deepcopy(base[n % 5]), id=str(n)) for n in range(5000)],
        "summary": {"threshold": 0.3},
        "signatures": {},
    }
    html = render_html(many)
    assert len(_articles(_doc(html))) == 5000
    assert html.count("<script") == 1
    assert len(html.encode()) / 5000 < 3000  # bytes a segment, these carry 1-3 findings each


def test_renders_the_json_of_a_real_result():
    from qa.model import Flagging, Issue, Result, Segment, SegmentResult, Summary

    seg = Segment("s1", "猫が好きです。", "I like dogs & <cats>.", retranslation="I like cats.")
    result = Result(
        segments=[
            SegmentResult(
                seg,
                scores={"chrf": 31.5, "e5_sim": None},
                issues=[Issue("entity", "major", "猫 → dogs", (7, 11), "target")],
                risk=0.64,
                flagged=True,
                reasons=["chrF 31 vs retranslation"],
            ),
            SegmentResult(Segment("s2", "終わり。", None, link="1-0"), risk=0.9, flagged=True),
        ],
        summary=Summary(
            input={"input": "aligned"},
            mt="precomputed",
            segments=2,
            flagged=2,
            flagging=Flagging("mt", ["chrf"], 0.3, "standard"),
            issues_by_check={"entity": 1},
            issues_by_severity={"major": 1},
            corpus_scores={},
        ),
    )
    # The dict as the JSON output writes it and as a saved report.json reads back.
    doc = _doc(render_html(json.loads(json.dumps(result.to_dict()))))
    first, second = _articles(doc)
    assert [m.text_content() for m in _text_div(first, 1).xpath("./mark")] == ["dogs"]
    assert _text_div(first, 1).text_content() == "I like dogs & <cats>."
    assert "omission" in _text_div(second, 1).text_content()


def test_template_is_package_data():
    assert files("qa.report").joinpath("templates/report.html.j2").is_file()


# -- in a real browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = find_chromium()
    if binary is None:
        pytest.skip(
            "no chromium binary on PATH (apt-get install -y chromium, or set MTQA_CHROMIUM)"
        )
    pytest.importorskip("websocket", reason="websocket-client is in the test extra")
    b = Browser(binary, tmp_path_factory.mktemp("chromium"))
    b.send("Page.enable")
    b.send("Network.enable")
    yield b
    b.close()


@pytest.fixture
def page(browser, tmp_path):
    """The sample report opened fresh (no marks kept from an earlier test)."""
    path = tmp_path / "report.html"
    path.write_text(render_html(sample()), encoding="utf-8")
    browser.goto(path.as_uri())
    browser.evaluate("localStorage.clear()")  # marks are kept per report; these share content
    browser.events.clear()
    browser.goto(path.as_uri())
    _wait_ready(browser)
    return browser


def _wait_ready(b) -> None:
    b.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")


def _shown(b) -> list[str]:
    return b.evaluate(
        "Array.from(document.querySelectorAll('article.seg'))"
        ".filter(e => !e.hidden).map(e => e.querySelector('.sid').textContent)"
    )


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_browser_loads_without_network_and_screenshots(page, tmp_path):
    assert page.evaluate("document.querySelectorAll('article.seg').length") == 7
    assert page.evaluate("document.getElementById('status').textContent") == (
        "Showing 5 of 7 segments"
    )
    shot = page.screenshot(tmp_path / "report.png")
    full = page.screenshot(tmp_path / "report-full.png", full_page=True)
    # PNG sizes in bytes depend on compression; the full page must be taller, not bigger
    assert shot.stat().st_size > 10_000 and full.stat().st_size > 10_000
    assert _png_size(full)[1] > _png_size(shot)[1], (_png_size(full), _png_size(shot))
    print(f"\nscreenshots: {shot} {full}")
    keep = os.environ.get("MTQA_ARTIFACTS")  # CI: a folder it uploads
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for f in (shot, full):
            shutil.copy(f, Path(keep) / f.name)
    urls = page.requested_urls()
    assert urls and all(u.startswith("file:") for u in urls), urls
    assert page.failed_requests() == []


def test_browser_filters_hide_non_matching_segments(page):
    assert _shown(page) == ["1", "2", "3", "4", "6"]  # flagged only, the default with flags
    page.evaluate("location.hash = 'check=entity&flagged=0'")
    page.wait_for("document.body.getAttribute('data-shown') === '1'")
    assert _shown(page) == ["1"]
    # The controls: severity "minor", everything (flagged or not).
    page.evaluate(
        "(() => { const c = document.getElementById('f-check'); c.value = '';"
        " c.dispatchEvent(new Event('change'));"
        " const s = document.getElementById('f-severity'); s.value = 'minor';"
        " s.dispatchEvent(new Event('change')); })()"
    )
    assert _shown(page) == ["2", "<b>7</b>"]
    assert "severity=minor" in page.evaluate("location.hash")
    # Sorting by risk reorders the visible segments.
    page.evaluate("location.hash = 'flagged=1&sort=risk'")
    page.wait_for("document.body.getAttribute('data-shown') === '5'")
    assert _shown(page) == ["6", "1", "3", "4", "2"]


def test_browser_false_positive_export(page, tmp_path):
    page.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(tmp_path))
    assert page.evaluate("document.getElementById('export-text').value") == ""
    page.evaluate("document.querySelector('button.fp[data-fp=\"fp-numbers-1\"]').click()")
    page.evaluate("document.querySelector('button.fp[data-fp=\"fp-omission-3\"]').click()")
    assert page.evaluate("document.getElementById('export-text').value") == (
        "fp-numbers-1\nfp-omission-3\n"
    )
    assert (
        page.evaluate(
            "document.querySelector('button.fp[data-fp=\"fp-numbers-1\"]').getAttribute('aria-pressed')"
        )
        == "true"
    )
    page.evaluate(
        "document.querySelector('button.fp[data-fp=\"fp-omission-3\"]').click()"
    )  # unmark
    page.evaluate("document.getElementById('export-toggle').click()")
    assert page.evaluate("document.getElementById('export').hidden") is False
    page.evaluate("document.getElementById('export-download').click()")
    download = tmp_path / "mtqa-ignore.txt"
    deadline = time.monotonic() + 30
    while not (download.exists() and download.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert download.read_text(encoding="utf-8") == "fp-numbers-1\n"
    assert all(u.startswith(("file:", "blob:")) for u in page.requested_urls())


def test_browser_marks_survive_a_reload(page):
    page.evaluate("document.querySelector('button.fp[data-fp=\"fp-add-4\"]').click()")
    page.send("Page.reload")
    page.wait_for("document.readyState === 'complete'")
    _wait_ready(page)
    assert page.evaluate("document.getElementById('export-text').value") == "fp-add-4\n"
    assert page.evaluate("document.getElementById('fp-count').textContent") == "1"


def test_browser_j_k_move_between_flagged_segments(page):
    page.evaluate("location.hash = 'flagged=0'")
    page.wait_for("document.body.getAttribute('data-shown') === '7'")
    focused = "document.activeElement.querySelector('.sid').textContent"
    page.press("j")
    assert page.evaluate(focused) == "1"
    page.press("j")
    assert page.evaluate(focused) == "2"
    page.press("j")
    page.press("j")
    page.press("j")
    assert page.evaluate(focused) == "6"  # skips 5, which is not flagged
    page.press("k")
    assert page.evaluate(focused) == "4"
