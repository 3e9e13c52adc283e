"""The outbox's deliveries: import files shaped for common tools, signed webhooks and email over
SMTP, each saying how it went (an ``Outcome``); and delivery itself (``deliver_due``): every due
action claimed, sent, recorded and retried with backoff, at most once, consent checked again."""

from regulars.outbox._csv import (
    SHAPES,
    TASK_COLUMNS,
    export_table,
    safe_cell,
    write_export,
)
from regulars.outbox._deliver import OUTBOX_FOLDER, deliver_due, smtp_sender
from regulars.outbox._outcome import Outcome, retry_delay
from regulars.outbox._smtp import UNSUBSCRIBE_LINE, SmtpSender, build_email, unsubscribe_link
from regulars.outbox._webhook import post_json, signature

__all__ = [
    "OUTBOX_FOLDER",
    "Outcome",
    "SHAPES",
    "SmtpSender",
    "TASK_COLUMNS",
    "UNSUBSCRIBE_LINE",
    "build_email",
    "deliver_due",
    "export_table",
    "post_json",
    "retry_delay",
    "safe_cell",
    "signature",
    "smtp_sender",
    "unsubscribe_link",
    "write_export",
]
