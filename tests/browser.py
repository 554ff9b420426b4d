"""A tiny Chrome DevTools Protocol driver for tests: Debian's chromium, headless, no download.

Chromium is started with `--remote-debugging-port=0` (it writes the port it picked to
DevToolsActivePort in its profile folder) and with every host name resolving nowhere and a dead
proxy, so a page that tried the network would fail; the Network domain's events record what the
page asked for anyway, which is what the tests assert on.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The browser binary: $MTQA_CHROMIUM, else the first of BINARIES on PATH."""
    env = os.environ.get("MTQA_CHROMIUM")
    if env:
        return env if Path(env).exists() else shutil.which(env)
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    return None


class CDPError(RuntimeError):
    pass


class Browser:
    """One headless chromium with one page, driven over its DevTools websocket."""

    def __init__(self, binary: str, workdir: Path, width: int = 1280, height: int = 900):
        import websocket  # websocket-client, in the test extra

        self.workdir = Path(workdir)
        self.profile = self.workdir / "profile"
        self.profile.mkdir(parents=True, exist_ok=True)
        (self.profile / "DevToolsActivePort").unlink(missing_ok=True)  # a stale one from a reuse
        self.log = open(self.workdir / "chromium.log", "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-features=Translate,MediaRouter,OptimizationHints",
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--proxy-server=http://127.0.0.1:9",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=self.log,
            stderr=self.log,
        )
        self.events: list[dict[str, Any]] = []
        self._id = 0
        try:
            port = self._wait_port()
            ws_url = self._page_ws(port)
            self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
            self.send(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
        except BaseException:
            self.close()
            raise

    def _wait_port(self, limit: float = 60) -> int:
        marker = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CDPError(f"chromium exited ({self.proc.returncode}); see {self.log.name}")
            if marker.exists():
                lines = marker.read_text().split()
                if lines:
                    return int(lines[0])
            time.sleep(0.05)
        raise CDPError(f"chromium did not open a DevTools port; see {self.log.name}")

    @staticmethod
    def _page_ws(port: int, limit: float = 30) -> str:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # ignore *_proxy
        deadline = time.monotonic() + limit
        while True:
            try:
                with opener.open(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                    targets = json.load(r)
            except OSError:  # the port file can come a moment before the server listens
                targets = []
            pages = [t for t in targets if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            if time.monotonic() > deadline:
                raise CDPError("chromium has no page target")
            time.sleep(0.05)

    # -- protocol -------------------------------------------------------------------------------
    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._id += 1
        my_id = self._id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise CDPError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, expression: str, limit: float = 30) -> Any:
        """Poll a JS expression until it is truthy (a guard against hanging, not a timing check)."""
        deadline = time.monotonic() + limit
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise CDPError(f"timed out waiting for {expression!r}")
            time.sleep(0.05)

    def evaluate(self, expression: str) -> Any:
        res = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in res:
            raise CDPError(f"JS error in {expression!r}: {res['exceptionDetails']}")
        return res.get("result", {}).get("value")

    def goto(self, url: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete' && document.URL !== 'about:blank'")

    def press(self, key: str) -> None:
        """A real key press (keydown, char, keyup) as a user's keyboard sends it."""
        code = f"Key{key.upper()}" if len(key) == 1 and key.isalpha() else key
        vk = ord(key.upper()) if len(key) == 1 else 0
        common = {"key": key, "code": code, "windowsVirtualKeyCode": vk}
        self.send("Input.dispatchKeyEvent", type="keyDown", text=key, **common)
        self.send("Input.dispatchKeyEvent", type="keyUp", **common)

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = self.send("Page.captureScreenshot", **params)["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path

    def requested_urls(self) -> list[str]:
        """Every URL the page asked for since Network.enable (drains pending events first)."""
        self.evaluate("1")
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def failed_requests(self) -> list[dict[str, Any]]:
        self.evaluate("1")
        return [e["params"] for e in self.events if e.get("method") == "Network.loadingFailed"]

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            try:
                ws.close()
            except Exception:
                pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
