"""A real OpenAI-compatible HTTP server on 127.0.0.1 for tests of HTTP MT backends.

`OpenAIServer(translate)` serves `POST /v1/chat/completions`, `POST /v1/completions` and
`GET /v1/models` from a thread (`http.server.ThreadingHTTPServer`, a free port). It takes the
Japanese out of the prompt (`Japanese: …\\nEnglish:`, the shape of mtqa's default prompt) and
answers with `translate(source)`, e.g. a tiny real MT model. It records every request it
receives, can require an API key, can answer the first requests with scripted failures
(`Fault`), can hang, and can hold the first N requests until N are in flight.

    with OpenAIServer(lambda s: s.upper()) as server:
        ... OpenAITranslator(server.url, "tiny") ...
        assert len(server.posts()) == 3
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PROMPT_SOURCE = re.compile(r"Japanese: (.*)\nEnglish:\s*\Z", re.S)
COMPLETION_PATHS = ("/v1/chat/completions", "/v1/completions")


@dataclass(frozen=True)
class Fault:
    """A scripted answer: HTTP `status` with an OpenAI-style error body and optional headers."""

    status: int
    retry_after: str | None = None
    message: str = "scripted failure"


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float = field(default_factory=time.monotonic)

    def source(self) -> str | None:
        return extract_source(self.body)


def extract_source(body: Any) -> str | None:
    """The Japanese in a chat or completions request body, None if it has no such prompt."""
    if not isinstance(body, dict):
        return None
    prompt = body.get("prompt")
    messages = body.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[-1], dict):
        prompt = messages[-1].get("content")
    if not isinstance(prompt, str):
        return None
    match = PROMPT_SOURCE.search(prompt)
    return match.group(1) if match else None


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OpenAIServer:
    def __init__(
        self,
        translate: Callable[[str], str],
        *,
        models: Iterable[str] = ("tiny-marian",),
        api_key: str | None = None,
        faults: Iterable[Fault] = (),
        hang: bool = False,
        gate: int = 0,
        gate_timeout: float = 10.0,
        reply: str = "{}",
        raw_reply: bytes | None = None,
    ) -> None:
        """translate: source → English. models: ids it serves (others get 404). api_key: the
        Bearer key it demands (401 otherwise). faults: answers to the first completion
        requests, in order. hang: never answer (until closed). gate: hold the first `gate`
        completion requests until that many are in flight, then answer them in reverse order
        of arrival (after `gate_timeout` s they go on anyway). reply: a format string around
        the translation (e.g. '"{}"\\n', as a chatty model). raw_reply:
        answer every completion request with these bytes instead."""
        self.translate = translate
        self.models = list(models)
        self.api_key = api_key
        self.faults = list(faults)
        self.hang = hang
        self.gate = gate
        self.reply = reply
        self.raw_reply = raw_reply
        self.requests: list[Seen] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()  # one model call at a time
        self._barrier = threading.Barrier(gate, timeout=gate_timeout) if gate > 1 else None
        self._release = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.app = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def posts(self) -> list[Seen]:
        """The completion requests received so far (not /models)."""
        with self._lock:
            return [r for r in self.requests if r.path in COMPLETION_PATHS]

    def __enter__(self) -> OpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._release.set()
        if self._barrier is not None:
            self._barrier.abort()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=10)

    # --- called by the handler thread ----------------------------------------------------------

    def handle(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(seen)
            number = sum(r.path in COMPLETION_PATHS for r in self.requests) - 1
        if self.api_key and seen.headers.get("authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided", "invalid_api_key")
        if seen.method == "GET" and seen.path == "/v1/models":
            data = [{"id": m, "object": "model", "owned_by": "tests"} for m in self.models]
            return _json(200, {"object": "list", "data": data})
        if seen.method != "POST" or seen.path not in COMPLETION_PATHS:
            return _error(404, f"no route {seen.method} {seen.path}", "not_found")
        if number < len(self.faults):
            fault = self.faults[number]
            status, headers, body = _error(fault.status, fault.message, "scripted")
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
            return status, headers, body
        if self.hang:
            self._release.wait(timeout=30)
            return _error(503, "hung", "hung")
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self._barrier is not None and number < self.gate:
                try:
                    self._barrier.wait()
                except threading.BrokenBarrierError:
                    pass  # the client is not concurrent enough; answer anyway
                time.sleep(0.05 * (self.gate - number))  # first in, last out
            return self._complete(seen)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _complete(self, seen: Seen) -> tuple[int, dict[str, str], bytes]:
        if self.raw_reply is not None:
            return 200, {"Content-Type": "application/json"}, self.raw_reply
        body = seen.body if isinstance(seen.body, dict) else {}
        if body.get("model") not in self.models:
            message = f"The model `{body.get('model')}` does not exist."
            return _error(404, message, "NotFoundError")
        source = extract_source(body)
        if source is None:
            return _error(400, "no 'Japanese: …\\nEnglish:' prompt", "BadRequestError")
        with self._model_lock:
            text = self.reply.format(self.translate(source))
        if seen.path == "/v1/chat/completions":
            choice: dict[str, Any] = {"message": {"role": "assistant", "content": text}}
        else:
            choice = {"text": text}
        choice |= {"index": 0, "finish_reason": "stop"}
        return _json(200, {"id": "t", "model": body["model"], "choices": [choice], "usage": {}})


def _json(status: int, payload: Any) -> tuple[int, dict[str, str], bytes]:
    data = json.dumps(payload, ensure_ascii=False).encode()
    return status, {"Content-Type": "application/json"}, data


def _error(status: int, message: str, kind: str) -> tuple[int, dict[str, str], bytes]:
    return _json(status, {"error": {"message": message, "type": kind, "code": status}})


class _Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def do_GET(self) -> None:  # noqa: N802
        self._serve(None)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        self._serve(body)

    def _serve(self, body: Any) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        seen = Seen(self.command, self.path, headers, body)
        status, out_headers, data = self.server.app.handle(seen)  # type: ignore[attr-defined]
        try:
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass
