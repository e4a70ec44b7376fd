"""The return types of SgidClient's methods."""

from __future__ import annotations

import dis
import sys
from collections.abc import Iterator
from typing import NamedTuple

_UNPACK_SEQUENCE = dis.opmap["UNPACK_SEQUENCE"]


class AuthorizationUrlReturn(NamedTuple):
    url: str
    nonce: str | None


def _unpacking_into(frame_depth: int) -> int | None:
    """How many names the caller is unpacking us into (``a, b = x`` → 2), when it is unpacking."""
    try:
        frame = sys._getframe(frame_depth)
        code = frame.f_code.co_code
        i = frame.f_lasti
        if 0 <= i < len(code) - 1 and code[i] == _UNPACK_SEQUENCE:
            return code[i + 1]
    except (AttributeError, ValueError, IndexError):
        pass
    return None


class CallbackReturn(NamedTuple):
    """``sub``, ``id_token`` and ``access_token``, as in sgid-client 0.3.0.

    It unpacks both ways found in the wild: ``sub, id_token, access_token = …`` (0.3.0) and
    ``sub, access_token = …`` (the docs' quick start, API reference and Flask guide, written for
    0.2.0 — on 0.3.0 they fail with "too many values to unpack"). Indexing, ``len`` and every
    other use see the three fields of 0.3.0.
    """

    sub: str
    id_token: str
    access_token: str

    def __iter__(self) -> Iterator[str]:
        # `a, b = result` runs UNPACK_SEQUENCE 2 in the caller's frame, which calls this method.
        if _unpacking_into(2) == 2:
            return iter((self.sub, self.access_token))
        return tuple.__iter__(self)


class UserInfoReturn(NamedTuple):
    sub: str
    data: dict[str, str]
