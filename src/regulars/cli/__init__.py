"""The ``regulars`` command line: thin commands over ``regulars.app``, one module per area."""

from regulars.cli import _business, _data, _demo, _metrics, _models, _playbooks, _scores, _segments, _serve  # noqa: F401 - registers
from regulars.cli._app import app

__all__ = ["app", "main"]


def main() -> None:
    app()
