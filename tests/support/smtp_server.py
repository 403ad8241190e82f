"""A real SMTP server for tests/proof.rs: aiosmtpd on 127.0.0.1, on a port the OS picks.

    smtp_server.py MODE LOG_FILE CA_FILE

MODE is `plain` (no TLS, AUTH offered in the clear so that a client that sends it can be
caught), `starttls` (STARTTLS required before MAIL and AUTH) or `tls` (implicit TLS).
Certificates come from trustme: a fresh test CA, written to CA_FILE for the client to
trust, and a certificate for 127.0.0.1 and localhost.

Every event is one JSON line in LOG_FILE: {"event": "auth", ...} for each AUTH attempt,
{"event": "message", "mail_from", "rcpt_tos", "data_b64"} for each message accepted.
Recipients whose address contains "reject" get 550. The user `proofs` with password
`s3cret` may log in. Prints `READY PORT` when it listens.
"""

import asyncio
import base64
import json
import socket
import ssl
import sys

import trustme
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

mode, log_path, ca_path = sys.argv[1], sys.argv[2], sys.argv[3]


def log(record):
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")


class Handler:
    def __init__(self):
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        log(
            {
                "event": "message",
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "tls": session.ssl is not None,
                "data_b64": base64.b64encode(envelope.original_content).decode(),
            }
        )
        return "250 2.0.0 Queued as proof-%d" % self.count


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == b"proofs"
        and auth_data.password == b"s3cret"
    )
    log({"event": "auth", "tls": session.ssl is not None, "ok": ok})
    return AuthResult(success=ok)


async def main():
    ca = trustme.CA()
    ca.cert_pem.write_to_path(ca_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    handler = Handler()

    def factory():
        return SMTP(
            handler,
            hostname="proof-test.local",
            tls_context=context if mode == "starttls" else None,
            require_starttls=mode == "starttls",
            authenticator=authenticator,
            auth_require_tls=False,
            decode_data=False,
        )

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        factory, sock=sock, ssl=context if mode == "tls" else None
    )
    print("READY %d" % sock.getsockname()[1], flush=True)
    await server.serve_forever()


asyncio.run(main())
