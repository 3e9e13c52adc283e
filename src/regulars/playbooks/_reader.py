"""Reading a YAML settings file with the line of every key, and typed reads from it whose every
error names the file and line (PyYAML's composer knows the lines; its plain loader forgets them,
and silently keeps the last of two equal keys)."""

from __future__ import annotations

import difflib
from typing import Any

from regulars.errors import SettingsError

__all__ = ["Located", "Reader", "load_located"]


class Located(dict):
    """A mapping from the file, with the line of each key (and its own)."""

    line: int = 0
    lines: dict[str, int]


def load_located(text: str, where: str) -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader: Loader, node: Any) -> Located:
        loader.flatten_mapping(node)
        out = Located()
        out.line, out.lines = node.start_mark.line + 1, {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise SettingsError(f"{where}:{key_node.start_mark.line + 1}: keys must be names, got {key!r}")
            if key in out:
                raise SettingsError(f"{where}:{key_node.start_mark.line + 1}: {key!r} is given twice "
                                    f"(first on line {out.lines[key]})")
            out[key] = loader.construct_object(value_node, deep=True)
            out.lines[key] = key_node.start_mark.line + 1
        return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        return yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise SettingsError(f"{where}{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None


class Reader:
    """Typed reads from located mappings; every error names the file and line."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, line: int, message: str) -> SettingsError:
        return SettingsError(f"{self.where}:{line}: {message}")

    def table(self, value: Any, what: str, line: int) -> Located:
        if not isinstance(value, Located):
            raise self.fail(line, f"{what} must be a mapping of settings, got {value!r}")
        return value

    def known(self, table: Located, what: str, allowed: tuple[str, ...] | set[str]) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(sorted(allowed))}"
                raise self.fail(table.lines[key], f"unknown setting {key!r} in {what}{hint}")

    def number(self, table: Located, key: str, default: Any, low: float | None = None, high: float | None = None,
               below: float | None = None, whole: bool = False, required: bool = False) -> Any:
        if key not in table or table[key] is None:
            if required:
                raise self.fail(table.lines.get(key, table.line), f"{key} needs a number")
            return default
        value, line = table[key], table.lines[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
            raise self.fail(line, f"{key} must be a {'whole ' if whole else ''}number, got {value!r}")
        if (low is not None and value < low) or (high is not None and value > high) or \
                (below is not None and value >= below):
            bounds = [f"at least {low:g}" if low is not None else "", f"at most {high:g}" if high is not None else "",
                      f"below {below:g}" if below is not None else ""]
            raise self.fail(line, f"{key} must be {' and '.join(b for b in bounds if b)}, got {value!r}")
        return value

    def text(self, table: Located, key: str, default: str | None = None, choices: tuple[str, ...] = ()) -> Any:
        if key not in table or table[key] is None:
            return default
        value, line = table[key], table.lines[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(line, f"{key} must be text, got {value!r}")
        if choices and value not in choices:
            raise self.fail(line, f"{key} must be one of {', '.join(choices)}; got {value!r}")
        return value

    def flag(self, table: Located, key: str, default: bool) -> bool:
        if key not in table:
            return default
        if not isinstance(table[key], bool):
            raise self.fail(table.lines[key], f"{key} must be true or false, got {table[key]!r}")
        return table[key]
