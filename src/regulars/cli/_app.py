"""The root command, its options, and the one error wrapper every command runs inside."""

from __future__ import annotations

import functools
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer

from regulars._version import __version__
from regulars.cli._options import WorkspaceArg
from regulars.cli._render import err, line, out

__all__ = ["INTERNAL_ERROR", "app", "command", "debugging", "guarded", "noun", "progress", "workspace_of"]

#: Exit code for a bug (anything regulars did not raise on purpose), as BSD's EX_SOFTWARE.
INTERNAL_ERROR = 70

app = typer.Typer(
    name="regulars",
    help="Know your regulars: load a shop's exports, see who comes back and who slips away.",
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        out.print(f"regulars {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="On an internal error, show its chain of causes.")] = False,
) -> None:
    """Know your regulars."""
    _state["debug"] = debug
    _log_plainly()


class _OneLine(logging.Handler):
    """What regulars logs (a part of a run that failed) reaches the terminal as one line; its
    traceback only with --debug. Written to the stderr of the moment (a test swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        said = f"{record.levelname.lower()}: {record.getMessage()}"
        if _state["debug"] and record.exc_info:
            said += "\n" + "".join(traceback.format_exception(*record.exc_info))
        sys.stderr.write(said + "\n")


def _log_plainly() -> None:
    log = logging.getLogger("regulars")
    if not any(isinstance(h, _OneLine) for h in log.handlers):
        log.addHandler(_OneLine(logging.WARNING))


def debugging() -> bool:
    """Whether ``--debug`` was given (show causes of internal errors)."""
    return bool(_state["debug"])


F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """``fn`` inside the one error wrapper: an error regulars raises on purpose prints one line
    and exits with its code; anything else is a bug and exits 70."""

    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        from regulars.errors import RegularsError

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except RegularsError as exc:
            err.print("[bold red]error:[/] ", end="")
            line(str(exc), console=err)
            raise typer.Exit(code=exc.exit_code) from None
        except KeyboardInterrupt:
            line("stopped; nothing half-done was kept", console=err)
            raise typer.Exit(code=130) from None
        except Exception as exc:  # noqa: BLE001 - the one place a bug becomes a message
            if _state["debug"]:
                line("".join(traceback.format_exception(exc)), console=err)
            else:
                err.print("[bold red]internal error[/] ", end="")
                line(f"({type(exc).__name__}); run again with --debug to see the cause", console=err)
            raise typer.Exit(code=INTERNAL_ERROR) from None

    return wrapped  # type: ignore[return-value]


def command(name: str | None = None, group: typer.Typer | None = None) -> Callable[[F], F]:
    """Register a command (on ``group``: a noun's verb) that runs inside the error wrapper."""

    def register(fn: F) -> F:
        (group or app).command(name)(guarded(fn))
        return fn

    return register


def noun(name: str, help: str, default: Callable[[Any], Any] | None = None) -> typer.Typer:
    """A noun whose verbs are real subcommands, the workspace first: ``regulars NAME DIR VERB
    [ARGS] [OPTIONS]``. Each verb has its own options and help (``regulars NAME DIR VERB --help``);
    with no verb, ``default(workspace)`` runs. (A group's options come before its workspace, so
    ``--json`` belongs to the verbs: ``regulars NAME DIR VERB --json``.)"""
    group = typer.Typer(help=help, no_args_is_help=True, rich_markup_mode="rich")

    @group.callback(invoke_without_command=True)
    def _workspace(ctx: typer.Context, workspace: WorkspaceArg) -> None:
        ctx.obj = workspace
        if ctx.invoked_subcommand is None and default is not None:
            guarded(default)(workspace)

    app.add_typer(group, name=name)
    return group


def workspace_of(ctx: typer.Context) -> Any:
    """The workspace a noun's verb acts on (given before the verb)."""
    return ctx.obj


@contextmanager
def progress(quiet: bool, first: str) -> Iterator[Callable[[str], None]]:
    """A transient spinner on stderr showing each step (nothing for --json)."""
    if quiet:
        yield lambda s: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(first, total=None)
        yield lambda s: bar.update(task, description=s)
