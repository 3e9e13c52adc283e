"""Local test servers on the loopback address: an SMTP server (aiosmtpd) that records each
message and may refuse logins, and an HTTP receiver that records each request and answers as
a test tells it (200, 500, or too slowly)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    def __init__(self) -> None:
        self.messages: list = []
        self.password = "s3cret-pass"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes, policy

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        ok = auth_data.login == b"shop" and auth_data.password == self.password.encode()
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), authenticator=box.authenticate,
                            auth_require_tls=False, auth_exclude_mechanism=["LOGIN"])
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def tls_smtp_server(tmp_path):
    """The same server, which insists on STARTTLS with a certificate from a private authority
    (its PEM file is ``box.ca_file``)."""
    import ssl

    import trustme
    from aiosmtpd.controller import Controller

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    box = Mailbox()
    box.ca_file = tmp_path / "private-ca.pem"
    authority.cert_pem.write_to_path(str(box.ca_file))
    controller = Controller(box, hostname="127.0.0.1", port=free_port(), authenticator=box.authenticate,
                            tls_context=context, require_starttls=True, auth_exclude_mechanism=["LOGIN"])
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


class Receiver:
    """Answers ``status`` (or sleeps ``delay`` seconds first); records (headers, body)."""

    def __init__(self) -> None:
        self.requests: list = []
        self.status = 200
        self.delay = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def keys(self) -> list[str]:
        return [headers["Idempotency-Key"] for headers, _ in self.requests]


@pytest.fixture
def receiver():
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if got.delay:
                time.sleep(got.delay)
            got.requests.append((dict(self.headers), body))
            self.send_response(got.status)
            self.end_headers()
            self.wfile.write(json.dumps({"ok": got.status == 200}).encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield got
    server.shutdown()
    server.server_close()
