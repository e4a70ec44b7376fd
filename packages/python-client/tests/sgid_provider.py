"""The real provider for the Python tests: `sgid-provider start` (the repository's CLI, run by
Node) on a free port with a temporary SQLite file, clients registered with `clients create`,
and a login driven through the QR page and the wallet over HTTP, as a browser and a phone do."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[3]
BIN = ROOT / "packages" / "provider" / "bin" / "sgid-provider.js"
NODE = shutil.which("node") or "node"


def _env() -> dict[str, str]:
    # Ours without any SGID_ setting of the caller's: the flags alone configure the provider.
    return {k: v for k, v in os.environ.items() if not k.startswith("SGID_") and k not in ("NODE_OPTIONS", "NODE_TEST_CONTEXT")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Credentials:
    id: str
    secret: str
    private_key: str
    public_key: str
    scopes: list[str]
    redirect_uris: list[str]


@dataclass
class Provider:
    """A running `sgid-provider start`; stop() ends it and removes its data."""

    args: list[str] = field(default_factory=list)
    port: int = 0
    url: str = ""
    data_dir: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def data_file(self) -> str:
        return os.path.join(self.data_dir, "sgid.db")

    def start(self, timeout: float = 60.0) -> Provider:
        self.data_dir = tempfile.mkdtemp(prefix="sgid-py-")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [NODE, str(BIN), "start", "--host", "127.0.0.1", "--port", str(self.port),
               "--public-url", self.url, "--data", self.data_file, "--log-level", "warn", *self.args]
        self.log = open(os.path.join(self.data_dir, "provider.log"), "wb")
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"sgid-provider exited ({self.process.returncode}):\n{self.read_log()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"sgid-provider did not answer /healthz within {timeout} s:\n{self.read_log()}")
            time.sleep(0.1)

    def read_log(self) -> str:
        try:
            return Path(self.data_dir, "provider.log").read_text("utf-8", "replace")
        except OSError:
            return ""

    def cli(self, *args: str) -> str:
        """A one-shot CLI command on this provider's store; its stdout."""
        done = subprocess.run([NODE, str(BIN), *args, "--data", self.data_file], cwd=ROOT, env=_env(),
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"sgid-provider {' '.join(args)} failed ({done.returncode}):\n{done.stderr}{done.stdout}")
        return done.stdout

    def create_client(self, scopes: list[str], redirect_uris: list[str], name: str = "Python SDK test") -> Credentials:
        args = ["clients", "create", "--name", name, "--scope", " ".join(scopes), "--json"]
        for uri in redirect_uris:
            args += ["--redirect-uri", uri]
        c = json.loads(self.cli(*args))
        return Credentials(c["id"], c["secret"], c["privateKey"], c["publicKey"], c["scopes"], c["redirectUris"])

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "log", None):
            self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def provider_facts() -> dict[str, Any]:
    """The scope catalog and each built-in persona's released values, from the provider's modules."""
    out = subprocess.run([NODE, "--conditions=sgid-source", "--import", "tsx", str(Path(__file__).with_name("provider_facts.ts"))],
                         cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def _attr(page: str, pattern: str, what: str) -> str:
    m = re.search(pattern, page)
    assert m, f"{what} not found in page:\n{page[:2000]}"
    return html.unescape(m.group(1))


def login_through_wallet(authorize_url: str, persona: str | None = None, decision: str = "approve") -> dict[str, str]:
    """The whole login through the pages: the QR page in a browser, the wallet on a phone, then
    the browser continues. Returns the query of the redirect back to the client."""
    browser = requests.Session()
    qr = browser.get(authorize_url, allow_redirects=False, timeout=30)
    assert qr.status_code == 200, f"authorize answered {qr.status_code}: {qr.headers.get('location') or qr.text[:500]}"
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
    wallet_url = _attr(qr.text, r'id="open-wallet" href="([^"]+)"', "wallet link")
    status_url = origin + _attr(qr.text, r'data-status-url="([^"]+)"', "status URL")
    continue_url = origin + _attr(qr.text, r'data-continue-url="([^"]+)"', "continue URL")

    phone = requests.Session()
    picker = phone.get(wallet_url, timeout=30)
    assert picker.status_code == 200, picker.text[:500]
    action = _attr(picker.text, r'<form method="get" action="([^"]+)"', "persona form")
    chosen = persona or _attr(picker.text, r'name="persona" value="([^"]+)"', "first persona")
    consent = phone.get(urljoin(wallet_url, action), params={"persona": chosen}, timeout=30)
    assert consent.status_code == 200, consent.text[:500]
    decide = _attr(consent.text, r'<form method="post" action="([^"]+)"', "decision form")
    done = phone.post(urljoin(wallet_url, decide), data={"persona": chosen, "decision": decision}, timeout=30)
    assert done.status_code == 200, done.text[:500]

    assert browser.get(status_url, timeout=30).json()["status"] != "pending"
    back = browser.get(continue_url, allow_redirects=False, timeout=30)
    assert back.status_code == 302, back.text[:500]
    return {k: v[0] for k, v in parse_qs(urlsplit(back.headers["location"]).query).items()}


def auto_approved_code(authorize_url: str) -> dict[str, str]:
    """Automation mode (`--auto-approve`): authorize answers 302 with the code at once."""
    res = requests.get(authorize_url, allow_redirects=False, timeout=30)
    assert res.status_code == 302, f"{res.status_code}: {res.text[:500]}"
    return {k: v[0] for k, v in parse_qs(urlsplit(res.headers["location"]).query).items()}
