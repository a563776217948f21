"""report.html in headless Chromium: loads without console errors; every figure has non-zero size.

Uses the Chrome DevTools protocol through Chromium's ``--remote-debugging-pipe`` (file
descriptors 3 and 4), so no extra Python package is needed. Skips when chromium is absent.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from project_helpers import write_project
from soilsink.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian: apt-get install chromium)")


class _CDP:
    """Minimal Chrome DevTools Protocol client over the debugging pipe (NUL-separated JSON)."""

    def __init__(self, profile: Path):
        r_in, w_in = os.pipe()  # we write -> chromium reads fd 3
        r_out, w_out = os.pipe()  # chromium writes fd 4 -> we read

        def _fds():  # move both ends above 4 first so neither dup2 clobbers the other
            a = fcntl.fcntl(r_in, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(w_out, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--no-default-browser-check", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_fds, close_fds=False,
        )
        os.close(r_in)
        os.close(w_out)
        self.w = os.fdopen(w_in, "wb", buffering=0)
        self.r = os.fdopen(r_out, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []

    def _read(self) -> dict:
        while b"\0" not in self.buf:
            chunk = self.r.read(65536)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(m["error"])
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, name: str, limit: int = 2000) -> dict:
        for e in self.events:
            if e.get("method") == name:
                return e
        for _ in range(limit):
            m = self._read()
            self.events.append(m)
            if m.get("method") == name:
                return m
        raise RuntimeError(f"no {name}")

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except Exception:  # noqa: BLE001
            pass
        self.proc.wait(timeout=20)


def test_report_loads_without_console_errors_and_figures_have_size(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", draws=50)
    out = tmp_path / "bundle"
    res = CliRunner().invoke(app, ["account", str(project), "-o", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    report = (out / "report.html").resolve()

    cdp = _CDP(tmp_path / "profile")
    try:
        target = cdp.call("Target.createTarget", url="about:blank")["targetId"]
        session = cdp.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        cdp.call("Runtime.enable", session)
        cdp.call("Log.enable", session)
        cdp.call("Page.enable", session)
        cdp.call("Page.navigate", session, url=report.as_uri())
        cdp.wait_event("Page.loadEventFired")
        expr = ("JSON.stringify(Array.from(document.images).map(i => "
                "[i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width, i.complete]))")
        value = cdp.call("Runtime.evaluate", session, expression=expr, returnByValue=True)["result"]["value"]
        title = cdp.call("Runtime.evaluate", session, expression="document.title", returnByValue=True)
    finally:
        cdp.close()
    images = json.loads(value)
    # 2 fields + ALL trajectories, 1 sink figure, 1 map
    assert len(images) == 5
    for w, h, shown, complete in images:
        assert complete and w > 0 and h > 0 and shown > 0
    assert "Test farm" in title["result"]["value"]
    errors = [e for e in cdp.events
              if (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
              or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
              or e.get("method") == "Runtime.exceptionThrown"]
    assert errors == []
