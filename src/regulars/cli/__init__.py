"""The ``regulars`` command line: thin commands over ``regulars.app``, one module per area."""

from regulars.cli import (  # noqa: F401 - registers
    _business,
    _data,
    _demo,
    _metrics,
    _models,
    _playbooks,
    _privacy,
    _scores,
    _segments,
    _serve,
    _voice,
)
from regulars.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
