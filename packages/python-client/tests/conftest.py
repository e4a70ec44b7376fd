from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
# The package from this checkout's source (the installed-wheel test builds and installs its own).
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from sgid_provider import Provider, provider_facts  # noqa: E402

REDIRECT = "http://localhost:5001/api/redirect"
AUTO_PERSONA = "S8534127H"


@pytest.fixture(scope="session")
def facts() -> dict[str, Any]:
    return provider_facts()


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    p = Provider().start()
    yield p
    p.stop()


@pytest.fixture(scope="session")
def auto_provider() -> Iterator[Provider]:
    """A provider in automation mode: every valid authorize request is approved as AUTO_PERSONA."""
    p = Provider(args=["--auto-approve", AUTO_PERSONA]).start()
    yield p
    p.stop()
