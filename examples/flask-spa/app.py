"""The Flask backend of the sgID docs' "Flask (with Single-Page App frontend)" guide, on our
Python SDK (packages/python-client) and our provider.

The contract the docs' frontend (a single-page app on another origin) relies on:

    GET /api/auth-url?icecream=<flavour>  → {"url": …}; sets the session cookie
    GET /api/redirect                     → the redirect URI: finishes the login, then 302 to
                                            <frontend>/logged-in (or <frontend>/error)
    GET /api/userinfo                     → {"sub": …, "data": {"myinfo.name": …, "iceCream": …}}; 401 when logged out
    GET /api/logout (POST too)            → {}; ends the session
    CORS for the frontend's origin, with credentials.

Where it differs from the guide's code, it is safer and says so: the state is random (the guide
uses the flavour, which an attacker can guess), a login's records are single-use, a failed login
redirects to /error instead of answering 500, and logging out twice is not an error.

Configuration (environment): SGID_CLIENT_ID, SGID_CLIENT_SECRET, SGID_PRIVATE_KEY (credentials);
SGID_HOSTNAME (the provider, default http://localhost:5156); SGID_FRONTEND_HOST (default
http://localhost:5173); SGID_REDIRECT_URI (default http://localhost:5001/api/redirect); PORT (5001).
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, abort, make_response, redirect, request
from flask_cors import CORS

from sgid_client import SgidClient, SgidError, generate_pkce_pair

SESSION_COOKIE_NAME = "exampleAppSession"
log = logging.getLogger("flask-spa")


def create_app(env: Mapping[str, str] | None = None) -> Flask:
    """The app, configured from ``env`` (default: the environment). `flask run` calls this."""
    env = os.environ if env is None else env
    client_id = env["SGID_CLIENT_ID"]
    client_secret = env["SGID_CLIENT_SECRET"]
    private_key = env["SGID_PRIVATE_KEY"]
    hostname = env.get("SGID_HOSTNAME") or "http://localhost:5156"
    frontend_host = env.get("SGID_FRONTEND_HOST") or "http://localhost:5173"
    redirect_uri = env.get("SGID_REDIRECT_URI") or f"http://localhost:{env.get('PORT') or 5001}/api/redirect"
    sgid_client = SgidClient(
        client_id=client_id,
        client_secret=client_secret,
        private_key=private_key,
        redirect_uri=redirect_uri,
        hostname=hostname,
    )
    # In-memory store for user session data. In a real application, this would be a database.
    session_data: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()

    app = Flask(__name__)
    # Allow the frontend (another origin) to call the API with its cookies.
    CORS(app, origins=[frontend_host], supports_credentials=True)

    def set_session_cookie(res: Response, session_id: str) -> None:
        res.set_cookie(SESSION_COOKIE_NAME, session_id, httponly=True, samesite="Lax", secure=redirect_uri.startswith("https:"))

    @app.after_request
    def no_store(res: Response) -> Response:
        res.headers["Cache-Control"] = "no-store"
        return res

    @app.get("/api/auth-url")
    def get_auth_url() -> Response:
        ice_cream_selection = request.args.get("icecream", "")
        session_id = secrets.token_urlsafe(32)
        # A random state binds the redirect to this browser's session (the guide sends the
        # flavour as the state, which anyone can guess).
        state = secrets.token_urlsafe(16)
        code_verifier, code_challenge = generate_pkce_pair()
        url, nonce = sgid_client.authorization_url(state=state, code_challenge=code_challenge)
        with lock:
            session_data[session_id] = {
                "state": state,
                "nonce": nonce,
                "code_verifier": code_verifier,
                "ice_cream": ice_cream_selection,
            }
        res = make_response({"url": url})
        set_session_cookie(res, session_id)
        return res

    @app.get("/api/redirect")
    def handle_redirect() -> Response:
        auth_code = request.args.get("code")
        state = request.args.get("state")
        session_id = request.cookies.get(SESSION_COOKIE_NAME, "")
        with lock:
            session = session_data.get(session_id)
            # Validate that the state matches what we passed to sgID for this session, once.
            if session is None or "code_verifier" not in session or session["state"] != state or not auth_code:
                return redirect(f"{frontend_host}/error")
            code_verifier = session.pop("code_verifier")
        try:
            sub, access_token = sgid_client.callback(code=auth_code, code_verifier=code_verifier, nonce=session["nonce"])
        except SgidError as err:
            log.warning("login failed: %s (%s)", err.code, err)
            return redirect(f"{frontend_host}/error")
        with lock:
            session["access_token"] = access_token
            session["sub"] = sub
        return redirect(f"{frontend_host}/logged-in")

    @app.get("/api/userinfo")
    def userinfo() -> dict[str, Any]:
        session_id = request.cookies.get(SESSION_COOKIE_NAME, "")
        with lock:
            session = session_data.get(session_id)
        if session is None or "access_token" not in session:
            abort(401)
        if "data" not in session:
            # Fetched once per session: a reload of the page does not ask sgID again.
            try:
                sub, data = sgid_client.userinfo(sub=session["sub"], access_token=session["access_token"])
            except SgidError as err:
                log.warning("userinfo failed: %s (%s)", err.code, err)
                abort(401)
            session["data"] = data
        # Add the ice cream flavour to the user info.
        data = {**session["data"], "iceCream": session["ice_cream"]}
        return {"sub": session["sub"], "data": data}

    @app.route("/api/logout", methods=["GET", "POST"])
    def logout() -> Response:
        session_id = request.cookies.get(SESSION_COOKIE_NAME, "")
        with lock:
            session_data.pop(session_id, None)
        res = make_response({})
        res.delete_cookie(SESSION_COOKIE_NAME)
        return res

    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    app = create_app()
    app.run(host=os.getenv("HOST") or "localhost", port=int(os.getenv("PORT") or 5001), threaded=True)


if __name__ == "__main__":
    main()
