"""The OpenAI-compatible HTTP backend against a real local server answering from a tiny real
MT model (tests/http_server.py; the model is built in conftest.py). No client is mocked."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from qa.errors import InputError
from qa.translate.cache import CachedTranslator
from qa.translate.hf import HFTranslator
from qa.translate.http import (
    DEFAULT_PROMPT,
    OpenAITranslator,
    _retry_after,
    clean_output,
    is_http_spec,
    load_http,
)
from tests.http_server import Fault, OpenAIServer, free_port

SOURCES = [
    "赤い猫が3つあります。",
    "",
    "小さい鳥が10つあります。古い本もあります。",
    "青い犬が2つあります。",
    "   ",
    "犬",
    "赤い猫が3つあります。",  # a duplicate: one request
    "黒い車が7つあります。",
    "白い花が5つあります。",
]
DISTINCT = len({s for s in SOURCES if s.strip()})
MAX_NEW = 8  # random weights never emit </s>: keep decoding short
MODEL = "tiny-marian"
KEY = "sk-test-0123456789abcdef"
FAST = {"backoff": 0.01, "max_wait": 2.0}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MTQA_API_KEY", "OPENAI_API_KEY", "http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def marian(tiny_marian_varied: Path) -> HFTranslator:
    return HFTranslator(tiny_marian_varied, device="cpu", max_new_tokens=MAX_NEW)


@pytest.fixture(scope="module")
def expected(marian: HFTranslator) -> list[str]:
    """The tiny model's own output for SOURCES, translated in one batch, no HTTP."""
    out = marian.translate(SOURCES)
    assert len(set(out) - {""}) >= 4  # distinct enough that a reordering would show
    return out


def serve(marian: HFTranslator, **kw) -> OpenAIServer:
    return OpenAIServer(lambda s: marian.translate([s])[0], **kw)


def client(server: OpenAIServer, model: str = MODEL, **kw) -> OpenAITranslator:
    return OpenAITranslator(server.url, model, **{"max_new_tokens": MAX_NEW, **FAST, **kw})


# --- translations ------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["chat", "completions"])
def test_translations_are_the_models_own_output_in_input_order_under_concurrency(
    marian: HFTranslator, expected: list[str], endpoint: str
) -> None:
    # The first 4 requests are held until 4 are in flight, then answered last-in first-out.
    with serve(marian, gate=4) as server:
        mt = client(server, endpoint=endpoint, concurrency=4)
        assert mt.translate(SOURCES) == expected
        posts = server.posts()
    assert len(posts) == DISTINCT  # empty sources and the duplicate sent nothing
    assert server.max_in_flight == 4
    assert {p.path for p in posts} == {f"/v1/{'chat/' if endpoint == 'chat' else ''}completions"}
    assert sorted(p.source() or "" for p in posts) == sorted({s for s in SOURCES if s.strip()})
    body = posts[0].body
    assert (body["model"], body["temperature"], body["max_tokens"]) == (MODEL, 0.0, MAX_NEW)


def test_one_at_a_time_when_concurrency_is_one(marian: HFTranslator, expected) -> None:
    with serve(marian, gate=2, gate_timeout=0.5) as server:  # a concurrent client fills it
        assert client(server, concurrency=1).translate(SOURCES) == expected
    assert server.max_in_flight == 1


def test_chatty_answers_are_cleaned(marian: HFTranslator, expected: list[str]) -> None:
    with serve(marian, reply='\n  <think>hm</think>English: "{}"\n\n') as server:
        assert client(server).translate(SOURCES) == expected


def test_empty_and_blank_sources_need_no_server() -> None:
    mt = OpenAITranslator(f"http://127.0.0.1:{free_port()}/v1", MODEL)
    assert mt.translate(["", "  ", "\n"]) == ["", "", ""]
    assert mt.translate([]) == []


# --- retries -----------------------------------------------------------------------------------


def test_429_and_503_are_retried_until_the_answer_comes(marian: HFTranslator, expected) -> None:
    with serve(marian, faults=[Fault(429), Fault(503), Fault(502)]) as server:
        assert client(server, concurrency=1).translate(SOURCES) == expected
        posts = server.posts()
    assert len(posts) == DISTINCT + 3
    assert posts[0].source() == posts[3].source()  # the same request, repeated


def test_retry_after_is_waited_for(marian: HFTranslator, caplog) -> None:
    with serve(marian, faults=[Fault(429, retry_after="1")]) as server:
        mt = client(server, backoff=0.001)
        with caplog.at_level(logging.INFO, logger="qa.translate.http"):
            assert mt.translate(["犬"]) == [marian.translate(["犬"])[0]]
        first, second = server.posts()
    assert "HTTP 429, retrying in 1.00 s (retry 1 of 5)" in caplog.text
    # Loose: with a 1 ms backoff the retry could only come this late by honouring the header.
    assert second.at - first.at >= 0.5


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert _retry_after("3") == 3.0
    assert _retry_after("0.5") == 0.5
    assert _retry_after("-4") == 0.0
    assert _retry_after(None) is None and _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    future = _retry_after("Fri, 01 Jan 2100 00:00:00 GMT")
    assert future is not None and future > 1e9


def test_still_failing_after_the_retries_is_one_line(marian: HFTranslator) -> None:
    with serve(marian, faults=[Fault(503, message="overloaded")] * 5) as server:
        with pytest.raises(InputError) as e:
            client(server, max_retries=2).translate(["犬"])
        assert len(server.posts()) == 3
    msg = str(e.value)
    assert "HTTP 503 after 3 attempts: overloaded" in msg and "\n" not in msg


def test_after_a_fatal_answer_the_other_workers_stop_retrying(marian: HFTranslator) -> None:
    faults = [Fault(400, message="bad request")] + [Fault(503)] * 50
    with serve(marian, faults=faults) as server:
        mt = client(server, concurrency=2, max_retries=20, backoff=0.02)
        with pytest.raises(InputError, match="HTTP 400: bad request"):
            mt.translate(SOURCES)
        time.sleep(0.5)  # room for the retries a worker would make if it had not stopped
        assert len(server.posts()) <= 3


def test_unreachable_server_fails_after_bounded_retries() -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    mt = OpenAITranslator(url, MODEL, max_retries=2, **FAST)
    with pytest.raises(InputError, match=r"cannot reach MT server .* after 3 attempts") as e:
        mt.translate(["犬", "猫"])
    assert url in str(e.value) and "\n" not in str(e.value)


def test_a_hanging_server_times_out(marian: HFTranslator) -> None:
    with serve(marian, hang=True) as server:
        mt = client(server, timeout=0.3, max_retries=1)
        with pytest.raises(InputError, match=r"did not answer within 0.3 s \(2 attempts\)"):
            mt.translate(["犬"])
        assert len(server.posts()) == 2


# --- errors a user can fix ---------------------------------------------------------------------


def test_a_refused_key_names_the_variable_and_is_not_retried(marian, monkeypatch) -> None:
    monkeypatch.setenv("MTQA_API_KEY", "sk-wrong-key")
    with serve(marian, api_key=KEY) as server:
        with pytest.raises(InputError, match=r"HTTP 401.*\$MTQA_API_KEY was refused") as e:
            client(server).translate(["犬"])
        assert len(server.posts()) == 1
    assert "sk-wrong-key" not in str(e.value) and "\n" not in str(e.value)


def test_a_missing_key_says_which_variables_to_set(marian: HFTranslator) -> None:
    with serve(marian, api_key=KEY) as server:
        with pytest.raises(InputError, match=r"set \$MTQA_API_KEY \(or \$OPENAI_API_KEY\)"):
            client(server).translate(["犬"])


def test_the_key_is_sent_as_bearer_and_never_shown(marian, expected, monkeypatch) -> None:
    monkeypatch.setenv("MTQA_API_KEY", KEY)
    with serve(marian, api_key=KEY) as server:
        mt = client(server)
        assert mt.translate(SOURCES) == expected
        assert {p.headers["authorization"] for p in server.posts()} == {f"Bearer {KEY}"}
    for shown in (mt.name, mt.cache_key, repr(mt), str(vars(mt).get("name"))):
        assert KEY not in shown


def test_openai_api_key_is_the_fallback(marian: HFTranslator, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    with serve(marian, api_key=KEY) as server:
        client(server).translate(["犬"])
        assert server.posts()[0].headers["authorization"] == f"Bearer {KEY}"
    monkeypatch.setenv("OTHER_KEY", "sk-other")  # a named variable comes first
    with serve(marian, api_key="sk-other") as server:
        client(server, api_key_env="OTHER_KEY").translate(["犬"])


def test_a_wrong_model_is_a_404_naming_it(marian: HFTranslator) -> None:
    with serve(marian) as server:
        with pytest.raises(InputError, match=r"HTTP 404.*`nope` does not exist.*'nope'") as e:
            client(server, model="nope").translate(["犬"])
        assert len(server.posts()) == 1
    assert "\n" not in str(e.value)


def test_a_wrong_path_is_a_404_with_a_hint(marian: HFTranslator) -> None:
    with serve(marian) as server:
        mt = OpenAITranslator(server.url.removesuffix("/v1"), MODEL)
        with pytest.raises(InputError, match=r"HTTP 404.*ending in /v1"):
            mt.translate(["犬"])
        with pytest.raises(InputError, match=r"HTTP 404.*--mt-model.*ending in /v1"):
            load_http(f"openai:{server.url.removesuffix('/v1')}", None)  # asks /models


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"<html>Welcome to nginx</html>", "not JSON"),
        (b'{"choices": []}', r"no choices\[0\]\.message\.content"),
        (b'{"choices": [{"message": {"content": null}}]}', "not text"),
        (b'{"error": {"message": "context too long"}}', "answered an error: context too long"),
    ],
)
def test_malformed_answers_are_one_line_errors(marian, raw: bytes, message: str) -> None:
    with serve(marian, raw_reply=raw) as server:
        with pytest.raises(InputError, match=message) as e:
            client(server).translate(["犬"])
        assert len(server.posts()) == 1  # not retried
    assert "\n" not in str(e.value)


@pytest.mark.parametrize(
    "url",
    [
        "127.0.0.1:8000/v1",
        "ftp://host/v1",
        "http://user:pw@host/v1",
        "http://h/v1?key=x",
        "http://",
    ],
)
def test_bad_base_urls_are_refused(url: str) -> None:
    with pytest.raises(InputError) as e:
        OpenAITranslator(url, MODEL)
    assert "pw" not in str(e.value) and "key=x" not in str(e.value)


def test_bad_settings_are_refused() -> None:
    url = "http://127.0.0.1:1/v1"
    for bad in ({"endpoint": "embeddings"}, {"prompt": "no slot"}, {"concurrency": 0}):
        with pytest.raises(InputError):
            OpenAITranslator(url, MODEL, **bad)


# --- the cache key and the retranslation cache -------------------------------------------------


def test_a_second_run_through_the_cache_makes_no_request(marian, expected, tmp_path) -> None:
    with serve(marian, models=[MODEL, "other"]) as server:
        assert CachedTranslator(client(server), tmp_path).translate(SOURCES) == expected
        assert len(server.posts()) == DISTINCT
        again = CachedTranslator(client(server), tmp_path)  # a new run: fresh objects
        assert again.translate(SOURCES[::-1]) == expected[::-1]
        assert len(server.posts()) == DISTINCT
        CachedTranslator(client(server, model="other"), tmp_path).translate(["犬"])
        assert len(server.posts()) == DISTINCT + 1  # another model is another key


def test_the_cache_key_covers_what_changes_output_and_nothing_else() -> None:
    base = dict(base_url="http://127.0.0.1:8000/v1", model="m")
    key = OpenAITranslator(**base).cache_key
    changed = [
        {"base_url": "http://127.0.0.1:8001/v1"},
        {"model": "m2"},
        {"endpoint": "completions"},
        {"prompt": "Japanese: {source}\nEnglish:"},
        {"temperature": 0.7},
        {"max_new_tokens": 64},
    ]
    keys = {OpenAITranslator(**(base | c)).cache_key for c in changed}
    assert key not in keys and len(keys) == len(changed)
    same = [
        {"concurrency": 9},
        {"timeout": 5},
        {"max_retries": 0},
        {"base_url": base["base_url"] + "/"},
    ]
    assert {OpenAITranslator(**(base | s)).cache_key for s in same} == {key}
    assert OpenAITranslator(**base).name == "openai:m@127.0.0.1:8000"


# --- the spec and model discovery ---------------------------------------------------------------


def test_spec_with_a_model_name(marian: HFTranslator, expected: list[str]) -> None:
    with serve(marian) as server:
        assert is_http_spec(f"openai:{server.url}") and not is_http_spec("Helsinki-NLP/x")
        mt = load_http(f" OpenAI:{server.url} ", MODEL, max_new_tokens=MAX_NEW, concurrency=2)
        assert (mt.base_url, mt.model, mt.concurrency) == (server.url, MODEL, 2)
        assert mt.translate(SOURCES) == expected


def test_spec_without_a_model_uses_the_servers_only_model(marian: HFTranslator) -> None:
    with serve(marian) as server:
        assert load_http(f"openai:{server.url}", None).model == MODEL
    with serve(marian, models=["a", "b"]) as server:
        with pytest.raises(InputError, match=r"--mt-model \(it serves a, b\)"):
            load_http(f"openai:{server.url}", None)


def test_spec_errors() -> None:
    with pytest.raises(InputError, match="openai:<base-url>"):
        load_http("vllm:http://x/v1", "m")
    with pytest.raises(InputError, match="expected http"):
        load_http("openai:", "m")


# --- output cleaning ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "chat", "completions"),
    [
        ("  There are 3 red cats.  \n", "There are 3 red cats.", "There are 3 red cats."),
        ('"There are 3 red cats."', "There are 3 red cats.", "There are 3 red cats."),
        ("“Hello.”", "Hello.", "Hello."),
        ("「Hello.」", "Hello.", "Hello."),
        ('"Yes," he said, "no."', '"Yes," he said, "no."', '"Yes," he said, "no."'),
        ("English: Two dogs.", "Two dogs.", "Two dogs."),
        ("<think>\nJapanese grammar...\n</think>\n\nTwo dogs.", "Two dogs.", "Two dogs."),
        ("One.\nTwo.\n\nJapanese: 次", "One. Two. Japanese: 次", "One."),
        ("\n\n", "", ""),
        ('"', '"', '"'),
    ],
)
def test_clean_output(answer: str, chat: str, completions: str) -> None:
    assert clean_output(answer, "chat") == chat
    assert clean_output(answer, "completions") == completions


def test_default_prompt_has_the_shape_the_test_server_reads() -> None:
    from tests.http_server import extract_source

    prompt = DEFAULT_PROMPT.replace("{source}", "猫です。")
    assert extract_source({"messages": [{"role": "user", "content": prompt}]}) == "猫です。"
