"""A stand-in token endpoint and JWKS for the checks the real provider never fails: forged,
expired or mis-addressed ID tokens, rotated and unknown keys. Signs with its own RSA keys."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jwcrypto import jwk, jws
from jwcrypto.common import json_encode


_KEY_1: jwk.JWK | None = None


def _key_1() -> jwk.JWK:
    global _KEY_1
    if _KEY_1 is None:
        _KEY_1 = jwk.JWK.generate(kty="RSA", size=2048, kid="key-1")
    return _KEY_1


class StubProvider:
    def __init__(self, client_id: str = "stub-client") -> None:
        self.client_id = client_id
        self.keys = [_key_1()]
        self.jwks_fetches = 0
        self.token_response: dict[str, Any] = {}
        self.userinfo_response: dict[str, Any] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: object, status: int = 200) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self) -> None:
                if self.path == "/v2/.well-known/jwks.json":
                    stub.jwks_fetches += 1
                    self._json({"keys": [json.loads(k.export_public()) | {"alg": "RS256", "use": "sig"} for k in stub.keys]})
                elif self.path == "/v2/oauth/userinfo":
                    self._json(stub.userinfo_response)
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self._json(stub.token_response)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = f"{self.url}/v2"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.issuer, "sub": "sub-1", "aud": self.client_id, "iat": now, "exp": now + 600, "nonce": "n-1"}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict[str, Any], key: jwk.JWK | None = None, header: dict[str, Any] | None = None) -> str:
        key = key or self.keys[0]
        token = jws.JWS(json.dumps(claims).encode())
        token.add_signature(key, alg="RS256", protected=json_encode(header or {"alg": "RS256", "kid": key.get("kid"), "typ": "JWT"}))
        return str(token.serialize(compact=True))

    def issue(self, claims: dict[str, Any] | None = None, **kwargs: Any) -> None:
        """The next token response carries this ID token."""
        self.token_response = {"id_token": self.sign(claims or self.claims(), **kwargs), "access_token": "at-1", "token_type": "Bearer"}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
