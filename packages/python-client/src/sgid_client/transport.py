"""HTTP to the provider: one ``requests`` session per client, every call with a timeout."""

from __future__ import annotations

from typing import Any

import requests

from .error import SgidResponseError

#: Seconds to wait for the provider: connecting, then between bytes of the answer.
DEFAULT_TIMEOUT = 10.0

Timeout = float | tuple[float, float]

_ENDPOINT_NAMES = {"token": "token", "userinfo": "userinfo", "jwks": "jwks"}


def json_object(res: requests.Response) -> dict[str, Any] | None:
    """The response body when it is a JSON object, else None."""
    try:
        body = res.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def response_error(code: str, message: str, hint: str, res: requests.Response, error: str | None = None) -> SgidResponseError:
    """An endpoint's refusal as a typed error carrying its status and body."""
    return SgidResponseError(code, message, hint, status=res.status_code, body=res.text, error=error)


class Http:
    def __init__(self, timeout: Timeout = DEFAULT_TIMEOUT, session: requests.Session | None = None) -> None:
        self.timeout = timeout
        self.session = session or requests.Session()

    def _request(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.Timeout as exc:
            raise SgidResponseError(
                "ERR_TIMEOUT",
                f"sgID did not answer at the {_ENDPOINT_NAMES[what]} endpoint within {self.timeout} s ({url})",
                "Check that the provider is up and reachable, or raise the timeout option.",
            ) from exc
        except requests.RequestException as exc:
            raise SgidResponseError(
                "ERR_NETWORK",
                f"Could not reach sgID at the {_ENDPOINT_NAMES[what]} endpoint ({url}): {exc}",
                "Check hostname and that the provider is reachable from this server.",
            ) from exc

    def get(self, url: str, what: str, headers: dict[str, str] | None = None) -> requests.Response:
        return self._request("GET", url, what, headers=headers)

    def post_form(self, url: str, what: str, data: dict[str, str]) -> requests.Response:
        return self._request("POST", url, what, data=data)
