"""A BookFlow webhook receiver using only Python's standard library.

    PORT=3000 BOOKFLOW_WEBHOOK_SECRET=whsec_... python3 examples/verify/python/server.py

Verifies the Standard Webhooks signature (and X-BookFlow-Signature when present) over the raw
body, answers 204 when valid and 401 with the reason when not. See docs/signing.md.
"""

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH = "/webhooks/bookflow"
TOLERANCE_SECONDS = 5 * 60
MAX_BODY_BYTES = 1024 * 1024


def load_keys(value):
    """Every configured secret (several during a rotation), as HMAC keys: the base64 after whsec_."""
    secrets = (value or "").split()
    if not secrets:
        sys.exit("BOOKFLOW_WEBHOOK_SECRET is not set (one or more whsec_... secrets, space-separated)")
    keys = []
    for secret in secrets:
        encoded = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
        try:
            keys.append(base64.b64decode(encoded, validate=True))
        except binascii.Error:
            sys.exit("BOOKFLOW_WEBHOOK_SECRET holds a value that is not whsec_<base64>")
    return keys


KEYS = load_keys(os.environ.get("BOOKFLOW_WEBHOOK_SECRET"))
# For tests only: a fixed "now" (unix seconds) so a recorded request, such as the Standard
# Webhooks test vector, can be checked. Never set it in production: it disables the replay window.
FIXED_NOW = int(os.environ["BOOKFLOW_VERIFY_NOW"]) if os.environ.get("BOOKFLOW_VERIFY_NOW") else None
if FIXED_NOW is not None:
    print(f"BOOKFLOW_VERIFY_NOW is set: the clock is fixed at {FIXED_NOW}", file=sys.stderr)


class Rejection(Exception):
    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason


def decode(text, encoding):
    try:
        return base64.b64decode(text, validate=True) if encoding == "base64" else bytes.fromhex(text)
    except ValueError:  # binascii.Error is a ValueError
        return b""  # cannot match any digest


def entries(header, prefix, encoding):
    """The entries of a space-separated signature header that carry the given scheme prefix."""
    found = [e for e in header.split() if e.startswith(prefix)]
    if not found:
        raise Rejection("bad_format", f'signature header has no "{prefix}" entry')
    return [decode(e[len(prefix):], encoding) for e in found]


def any_match(presented, expected):
    """Constant-time: every presented entry is compared with every key's digest, no early exit."""
    matched = False
    for p in presented:
        for e in expected:
            if hmac.compare_digest(p, e):
                matched = True
    return matched


def verify_standard(headers, body):
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signature = headers.get("webhook-signature")
    missing = [n for n, v in (("webhook-id", msg_id), ("webhook-timestamp", timestamp),
                              ("webhook-signature", signature)) if not v]
    if missing:
        raise Rejection("missing_header", "missing header(s): " + ", ".join(missing))
    if not re.fullmatch(r"[0-9]{1,12}", timestamp):
        raise Rejection("bad_format", "webhook-timestamp must be integer seconds since the epoch")
    now = FIXED_NOW if FIXED_NOW is not None else int(time.time())
    if int(timestamp) < now - TOLERANCE_SECONDS:
        raise Rejection("stale_timestamp", f"webhook-timestamp is more than {TOLERANCE_SECONDS} s old")
    if int(timestamp) > now + TOLERANCE_SECONDS:
        raise Rejection("future_timestamp", f"webhook-timestamp is more than {TOLERANCE_SECONDS} s ahead")
    presented = entries(signature, "v1,", "base64")
    content = f"{msg_id}.{timestamp}.".encode() + body
    expected = [hmac.new(key, content, hashlib.sha256).digest() for key in KEYS]
    if not any_match(presented, expected):
        raise Rejection("no_matching_signature", "no webhook-signature entry matches a configured secret")


def verify_bookflow(headers, body):
    """X-BookFlow-Signature: sha256=<hex HMAC of the body>. Checked only when the header is present."""
    signature = headers.get("x-bookflow-signature")
    if signature is None:
        return
    presented = entries(signature, "sha256=", "hex")
    expected = [hmac.new(key, body, hashlib.sha256).digest() for key in KEYS]
    if not any_match(presented, expected):
        raise Rejection("no_matching_signature", "no x-bookflow-signature entry matches a configured secret")


class Handler(BaseHTTPRequestHandler):
    def answer(self, status, text=None):
        self.send_response(status)
        if text:
            payload = (text + "\n").encode()
            self.send_header("content-type", "text/plain; charset=utf-8")
            self.send_header("content-length", str(len(payload)))
        self.end_headers()
        if text:
            self.wfile.write(payload)

    def do_GET(self):
        if self.path.split("?")[0] == PATH:
            return self.answer(405, "method not allowed")
        self.answer(404, "not found")

    def do_POST(self):
        if self.path.split("?")[0] != PATH:
            return self.answer(404, "not found")
        length = self.headers.get("content-length", "")
        if not length.isdigit():
            return self.answer(411, "a Content-Length body is required")
        length = int(length)
        if length > MAX_BODY_BYTES:
            return self.answer(413, "body too large")
        # The raw bytes, exactly as sent: re-serialising parsed JSON would change them and break the HMAC.
        body = self.rfile.read(length)
        try:
            verify_standard(self.headers, body)
            verify_bookflow(self.headers, body)
        except Rejection as err:
            print(f"rejected: {err.reason}: {err}", flush=True)
            return self.answer(401, f"{err.reason}: {err}")
        try:
            event = json.loads(body)
        except ValueError:
            return self.answer(400, "body is not JSON")
        # Process the event here (idempotently: a retry carries the same id), or queue it and answer at once.
        event = event if isinstance(event, dict) else {}
        event_id = event.get("id") or self.headers.get("webhook-id")
        event_type = event.get("type") or self.headers.get("x-bookflow-event-type") or "unknown"
        print(f"verified {event_id} {event_type}", flush=True)
        self.answer(204)

    def log_message(self, format, *args):
        pass  # one line per event above is enough


def main():
    server = ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "3000"))), Handler)
    host, port = server.server_address[:2]
    print(f"listening on http://{host}:{port}{PATH}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
