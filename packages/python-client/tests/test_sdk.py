"""The SDK's own behaviour: the drop-in surface, the fixes over 0.3.0, and the ID-token checks
that need forged tokens (a stand-in token endpoint and JWKS signed with its own keys)."""

from __future__ import annotations

import base64
import inspect
import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto import jwk

import sgid_client
from sgid_client import (
    CallbackReturn,
    Errors,
    SgidClient,
    SgidConfigError,
    SgidDataError,
    SgidIdTokenError,
    SgidResponseError,
    convert_to_pkcs8,
    generate_code_challenge,
    generate_code_verifier,
    generate_pkce_pair,
    parse_data,
)
from stub_provider import StubProvider

REDIRECT = "http://localhost:5001/api/redirect"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PKCS1 = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()).decode()
PKCS8 = _KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


@pytest.fixture()
def stub() -> Iterator[StubProvider]:
    s = StubProvider()
    yield s
    s.close()


def make_client(stub: StubProvider, **kwargs: object) -> SgidClient:
    return SgidClient("stub-client", "secret", PKCS8, REDIRECT, stub.url, **kwargs)  # type: ignore[arg-type]


# ---- the drop-in surface -------------------------------------------------------------------

def test_signatures_match_the_official_api() -> None:
    def params(fn: object) -> list[tuple[str, object]]:
        return [(p.name, p.default) for p in inspect.signature(fn).parameters.values() if p.kind is not p.KEYWORD_ONLY]  # type: ignore[arg-type]

    empty = inspect.Parameter.empty
    assert params(SgidClient.__init__) == [("self", empty), ("client_id", empty), ("client_secret", empty), ("private_key", empty),
                                           ("redirect_uri", None), ("hostname", "https://api.id.gov.sg")]
    assert [n for n, _ in params(SgidClient.authorization_url)] == ["self", "code_challenge", "state", "redirect_uri", "scope", "nonce"]
    assert params(SgidClient.callback) == [("self", empty), ("code", empty), ("code_verifier", empty), ("nonce", None), ("redirect_uri", None)]
    assert params(SgidClient.userinfo) == [("self", empty), ("sub", empty), ("access_token", empty)]
    assert params(generate_pkce_pair) == [("length", 43)]
    assert params(generate_code_verifier) == [("length", 43)]
    for name in ["SgidClient", "generate_pkce_pair", "generate_code_verifier", "generate_code_challenge", "convert_to_pkcs8"]:
        assert hasattr(sgid_client, name)
    from sgid_client.SgidClient import AuthorizationUrlReturn, SgidClient as Same, UserInfoReturn  # 0.3.0's module path
    from sgid_client.error import Errors as OfficialErrors
    from sgid_client.util import convert_to_pkcs8 as same_convert
    assert Same is SgidClient and OfficialErrors is Errors and same_convert is convert_to_pkcs8
    assert AuthorizationUrlReturn._fields == ("url", "nonce") and UserInfoReturn._fields == ("sub", "data")
    assert CallbackReturn._fields == ("sub", "id_token", "access_token")


def test_callback_result_unpacks_as_the_docs_and_as_0_3_0() -> None:
    result = CallbackReturn(sub="s", id_token="i", access_token="a")
    sub, access_token = result  # the docs (written for 0.2.0)
    assert (sub, access_token) == ("s", "a")
    sub, id_token, access_token = result  # 0.3.0
    assert (sub, id_token, access_token) == ("s", "i", "a")
    assert tuple(result) == ("s", "i", "a") and len(result) == 3 and result[1] == "i" and result.access_token == "a"
    with pytest.raises(ValueError):
        a, b, c, d = result


def test_pkce() -> None:
    verifier, challenge = generate_pkce_pair()
    assert len(verifier) == 43 and generate_code_challenge(verifier) == challenge
    pair = generate_pkce_pair(128)
    assert pair["code_verifier"] == pair.code_verifier and pair["code_challenge"] == pair[1]
    # RFC 7636 appendix B
    assert generate_code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    assert generate_code_verifier() != generate_code_verifier()
    for bad in (42, 129):
        with pytest.raises(Exception, match=f"^{Errors.PKCE_PAIR_LENGTH_ERROR}$"):
            generate_pkce_pair(bad)
        with pytest.raises(SgidConfigError, match=f"^{Errors.CODE_VERIFIER_LENGTH_ERROR}$"):
            generate_code_verifier(bad)


def test_fresh_nonce_per_call(stub: StubProvider) -> None:
    # 0.3.0 computes its default nonce once, when the module is imported: every login shares it.
    client = make_client(stub)
    nonces = {client.authorization_url("c" * 43).nonce for _ in range(20)}
    assert len(nonces) == 20 and None not in nonces
    url, nonce = client.authorization_url("c" * 43, state="s t", scope=["openid", "myinfo.name"])
    q = parse_qs(urlsplit(url).query)
    assert q == {"client_id": ["stub-client"], "scope": ["openid myinfo.name"], "redirect_uri": [REDIRECT], "response_type": ["code"],
                 "code_challenge": ["c" * 43], "code_challenge_method": ["S256"], "state": ["s t"], "nonce": [nonce]}
    assert url.startswith(f"{stub.url}/v2/oauth/authorize?")


def test_hostname_path_and_trailing_slash_are_dropped(stub: StubProvider) -> None:
    # 0.3.0 appends "/v2" to the string as given: "http://host/" gives the issuer "http://host//v2".
    assert SgidClient("id", "s", PKCS8, REDIRECT, stub.url + "/").issuer == f"{stub.url}/v2"
    assert SgidClient("id", "s", PKCS8, REDIRECT, stub.url + "/some/path").issuer == f"{stub.url}/v2"
    with pytest.raises(SgidConfigError):
        SgidClient("id", "s", PKCS8, REDIRECT, "api.id.gov.sg")


def test_sgid_hostname_replaces_only_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SGID_HOSTNAME", raising=False)
    assert SgidClient("id", "s", PKCS8).issuer == "https://api.id.gov.sg/v2"
    monkeypatch.setenv("SGID_HOSTNAME", "http://localhost:5156")
    assert SgidClient("id", "s", PKCS8).issuer == "http://localhost:5156/v2"
    assert SgidClient("id", "s", PKCS8, hostname="https://api.id.gov.sg").issuer == "https://api.id.gov.sg/v2"


def test_missing_redirect_uri() -> None:
    client = SgidClient("id", "s", PKCS8)
    with pytest.raises(Exception, match="^No redirect URI registered"):
        client.authorization_url("c" * 43)
    with pytest.raises(SgidConfigError) as err:
        client.callback("code", "v" * 43)
    assert str(err.value) == Errors.MISSING_REDIRECT_URI
    assert "redirect_uri=http" in client.authorization_url("c" * 43, redirect_uri=REDIRECT).url


def test_private_keys() -> None:
    assert convert_to_pkcs8(PKCS1).startswith("-----BEGIN PRIVATE KEY-----")
    assert convert_to_pkcs8(PKCS1) == convert_to_pkcs8(PKCS8)
    one_line = PKCS1.strip().replace("\n", "\\n")  # as kept in a .env file
    assert convert_to_pkcs8(one_line) == convert_to_pkcs8(PKCS8)
    assert SgidClient("id", "s", PKCS1).private_key == convert_to_pkcs8(PKCS8)
    for bad in ("", "not a key", PKCS8.replace("A", "B", 5)):
        with pytest.raises(Exception, match=f"^{Errors.PRIVATE_KEY_IMPORT}$") as err:
            SgidClient("id", "s", bad)
        assert isinstance(err.value, SgidConfigError)


def test_parse_data() -> None:
    data = {"arr": '[{"a":1}]', "obj": '{"k":"v"}', "empty": "", "text": "Tan [sic]", "broken": "[not json]", "num": "1"}
    # 0.3.0 never parses objects (it tests for [...] twice) and raises IndexError on "".
    assert parse_data(data) == {"arr": [{"a": 1}], "obj": {"k": "v"}, "empty": "", "text": "Tan [sic]", "broken": "[not json]", "num": "1"}
    for bad in (None, [], {"a": 1}, {1: "a"}):
        with pytest.raises(SgidDataError, match=f"^{Errors.INVALID_SGID_USERINFO_DATA_ERROR}$"):
            parse_data(bad)


# ---- ID token checks -----------------------------------------------------------------------

def expect_id_token_error(client: SgidClient, code: str, message: str, nonce: str | None = "n-1") -> SgidIdTokenError:
    with pytest.raises(SgidIdTokenError) as err:
        client.callback("code", "v" * 43, nonce)
    assert err.value.code == code, err.value
    assert str(err.value).startswith(message), str(err.value)
    return err.value


def test_a_valid_token_passes(stub: StubProvider) -> None:
    stub.issue()
    assert make_client(stub).callback("code", "v" * 43, "n-1") == ("sub-1", stub.token_response["id_token"], "at-1")


@pytest.mark.parametrize(
    ("overrides", "code", "message"),
    [
        ({"iss": "https://evil.example/v2"}, "ERR_ID_TOKEN_ISSUER", Errors.ID_TOKEN_ISS_MISMATCH),
        ({"aud": "another-client"}, "ERR_ID_TOKEN_AUDIENCE", Errors.ID_TOKEN_AUD_MISMATCH),
        ({"aud": ["stub-client", "another"]}, "ERR_ID_TOKEN_AUDIENCE", Errors.ID_TOKEN_AUD_MISMATCH),
        ({"exp": int(time.time()) - 1}, "ERR_ID_TOKEN_EXPIRED", Errors.ID_TOKEN_EXPIRED),
        ({"exp": "tomorrow"}, "ERR_ID_TOKEN_EXP", Errors.ID_TOKEN_EXP_INVALID),
        ({"iat": "now"}, "ERR_ID_TOKEN_IAT", Errors.ID_TOKEN_IAT_INVALID),
        ({"iat": True}, "ERR_ID_TOKEN_IAT", Errors.ID_TOKEN_IAT_INVALID),
        ({"nbf": int(time.time()) + 300}, "ERR_ID_TOKEN_NOT_YET_VALID", "ID token is not valid yet"),
        ({"sub": ""}, "ERR_ID_TOKEN_SUB", Errors.ID_TOKEN_SUB_INVALID),
        ({"iat": None}, "ERR_ID_TOKEN_CLAIM_MISSING", Errors.ID_TOKEN_MISSING_KEYS),
        ({"nonce": "other"}, "ERR_ID_TOKEN_NONCE", Errors.ID_TOKEN_NONCE_MISMATCH),
        ({"nonce": None}, "ERR_ID_TOKEN_NONCE", Errors.ID_TOKEN_NONCE_MISMATCH),
        ({"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}, "ERR_ID_TOKEN_AT_HASH", "ID token 'at_hash'"),
    ],
)
def test_claims_are_checked(stub: StubProvider, overrides: dict[str, object], code: str, message: str) -> None:
    stub.issue(stub.claims(**overrides))
    expect_id_token_error(make_client(stub), code, message)


def test_aud_list_with_azp_and_clock_tolerance(stub: StubProvider) -> None:
    stub.issue(stub.claims(aud=["stub-client", "other"], azp="stub-client"))
    assert make_client(stub).callback("code", "v" * 43, "n-1").sub == "sub-1"
    stub.issue(stub.claims(exp=int(time.time()) - 5))
    assert make_client(stub, clock_tolerance=60).callback("code", "v" * 43, "n-1").sub == "sub-1"


def test_signature_alg_and_format(stub: StubProvider) -> None:
    client = make_client(stub)
    stub.issue()
    head, body, sig = stub.token_response["id_token"].split(".")
    forged = json.loads(base64.urlsafe_b64decode(body + "=="))
    forged["sub"] = "someone-else"
    body2 = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    stub.token_response["id_token"] = f"{head}.{body2}.{sig}"
    expect_id_token_error(client, "ERR_ID_TOKEN_SIGNATURE", Errors.ID_TOKEN_SIGNATURE_INVALID)

    hs256 = base64.urlsafe_b64encode(b'{"alg":"HS256","kid":"key-1"}').decode().rstrip("=")
    stub.token_response["id_token"] = f"{hs256}.{body}.{sig}"
    expect_id_token_error(client, "ERR_ID_TOKEN_ALG", Errors.ID_TOKEN_WRONG_SIGNING_ALG)
    stub.token_response["id_token"] = "a.b"
    expect_id_token_error(client, "ERR_ID_TOKEN_MALFORMED", Errors.ID_TOKEN_MALFORMED)
    stub.token_response["id_token"] = "a.b.c"
    expect_id_token_error(client, "ERR_ID_TOKEN_MALFORMED", Errors.ID_TOKEN_HEADER_PAYLOAD_MALFORMED)
    stub.token_response = {"access_token": "at-1"}
    expect_id_token_error(client, "ERR_ID_TOKEN_MISSING", Errors.ID_TOKEN_INVALID)
    stub.issue()
    del stub.token_response["access_token"]
    with pytest.raises(Exception, match=f"^{Errors.ACCESS_TOKEN_INVALID}$"):
        client.callback("code", "v" * 43, "n-1")


def test_unknown_kid_refetches_the_jwks_once(stub: StubProvider) -> None:
    now = [1000.0]
    client = make_client(stub)
    client._jwks._clock = lambda: now[0]
    stub.issue()
    client.callback("code", "v" * 43, "n-1")
    assert stub.jwks_fetches == 1
    client.callback("code", "v" * 43, "n-1")
    assert stub.jwks_fetches == 1, "the JWKS is cached"

    # Key rotation: a new key signs; one refetch finds it.
    stub.keys.append(jwk.JWK.generate(kty="RSA", size=2048, kid="key-2"))
    now[0] += 61
    stub.issue(key=stub.keys[1])
    assert client.callback("code", "v" * 43, "n-1").sub == "sub-1"
    assert stub.jwks_fetches == 2

    # A kid the provider does not publish: at most one refetch a minute, however many tokens.
    stranger = jwk.JWK.generate(kty="RSA", size=2048, kid="key-x")
    stub.issue(key=stranger)
    for _ in range(5):
        expect_id_token_error(client, "ERR_JWKS_NO_KEY", Errors.ID_TOKEN_SIGNATURE_INVALID)
    assert stub.jwks_fetches == 2
    now[0] += 61
    expect_id_token_error(client, "ERR_JWKS_NO_KEY", Errors.ID_TOKEN_SIGNATURE_INVALID)
    assert stub.jwks_fetches == 3

    # A token signed by another key under a published kid is a bad signature, not a refetch.
    stub.issue(key=stranger, header={"alg": "RS256", "kid": "key-1"})
    expect_id_token_error(client, "ERR_ID_TOKEN_SIGNATURE", Errors.ID_TOKEN_SIGNATURE_INVALID)
    assert stub.jwks_fetches == 3


def test_no_kid_needs_a_single_key(stub: StubProvider) -> None:
    client = make_client(stub)
    stub.issue(header={"alg": "RS256"})
    assert client.callback("code", "v" * 43, "n-1").sub == "sub-1"
    stub.keys.append(jwk.JWK.generate(kty="RSA", size=2048, kid="key-2"))
    client2 = make_client(stub)
    expect_id_token_error(client2, "ERR_JWKS_AMBIGUOUS", Errors.ID_TOKEN_SIGNATURE_INVALID)


def test_userinfo_without_key_or_data(stub: StubProvider) -> None:
    client = make_client(stub)
    stub.userinfo_response = {"sub": "sub-1"}
    assert client.userinfo("sub-1", "at-1") == ("sub-1", {})
    stub.userinfo_response = {"sub": "sub-1", "data": {"myinfo.name": "x.y.z.a.b"}}
    with pytest.raises(Exception, match=f"^{Errors.USERINFO_BLOCK_KEY_DECRYPT_FAILED}$"):
        client.userinfo("sub-1", "at-1")


# ---- timeouts ------------------------------------------------------------------------------

def test_every_call_has_a_timeout() -> None:
    # A server that accepts connections and never answers: 0.3.0 would wait forever.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        client = SgidClient("id", "s", PKCS8, REDIRECT, url, timeout=0.3)
        assert client.timeout == 0.3
        for call in (lambda: client.callback("code", "v" * 43), lambda: client.userinfo("sub", "token")):
            with pytest.raises(SgidResponseError) as err:
                call()
            assert err.value.code == "ERR_TIMEOUT" and err.value.status is None
            assert "did not answer" in str(err.value)
    finally:
        silent.close()
    assert SgidClient("id", "s", PKCS8).timeout == sgid_client.DEFAULT_TIMEOUT == 10.0
