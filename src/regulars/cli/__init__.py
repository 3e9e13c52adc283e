"""The ``regulars`` command line."""

from regulars.cli._app import app, main

__all__ = ["app", "main"]
