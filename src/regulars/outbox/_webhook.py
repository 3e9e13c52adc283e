"""Webhooks: a JSON POST with an idempotency key and an HMAC-SHA256 signature, so the receiver
can drop a repeat and check the sender (the scheme Stripe and Shopify use: the signature
covers the timestamp and the body)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from regulars.outbox._outcome import Outcome

__all__ = ["post_json", "signature"]


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp.body`` with the shared secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def post_json(url: str, payload: dict[str, Any], key: str, secret: str | None, timeout: float) -> Outcome:
    """POST ``payload`` to ``url`` with ``Idempotency-Key: key``. A 2xx is delivered; a timeout,
    a refused connection, 408, 429 or a 5xx is worth retrying; any other answer is not."""
    import urllib.error
    import urllib.request

    body = json.dumps(payload, default=str, sort_keys=True).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": "regulars", "Idempotency-Key": key,
               "X-Regulars-Timestamp": stamp}
    if secret:
        headers["X-Regulars-Signature"] = signature(secret, stamp, body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return Outcome(True, f"HTTP {answer.status}")
    except urllib.error.HTTPError as exc:
        return Outcome(False, f"HTTP {exc.code} {exc.reason}", retry=exc.code in (408, 429) or exc.code >= 500)
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        what = "timed out" if isinstance(reason, TimeoutError) or "timed out" in str(reason) else str(reason)
        return Outcome(False, f"no answer from {_host(url)}: {what}", retry=True)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc
