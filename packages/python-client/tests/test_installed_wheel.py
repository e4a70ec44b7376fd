"""The package as users get it: a wheel built offline with Debian's setuptools, installed into a
fresh virtual environment (system site-packages for its Debian-packaged dependencies, no index),
then the docs' Python quick start, copied verbatim, run against the provider in automation mode."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sgid_provider import Provider

PACKAGE = Path(__file__).resolve().parents[1]

# The docs' "Quick start" (docs.id.gov.sg/integrations-with-sgid/python), steps 1 to 5, verbatim.
DOCS_STEP_1 = '''
sgid_client = SgidClient(
    client_id=os.getenv("SGID_CLIENT_ID"),
    client_secret=os.getenv("SGID_CLIENT_SECRET"),
    private_key=os.getenv("SGID_PRIVATE_KEY"),
    redirect_uri=os.getenv("SGID_REDIRECT_URI"),
)
'''
DOCS_STEP_2 = '''
from sgid_client import generate_pkce_pair

code_verifier, code_challenge = generate_pkce_pair()
'''
DOCS_STEP_3 = '''
url, nonce = sgid_client.authorization_url(
    code_challenge=pkce_pair["code_challenge"],
    scope = "openid myinfo.name", # replace this with your own scope
)
'''
DOCS_STEP_4 = '''
sub, access_token = sgid_client.callback(
    code=code, code_verifier=code_verifier, nonce=nonce
)
'''
DOCS_STEP_5 = '''
sub, data = sgid_client.userinfo(sub=sub, access_token=access_token)
'''

# What the docs leave to the reader, between the steps: imports, the pkce_pair that step 3 names
# but step 2 never defines, and the user's round trip to sgID that brings back ?code=….
QUICK_START = "\n".join([
    "import json, os, requests, sgid_client as _pkg",
    "from sgid_client import SgidClient",
    DOCS_STEP_1,
    DOCS_STEP_2,
    'pkce_pair = {"code_verifier": code_verifier, "code_challenge": code_challenge}',
    DOCS_STEP_3,
    'from urllib.parse import parse_qs, urlsplit',
    'code = parse_qs(urlsplit(requests.get(url, allow_redirects=False).headers["location"]).query)["code"][0]',
    DOCS_STEP_4,
    DOCS_STEP_5,
    'print(json.dumps({"sub": sub, "data": data, "package": _pkg.__file__}))',
])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the wheel, the venv's python)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    # Build from a copy: an in-tree build leaves build/ and *.egg-info in the checkout.
    shutil.copytree(PACKAGE, source, ignore=shutil.ignore_patterns("tests", "build", "dist", "*.egg-info", "__pycache__"))
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(work / "dist"), str(source)],
                   check=True, capture_output=True, text=True)
    wheels = list((work / "dist").glob("sgid_client-*.whl"))
    assert len(wheels) == 1, wheels
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(work / "venv")], check=True)
    python = work / "venv" / "bin" / "python"
    # No --no-deps: pip checks the declared dependencies against what Debian installed.
    done = subprocess.run([str(python), "-m", "pip", "install", "--no-index", "-q", str(wheels[0])], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr + done.stdout
    yield wheels[0], python


def test_wheel_contents(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        metadata = z.read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "sgid_client/py.typed" in names and "sgid_client/client.py" in names
    assert not any("tests/" in n for n in names)
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    assert sorted(r.split()[1].split(">")[0] for r in requires) == ["cryptography", "jwcrypto", "requests"]
    assert not any("==" in r for r in requires), requires
    assert "Requires-Python: >=3.11" in metadata


def test_docs_quick_start_runs_unchanged(installed: tuple[Path, Path], auto_provider: Provider, tmp_path: Path) -> None:
    _, python = installed
    redirect = "http://localhost:3000/callback"
    creds = auto_provider.create_client(["openid", "myinfo.name"], [redirect])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env.update({
        "SGID_CLIENT_ID": creds.id,
        "SGID_CLIENT_SECRET": creds.secret,
        "SGID_PRIVATE_KEY": creds.private_key.replace("\n", "\\n"),  # as an .env file holds it
        "SGID_REDIRECT_URI": redirect,
        "SGID_HOSTNAME": auto_provider.url,  # the docs' code passes no hostname
    })
    script = tmp_path / "quick_start.py"
    script.write_text(QUICK_START)
    done = subprocess.run([str(python), str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["package"].startswith(str(python.parent.parent)), "ran the installed wheel, not the checkout"
    assert set(out["data"]) == {"myinfo.name"} and out["data"]["myinfo.name"]
    assert out["sub"]


def test_quick_start_text_is_the_docs() -> None:
    # The glue never replaces a step: each step appears in the script as the docs print it.
    for step in (DOCS_STEP_1, DOCS_STEP_2, DOCS_STEP_3, DOCS_STEP_4, DOCS_STEP_5):
        assert step in QUICK_START
