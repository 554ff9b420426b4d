"""Retranslation through a served model speaking the OpenAI-compatible HTTP API.

vLLM, Ollama, llama.cpp's `llama-server`, LM Studio, TGI and most cloud APIs answer
`POST {base_url}/chat/completions` (and usually `{base_url}/completions`). One request per
non-empty source, `concurrency` at a time, temperature 0; the standard library only (urllib),
so nothing is installed for it.

- API key: read from `$MTQA_API_KEY`, else `$OPENAI_API_KEY`, and sent as
  `Authorization: Bearer …`; none is sent when neither is set (local servers need none). The key
  is never logged, never in `name`, `cache_key`, `repr` or an error message.
- Retries: HTTP 408/425/429 and 5xx (but 501/505), connection errors and timeouts are retried
  up to `max_retries` times with exponential backoff and jitter; a `Retry-After` header
  (seconds or an HTTP date) is waited for instead, up to `max_wait` seconds.
- Errors: a bad key (401/403), a wrong model or URL (404), any other 4xx, a server still failing
  or unreachable after the retries, and a malformed answer are one-line `InputError`s.
- Output cleaning (`clean_output`): a leading `<think>…</think>` block, surrounding whitespace,
  an echoed `English:` label and quotes wrapping the whole answer are removed. The chat endpoint
  keeps every line, joined by single spaces (a source segment is one paragraph, and chat models
  stop by themselves); the completions endpoint keeps the first non-empty line, since a base
  model continues past its answer with the next "Japanese: …" line.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import logging
import os
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import Any, Literal

from qa.errors import InputError

log = logging.getLogger(__name__)

Endpoint = Literal["chat", "completions"]
SPEC_PREFIX = "openai:"
KEY_FALLBACK_ENV = "OPENAI_API_KEY"
DEFAULT_PROMPT = (
    "Translate the following Japanese text into English. "
    "Answer with the English translation only, nothing else.\n\n"
    "Japanese: {source}\nEnglish:"
)
# Bump when clean_output changes what it returns: cached retranslations must not be reused.
CLEAN_VERSION = 1
_PATHS: dict[str, str] = {"chat": "/chat/completions", "completions": "/completions"}
_RETRY_STATUS = frozenset({408, 425, 429})
_FINAL_5XX = frozenset({501, 505})  # not implemented / HTTP version: retrying cannot help
_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "『": "』", "«": "»"}
_THINK = re.compile(r"^\s*<think>.*?</think>", re.S)
_LABEL = re.compile(r"^(?:english|translation|english translation)\s*:\s*", re.I)


def is_http_spec(spec: str) -> bool:
    """True for `--mt openai:<base-url>`."""
    return spec.strip().lower().startswith(SPEC_PREFIX)


def load_http(spec: str, model: str | None, **options: Any) -> OpenAITranslator:
    """The translator for `--mt openai:<base-url>` and `--mt-model NAME` (options: those of
    `OpenAITranslator`). Without a model name the server's only model is used, if it has one."""
    if not is_http_spec(spec):
        raise InputError(f"not an HTTP MT spec: {spec!r} (expected openai:<base-url>)")
    base_url = spec.strip()[len(SPEC_PREFIX) :].strip()
    return OpenAITranslator(base_url, model, **options)


def clean_output(text: str, endpoint: str = "chat") -> str:
    """The translation in a model's answer (the rule is in the module docstring)."""
    text = _THINK.sub("", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    text = lines[0] if endpoint == "completions" else " ".join(lines)
    text = _LABEL.sub("", text).strip()
    close = _QUOTES.get(text[:1])
    inner = text[1:-1]
    if close and len(text) >= 2 and text.endswith(close) and text[0] not in inner:
        if close not in inner:
            text = inner.strip()
    return text


class OpenAITranslator:
    """Translator protocol over an OpenAI-compatible server (chat or legacy completions)."""

    def __init__(
        self,
        base_url: str,
        model: str | None,
        *,
        api_key_env: str = "MTQA_API_KEY",
        endpoint: Endpoint = "chat",
        concurrency: int = 4,
        timeout: float = 60.0,
        max_retries: int = 5,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        prompt: str = DEFAULT_PROMPT,
        max_new_tokens: int = 256,
        temperature: float = 0.0,
    ) -> None:
        if endpoint not in _PATHS:
            raise InputError(f"unknown MT endpoint {endpoint!r}: use chat or completions")
        if "{source}" not in prompt:
            raise InputError("the MT prompt template must contain {source}")
        if concurrency < 1 or max_retries < 0 or timeout <= 0 or max_new_tokens < 1:
            raise InputError(
                "MT server settings: concurrency and max_new_tokens must be ≥ 1, "
                "max_retries ≥ 0 and timeout > 0"
            )
        self.base_url = _check_url(base_url)
        self.endpoint: Endpoint = endpoint
        self.concurrency, self.timeout, self.max_retries = concurrency, timeout, max_retries
        self.backoff, self.max_wait = backoff, max_wait
        self.prompt, self.max_new_tokens, self.temperature = prompt, max_new_tokens, temperature
        self._key_env_asked = api_key_env
        self._key_env, self._api_key = _find_key(api_key_env)
        self._random = random.Random()
        self.model = model or ""
        self.model = model or self._only_model()
        host = urllib.parse.urlsplit(self.base_url).netloc
        self.name = f"openai:{self.model}@{host}"
        prompt_id = hashlib.sha256(prompt.encode()).hexdigest()[:16]
        self.cache_key = (
            f"openai|{self.base_url}|{endpoint}|model={self.model}|temperature={temperature}"
            f"|max_tokens={max_new_tokens}|prompt={prompt_id}|clean={CLEAN_VERSION}"
        )

    def __repr__(self) -> str:  # the default repr would show the key
        return f"OpenAITranslator({self.base_url!r}, {self.model!r}, endpoint={self.endpoint!r})"

    # --- the Translator protocol ---------------------------------------------------------------

    def translate(self, sources: list[str]) -> list[str]:
        """One request per distinct non-empty source, `concurrency` at a time; input order kept.
        Empty or whitespace-only sources become "" without a request."""
        todo = list(dict.fromkeys(s for s in sources if s.strip()))
        done: dict[str, str] = {}
        if todo:
            stop = threading.Event()  # set when the call ends: no worker retries any more
            pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="mtqa-http")
            try:
                futures = {pool.submit(self.translate_one, s, stop): s for s in todo}
                finished, _ = wait(futures, return_when=FIRST_EXCEPTION)
                for future in finished:
                    if future.exception() is not None:
                        raise future.exception()  # type: ignore[misc]
                for future, source in futures.items():
                    done[source] = future.result()
            finally:  # on an error or Ctrl-C: queued requests are dropped, none is retried
                stop.set()
                pool.shutdown(wait=False, cancel_futures=True)
        return [done.get(s, "") for s in sources]

    def translate_one(self, source: str, stop: threading.Event | None = None) -> str:
        text = self.prompt.replace("{source}", source)
        body: dict[str, Any] = {
            "model": self.model,
            "temperature": self.temperature,
            "max_tokens": self.max_new_tokens,
            "stream": False,
        }
        if self.endpoint == "chat":
            body["messages"] = [{"role": "user", "content": text}]
        else:
            body["prompt"] = text
        answer = self._request(_PATHS[self.endpoint], body, stop or threading.Event())
        return clean_output(self._answer_text(answer), self.endpoint)

    # --- HTTP ----------------------------------------------------------------------------------

    def _only_model(self) -> str:
        """The id of the one model the server serves (vLLM and llama.cpp serve one)."""
        listing = self._request("/models", None, threading.Event())
        data = listing.get("data") if isinstance(listing, dict) else None
        ids = [m.get("id") for m in data or [] if isinstance(m, dict)]
        ids = [i for i in ids if isinstance(i, str) and i]
        if len(ids) == 1:
            return ids[0]
        served = f"it serves {', '.join(ids[:5])}{' …' if len(ids) > 5 else ''}" if ids else ""
        raise InputError(
            f"MT server {self.base_url}: name the model with --mt-model"
            + (f" ({served})" if served else " (it lists no models at /models)")
        )

    def _request(self, path: str, body: dict[str, Any] | None, stop: threading.Event) -> Any:
        """The decoded JSON answer to GET (body None) or POST `path`, retrying transient
        failures until `stop` is set; every failure a user can fix or wait out ends as one
        InputError line."""
        url = self.base_url + path
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                with urllib.request.urlopen(self._build(url, body), timeout=self.timeout) as r:
                    raw = r.read()
            except urllib.error.HTTPError as e:
                status, detail = e.code, self._detail(e)
                retry_after = _retry_after(e.headers.get("Retry-After") if e.headers else None)
                e.close()
                if not _retryable(status):
                    raise InputError(self._http_error(status, detail, url)) from None
                if last:
                    raise InputError(
                        f"MT server {self.base_url} still answered HTTP {status} after "
                        f"{attempts} attempts{': ' + detail if detail else ''}"
                    ) from None
                self._pause(attempt, f"HTTP {status}", retry_after, stop)
            except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException) as e:
                reason = getattr(e, "reason", e)
                timed_out = isinstance(reason, TimeoutError) or "timed out" in str(reason)
                if last:
                    if timed_out:
                        raise InputError(
                            f"MT server {self.base_url} did not answer within {self.timeout:g} s "
                            f"({attempts} attempts); raise the timeout or lower the concurrency"
                        ) from None
                    raise InputError(
                        f"cannot reach MT server {self.base_url} after {attempts} attempts: "
                        f"{_one_line(str(reason) or type(reason).__name__)}"
                    ) from None
                self._pause(attempt, "timeout" if timed_out else "connection error", None, stop)
            else:
                return self._decode(raw, url)
        raise AssertionError("unreachable")  # pragma: no cover

    def _build(self, url: str, body: dict[str, Any] | None) -> urllib.request.Request:
        headers = {"Accept": "application/json", "User-Agent": "mtqa"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        return urllib.request.Request(url, data=data, headers=headers)

    def _pause(
        self, attempt: int, why: str, retry_after: float | None, stop: threading.Event
    ) -> None:
        if retry_after is not None:
            delay = min(retry_after, self.max_wait)
        else:  # exponential backoff with "equal jitter": half fixed, half random
            step = min(self.backoff * 2**attempt, self.max_wait)
            delay = step / 2 + self._random.uniform(0, step / 2)
        log.info(
            "MT server %s: %s, retrying in %.2f s (retry %d of %d)",
            self.base_url, why, delay, attempt + 1, self.max_retries,
        )  # fmt: skip
        if stop.wait(delay):
            raise InputError(f"MT server {self.base_url}: request abandoned")

    def _decode(self, raw: bytes, url: str) -> Any:
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            start = _one_line(raw[:60].decode("utf-8", "replace"))
            raise InputError(
                f"malformed answer from MT server {url}: not JSON ({start!r}); "
                "is this an OpenAI-compatible base URL (often ending in /v1)?"
            ) from None

    def _answer_text(self, answer: Any) -> str:
        url = self.base_url + _PATHS[self.endpoint]
        if isinstance(answer, dict) and isinstance(answer.get("error"), dict | str):
            raise InputError(f"MT server {url} answered an error: {_error_text(answer)}")
        try:
            choice = answer["choices"][0]
            text = choice["message"]["content"] if self.endpoint == "chat" else choice["text"]
        except (KeyError, IndexError, TypeError):
            field = "message.content" if self.endpoint == "chat" else "text"
            raise InputError(
                f"malformed answer from MT server {url}: no choices[0].{field}"
            ) from None
        if not isinstance(text, str):
            raise InputError(f"malformed answer from MT server {url}: the answer is not text")
        return text

    def _detail(self, error: urllib.error.HTTPError) -> str:
        try:
            raw = error.read(2000)
        except (OSError, ValueError, AttributeError, http.client.HTTPException):
            return ""  # no body, or one cut short
        try:
            text = _error_text(json.loads(raw))
        except (UnicodeDecodeError, json.JSONDecodeError):
            text = raw.decode("utf-8", "replace")
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return _one_line(text)

    def _http_error(self, status: int, detail: str, url: str) -> str:
        said = f": {detail}" if detail else ""
        if status in (401, 403):
            if self._key_env:
                fix = f"the key in ${self._key_env} was refused; set a valid one"
            else:
                fix = f"no API key was sent; set ${_key_envs(self._key_env_asked)}"
            return f"MT server {self.base_url} answered HTTP {status}{said} ({fix})"
        if status == 404:
            return (
                f"MT server {url} answered HTTP 404{said} (check --mt-model {self.model!r} and "
                "that the base URL is the API root, often ending in /v1)"
            )
        return f"MT server {url} answered HTTP {status}{said}"


def _find_key(env: str) -> tuple[str | None, str | None]:
    """(the variable the key came from, the key), looking at `env` then $OPENAI_API_KEY."""
    for name in dict.fromkeys((env, KEY_FALLBACK_ENV)):
        value = os.environ.get(name, "").strip()
        if value:
            return name, value
    return None, None


def _key_envs(env: str) -> str:
    return env if env == KEY_FALLBACK_ENV else f"{env} (or ${KEY_FALLBACK_ENV})"


def _check_url(base_url: str) -> str:
    url = base_url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"MT server URL {base_url!r}: expected http(s)://host[:port]/path, "
            "e.g. openai:http://127.0.0.1:8000/v1"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InputError(
            f"MT server URL for host {parts.hostname}: no credentials, query or fragment in the "
            "URL; put the API key in $MTQA_API_KEY"
        )
    try:
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise InputError(f"MT server URL {base_url!r}: bad port") from None
    return url


def _retryable(status: int) -> bool:
    return status in _RETRY_STATUS or (status >= 500 and status not in _FINAL_5XX)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_text(payload: Any) -> str:
    """The message in an OpenAI-style error body {"error": {"message": …}} (or vLLM/Ollama's)."""
    if isinstance(payload, dict):
        error = payload.get("error", payload.get("detail", payload.get("message")))
        if isinstance(error, dict):
            error = error.get("message", error)
        return str(error) if error is not None else json.dumps(payload)[:200]
    return str(payload)


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
