"""Serves ./frontend on its own origin (as the docs' frontend runs on http://localhost:5173):
the single-page app for every path without a file extension, and /config.js naming the backend.

    python3 frontend.py            # PORT=5173, SGID_DEMO_BACKEND=http://localhost:5001
"""

from __future__ import annotations

import json
import mimetypes
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "frontend"
FILES = {"/app.js", "/style.css"}


def make_handler(backend: str) -> type[BaseHTTPRequestHandler]:
    config = f"window.SGID_DEMO_BACKEND = {json.dumps(backend)};\n".encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/config.js":
                body, kind = config, "text/javascript"
            elif path in FILES:
                body, kind = (ROOT / path[1:]).read_bytes(), mimetypes.guess_type(path)[0] or "application/octet-stream"
            elif "." not in path.rsplit("/", 1)[-1]:
                body, kind = (ROOT / "index.html").read_bytes(), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.send_header("cache-control", "no-cache")
            self.send_header("content-security-policy", f"default-src 'self'; connect-src 'self' {backend}; frame-ancestors 'none'")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def main() -> None:
    port = int(os.getenv("PORT") or 5173)
    backend = os.getenv("SGID_DEMO_BACKEND") or "http://localhost:5001"
    server = ThreadingHTTPServer((os.getenv("HOST") or "localhost", port), make_handler(backend))
    print(f"frontend on http://{server.server_address[0]}:{port} (backend {backend})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
