"""Outbox delivery channels: import files shaped for common tools, signed webhooks, and email
over SMTP. Each sends one thing and says how it went (an ``Outcome``); recording it, retrying
and never sending twice are the application layer's job, around the store's outbox."""

from regulars.outbox._csv import SHAPES, TASK_COLUMNS, export_table, safe_cell, write_export
from regulars.outbox._outcome import Outcome, retry_delay
from regulars.outbox._smtp import SmtpSender, build_email
from regulars.outbox._webhook import post_json, signature

__all__ = ["Outcome", "SHAPES", "SmtpSender", "TASK_COLUMNS", "build_email", "export_table", "post_json",
           "retry_delay", "safe_cell", "signature", "write_export"]
