"""Our sgid_client against the real provider over HTTP: every persona with every scope of the
catalog (non-ASCII names included), each scope alone, openid alone, pairwise sub, and the error
paths with the official SDK's messages."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from conftest import REDIRECT
from sgid_client import (
    Errors,
    SgidClient,
    SgidIdTokenError,
    SgidResponseError,
    generate_pkce_pair,
    parse_data,
)
from sgid_provider import Provider, auto_approved_code, login_through_wallet, provider_facts

_FACTS: dict[str, Any] | None = None


def _facts() -> dict[str, Any]:
    global _FACTS
    if _FACTS is None:
        _FACTS = provider_facts()
    return _FACTS


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "persona" in metafunc.fixturenames:
        personas = _facts()["personas"]
        metafunc.parametrize("persona", personas, ids=[p["id"] for p in personas])
    if "scope" in metafunc.fixturenames:
        metafunc.parametrize("scope", [s for s in _facts()["scopes"] if s != "openid"])


def client_for(p: Provider, scopes: list[str], **kwargs: Any) -> SgidClient:
    creds = p.create_client(scopes, [REDIRECT])
    return SgidClient(creds.id, creds.secret, creds.private_key, REDIRECT, p.url, **kwargs)


@pytest.fixture(scope="module")
def all_scopes_client(provider: Provider) -> SgidClient:
    return client_for(provider, _facts()["scopes"])


@pytest.fixture(scope="module")
def auto_client(auto_provider: Provider) -> SgidClient:
    return client_for(auto_provider, _facts()["scopes"])


def login(client: SgidClient, scope: str | list[str], persona: str | None = None, state: str | None = "st-1") -> tuple[str, str, str]:
    """A whole login through the wallet; (sub, id_token, access_token)."""
    verifier, challenge = generate_pkce_pair()
    url, nonce = client.authorization_url(code_challenge=challenge, scope=scope, state=state)
    back = login_through_wallet(url, persona)
    assert back.get("state") == state
    sub, id_token, access_token = client.callback(code=back["code"], code_verifier=verifier, nonce=nonce)
    return sub, id_token, access_token


def test_every_scope_of_every_persona_decrypts_to_its_value(all_scopes_client: SgidClient, persona: dict[str, Any]) -> None:
    scopes = _facts()["scopes"]
    sub, _, access_token = login(all_scopes_client, scopes, persona["id"])
    got_sub, data = all_scopes_client.userinfo(sub=sub, access_token=access_token)
    assert got_sub == sub
    assert data == persona["expected"]
    assert set(data) == set(scopes) - {"openid"}


def test_non_ascii_names_decode(all_scopes_client: SgidClient) -> None:
    # The official SDK decodes payloads as ASCII: "Decryption of data failed" on these two.
    names = {p["id"]: p["expected"]["myinfo.name"] for p in _facts()["personas"]}
    non_ascii = {pid: name for pid, name in names.items() if not name.isascii()}
    assert len(non_ascii) >= 2, names
    for pid, name in non_ascii.items():
        sub, _, token = login(all_scopes_client, "openid myinfo.name", pid)
        assert all_scopes_client.userinfo(sub, token).data == {"myinfo.name": name}


def test_each_scope_alone(auto_client: SgidClient, scope: str) -> None:
    verifier, challenge = generate_pkce_pair()
    url, nonce = auto_client.authorization_url(code_challenge=challenge, scope=["openid", scope])
    code = auto_approved_code(url)["code"]
    sub, access_token = auto_client.callback(code, verifier, nonce)
    data = auto_client.userinfo(sub, access_token).data
    assert list(data) == [scope]
    assert isinstance(data[scope], str)


def test_openid_alone_gives_empty_data(all_scopes_client: SgidClient) -> None:
    # The official SDK fails here with KeyError: 'key' (the provider sends only sub).
    sub, _, token = login(all_scopes_client, "openid")
    assert all_scopes_client.userinfo(sub, token) == (sub, {})


def test_sub_is_pairwise(provider: Provider) -> None:
    a = client_for(provider, ["openid", "myinfo.name"])
    b = client_for(provider, ["openid", "myinfo.name"])
    persona = "S8534127H"
    sub_a1 = login(a, "openid", persona)[0]
    sub_a2 = login(a, "openid", persona)[0]
    sub_b = login(b, "openid", persona)[0]
    other = login(a, "openid", "S7612846D")[0]
    assert sub_a1 == sub_a2, "stable for one person at one client"
    assert sub_a1 != sub_b, "different at another client"
    assert sub_a1 != other
    assert persona not in sub_a1


def test_parse_data_on_real_values(auto_client: SgidClient) -> None:
    verifier, challenge = generate_pkce_pair()
    scopes = ["openid", "myinfo.name", "myinfo.vehicles", "myinfo.children_birth_records"]
    url, nonce = auto_client.authorization_url(challenge, scope=scopes)
    sub, access_token = auto_client.callback(auto_approved_code(url)["code"], verifier, nonce)
    data = auto_client.userinfo(sub, access_token).data
    parsed = auto_client.parseData(data)
    assert parsed == parse_data(data) == auto_client.parse_data(data)
    assert parsed["myinfo.name"] == data["myinfo.name"]
    assert parsed["myinfo.vehicles"] == json.loads(data["myinfo.vehicles"])
    assert isinstance(parsed["myinfo.children_birth_records"], list)


class TestErrors:
    """Each refusal of the provider surfaces with the official message and a typed error."""

    def _code(self, client: SgidClient) -> tuple[str, str, str | None]:
        verifier, challenge = generate_pkce_pair()
        url, nonce = client.authorization_url(challenge)
        return auto_approved_code(url)["code"], verifier, nonce

    def test_wrong_secret(self, auto_provider: Provider) -> None:
        creds = auto_provider.create_client(["openid", "myinfo.name"], [REDIRECT])
        client = SgidClient(creds.id, "x" * 32, creds.private_key, REDIRECT, auto_provider.url)
        code, verifier, nonce = self._code(client)
        with pytest.raises(SgidResponseError) as err:
            client.callback(code, verifier, nonce)
        assert str(err.value).startswith(f"{Errors.TOKEN_ENDPOINT_FAILED}\nResponse status: 401\nResponse body: {{")
        assert err.value.status == 401 and err.value.error == "invalid_client"
        assert err.value.code == "ERR_TOKEN_ENDPOINT" and "client_secret" in err.value.hint

    def test_wrong_verifier(self, auto_client: SgidClient) -> None:
        code, _, nonce = self._code(auto_client)
        with pytest.raises(SgidResponseError) as err:
            auto_client.callback(code, generate_pkce_pair().code_verifier, nonce)
        assert str(err.value).startswith(f"{Errors.TOKEN_ENDPOINT_FAILED}\nResponse status: 400\nResponse body: ")
        assert err.value.error == "invalid_grant"

    def test_reused_code_is_refused_and_revokes_the_first_token(self, auto_client: SgidClient) -> None:
        code, verifier, nonce = self._code(auto_client)
        sub, access_token = auto_client.callback(code, verifier, nonce)
        with pytest.raises(SgidResponseError) as err:
            auto_client.callback(code, verifier, nonce)
        assert err.value.status == 400 and err.value.error == "invalid_grant"
        assert str(err.value).startswith(Errors.TOKEN_ENDPOINT_FAILED)
        with pytest.raises(SgidResponseError) as revoked:
            auto_client.userinfo(sub, access_token)
        assert revoked.value.error == "invalid_token"

    def test_invalid_access_token(self, auto_client: SgidClient) -> None:
        code, verifier, nonce = self._code(auto_client)
        sub, _ = auto_client.callback(code, verifier, nonce)
        with pytest.raises(SgidResponseError) as err:
            auto_client.userinfo(sub, "not-a-token")
        message = str(err.value)
        assert message.startswith(f"{Errors.USERINFO_ENDPOINT_FAILED}\nResponse status: 401\nError message: Bearer ")
        assert 'error="invalid_token"' in message
        assert err.value.error == "invalid_token" and err.value.status == 401

    def test_sub_mismatch(self, auto_client: SgidClient) -> None:
        code, verifier, nonce = self._code(auto_client)
        _, access_token = auto_client.callback(code, verifier, nonce)
        with pytest.raises(Exception, match="^" + Errors.USERINFO_SUB_MISMATCH.replace(".", r"\.") + "$"):
            auto_client.userinfo("someone-else", access_token)

    def test_wrong_nonce(self, auto_client: SgidClient) -> None:
        code, verifier, _ = self._code(auto_client)
        with pytest.raises(SgidIdTokenError) as err:
            auto_client.callback(code, verifier, "not-the-nonce")
        assert str(err.value).startswith(Errors.ID_TOKEN_NONCE_MISMATCH + ". Expected not-the-nonce, received ")
        assert err.value.code == "ERR_ID_TOKEN_NONCE"

    def test_token_with_a_nonce_when_none_is_expected(self, auto_client: SgidClient) -> None:
        # 0.3.0 skips the check when callback() gets no nonce; a replayed token then passes.
        code, verifier, _ = self._code(auto_client)
        with pytest.raises(SgidIdTokenError) as err:
            auto_client.callback(code, verifier)
        assert err.value.code == "ERR_ID_TOKEN_NONCE"

    def test_issuer_must_match_hostname_exactly(self, auto_provider: Provider) -> None:
        creds = auto_provider.create_client(["openid", "myinfo.name"], [REDIRECT])
        # Same server, another spelling of its origin: the token's iss is http://127.0.0.1:PORT/v2.
        other_origin = auto_provider.url.replace("127.0.0.1", "localhost")
        client = SgidClient(creds.id, creds.secret, creds.private_key, REDIRECT, other_origin)
        right = SgidClient(creds.id, creds.secret, creds.private_key, REDIRECT, auto_provider.url)
        code, verifier, nonce = self._code(right)
        with pytest.raises(SgidIdTokenError) as err:
            client.callback(code, verifier, nonce)
        assert str(err.value) == f"{Errors.ID_TOKEN_ISS_MISMATCH}. Expected {other_origin}/v2, received {auto_provider.url}/v2."

    def test_nonce_none_omits_it(self, auto_client: SgidClient) -> None:
        verifier, challenge = generate_pkce_pair()
        url, nonce = auto_client.authorization_url(challenge, nonce=None)
        assert nonce is None and "nonce=" not in url
        sub, _ = auto_client.callback(auto_approved_code(url)["code"], verifier, None)
        assert sub


def test_provider_is_reached_over_http(provider: Provider) -> None:
    # The tests above talk to a real provider, not to a stub.
    res = requests.get(f"{provider.url}/v2/.well-known/openid-configuration", timeout=10)
    assert res.json()["issuer"] == f"{provider.url}/v2"
