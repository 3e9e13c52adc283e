"""Mappings: how the columns of an export become canonical columns.

A mapping is a TOML or YAML file (or a built-in preset, written in the same form)::

    table = "orders"            # the canonical table this file loads
    shape = "rows"              # "rows": one row each; "order_lines": one row per order line
    delimiter = ";"             # optional: overrides the sniffed delimiter
    dayfirst = true             # optional: 03/04/2024 is 3 April
    decimal = ","               # optional: "auto", "." or ","

    [columns]
    order_id = "Order No"                         # a source column
    customer_id = ["Customer", "Email"]           # the first of these that exists
    ordered_at = { from = "Date", format = "%d.%m.%Y" }
    amount = { from = "Total", decimal = "," }
    status = { from = "State", values = { Paid = "completed" }, otherwise = "completed" }
    "customer.email" = "Email"                    # fills the customer's profile too

Field options: ``from`` (name or list), ``concat`` (list joined with a space), ``constant``,
``generate = "row"`` (an id made from the file's hash and row), ``format`` (strptime
format or list), ``decimal``, ``values`` (value map, case-insensitive), ``prefixes`` (value
prefix map), ``otherwise`` (value when no map entry matches), ``default`` (value when
blank), ``fallback`` (columns whose value is used, in order, on rows where the column is
blank), ``true``/``false`` (boolean words), ``transform`` ("email", "lower", "abs", "unquote":
drop the apostrophe Shopify puts before ids, zip codes and phones to keep spreadsheets off them;
"param:KEY": the value of GA4's event parameter KEY in an event_params column),
``by_header`` (column = value, in order: the first column the file has decides every row's value,
as which of a vendor's files it is; none of them leaves the field unknown), ``minus`` (a number
column subtracted where it has a value: an amount net of its refunded part).
Source columns no field uses are kept in ``attributes``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from regulars.errors import SettingsError, SourceError
from regulars.schema import CONTRACTS, Column, contract_for

__all__ = ["FieldSpec", "Mapping", "ResolvedField", "auto_mapping", "load_mapping", "name_candidates",
           "parse_mapping", "read_mapping_file"]

Shape = Literal["rows", "order_lines"]
_FIELD_KEYS = {
    "from", "concat", "constant", "generate", "format", "decimal", "values", "prefixes",
    "otherwise", "default", "true", "false", "transform", "fallback", "ignore", "by_header", "minus",
}
_TOP_KEYS = {"table", "shape", "delimiter", "dayfirst", "decimal", "columns", "description", "external_id",
             "packed_items", "packed_groups", "no_customers"}
_TRANSFORMS = {"email", "lower", "abs", "unquote"}
#: Side tables a field may fill with a prefix, per shape.
_PREFIXES = {"rows": ("customer",), "order_lines": ("customer", "item", "product")}


@dataclass(frozen=True)
class FieldSpec:
    """How one canonical column is made from the source."""

    target: str
    sources: tuple[str, ...] = ()
    concat: tuple[str, ...] = ()
    constant: str | None = None
    generate: str | None = None
    formats: tuple[str, ...] = ()
    decimal: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    prefixes: tuple[tuple[str, str], ...] = ()
    otherwise: str | None = None
    default: str | None = None
    true_words: tuple[str, ...] = ()
    false_words: tuple[str, ...] = ()
    transform: str | None = None
    fallback: tuple[str, ...] = ()
    ignore: bool = False
    #: (column, value) pairs: the first column the file's header has decides the value of every
    #: row (which of a vendor's files this is); none of them: the field is left unknown
    by_header: tuple[tuple[str, str], ...] = ()
    #: a number column subtracted where it has a value (an amount net of its refunded part)
    minus: str | None = None


@dataclass(frozen=True)
class ResolvedField:
    """A field bound to the columns present in one file."""

    spec: FieldSpec
    column: Column
    source: str | None  # the source column used, or None (concat/constant/generate)


@dataclass(frozen=True)
class Mapping:
    table: str
    name: str
    shape: Shape = "rows"
    fields: tuple[FieldSpec, ...] = ()
    delimiter: str | None = None
    dayfirst: bool | None = None
    decimal: str | None = None
    #: the column holding the platform's own customer id (kept per source beside email and phone)
    external_id: str | None = None
    #: for one row per order with the items in numbered cells (``line_item_1`` ...): their prefix
    packed_items: str | None = None
    #: for one row per visit with its actions in numbered column groups (``url (actionDetails 0)``):
    #: the group's name
    packed_groups: str | None = None
    #: the file has no customers (a till): its orders are anonymous sales. Otherwise an orders
    #: file without a customer column is refused, never loaded as anonymous sales by mistake
    no_customers: bool = False

    def required_targets(self) -> tuple[str, ...]:
        if self.shape == "order_lines":
            return ("order_id", "ordered_at", "item.product_id")
        return CONTRACTS[self.table].required

    def resolve(self, columns: list[str], where: str) -> tuple[list[ResolvedField], list[str]]:
        """Bind fields to ``columns``; returns (fields, unused source columns for attributes).

        A required canonical column that cannot be found stops the load with a message
        naming the file, the column, the names looked for and what to do.
        """
        present = {c.lower(): c for c in columns}
        loose = {normal_name(c): c for c in reversed(columns)}

        def find(name: str) -> str | None:
            """A column by its name, or by the same name with other case, spaces or punctuation
            (a later export that renamed client_id to clientId still loads)."""
            return present.get(name.lower()) or loose.get(normal_name(name))

        resolved, used = [], set()
        for spec in self.fields:
            if spec.ignore:  # not loaded, and not mapped by its name either: its column stays in attributes
                continue
            column = _target_column(self, spec.target)
            if spec.by_header:
                decided = next((v for c, v in spec.by_header if find(c) is not None), None)
                if decided is not None:
                    resolved.append(ResolvedField(replace(spec, constant=decided, by_header=()), column, None))
                continue
            source = next((found for s in spec.sources if (found := find(s)) is not None), None)
            backups = tuple(found for c in spec.fallback if (found := find(c)) is not None)
            if source is None and backups:  # only the fallback columns exist: the first is the source
                source, backups = backups[0], backups[1:]
            if spec.sources and source is None and spec.default is None:
                continue
            spec = replace(spec, fallback=backups, minus=find(spec.minus) if spec.minus else None)
            if spec.concat:
                kept = tuple(found for c in spec.concat if (found := find(c)) is not None)
                if not kept:
                    continue
                spec = replace(spec, concat=kept)
            used.update(c.lower() for c in ([source] if source else []) + list(spec.concat) + list(spec.fallback)
                        + ([spec.minus] if spec.minus else []))
            resolved.append(ResolvedField(spec, column, source))
        bound = {r.spec.target for r in resolved}
        if self.shape == "rows":  # columns already named like canonical ones map themselves
            for spec in auto_mapping(self.table, [c for c in columns if c.lower() not in used]).fields:
                targeted = any(f.target == spec.target for f in self.fields)
                if not targeted and spec.sources[0].lower() in present:
                    used.add(spec.sources[0].lower())
                    bound.add(spec.target)
                    resolved.append(ResolvedField(spec, _target_column(self, spec.target), spec.sources[0]))
        for need in self.required_targets():
            if need not in bound:
                spec = next((f for f in self.fields if f.target == need), FieldSpec(need, (need,)))
                raise SourceError(_missing_message(where, spec, columns, self))
        if self.table == "orders" and "customer_id" not in bound and not self.no_customers:
            spec = next((f for f in self.fields if f.target == "customer_id"), FieldSpec("customer_id", ("customer_id",)))
            raise SourceError(_missing_message(where, spec, columns, self).replace(
                "required column", "customer column", 1).replace(
                " To load it,", " Loaded as it is, every order would be an anonymous sale. If the file really has no "
                "customers (a till), load it with --no-customers (or no_customers = true in a mapping file); "
                "otherwise,", 1))
        if self.no_customers:
            resolved = [r for r in resolved if r.spec.target != "customer_id" and not r.spec.target.startswith("customer.")]
        # the platform's own customer id stays in attributes even when a field reads it too
        external = normal_name(self.external_id) if self.external_id else None
        unused = [c for c in columns if c.lower() not in used or normal_name(c) == external]
        return resolved, unused


def _missing_message(where: str, spec: FieldSpec, columns: list[str], mapping: Mapping) -> str:
    looked = ", ".join(repr(s) for s in spec.sources) or repr(spec.target)
    shown = ", ".join(repr(c) for c in columns[:12]) + (" ..." if len(columns) > 12 else "")
    hint = ""
    if len(columns) == 1 and re.search(r"[;,\t|]", columns[0]):
        hint = " The header has a single column; is the delimiter right?"
    how = (
        f"fix the mapping {mapping.name}" if mapping.name not in ("auto",)
        else "rename the column or pass --mapping FILE (see docs/mapping.md) or --preset NAME"
    )
    return (
        f"{where}: required column {spec.target!r} for table {mapping.table!r} not found "
        f"(looked for {looked}); the file has {shown}.{hint} To load it, {how}."
    )


def _target_column(mapping: Mapping, target: str) -> Column:
    side, _, name = target.rpartition(".")
    table = {
        "": mapping.table, "customer": "customers", "item": "order_items", "product": "products",
    }[side]
    return CONTRACTS[table].column(name)


def _text_tuple(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value) and value:
        return tuple(value)
    raise SettingsError(f"{where}: expected a column name or a list of names, got {value!r}")


def _pairs(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise SettingsError(f"{where}: expected a table of value = replacement, got {value!r}")
    return tuple((str(k), str(v)) for k, v in value.items())


def _field(mapping_name: str, table: str, shape: Shape, target: str, raw: Any) -> FieldSpec:
    where = f"{mapping_name}: columns.{target}"
    side, _, name = target.rpartition(".")
    allowed = {"": table, **{p: {"customer": "customers", "item": "order_items",
                                  "product": "products"}[p] for p in _PREFIXES[shape]}}
    if side not in allowed:
        raise SettingsError(
            f"{where}: unknown prefix {side!r}; with shape {shape!r} use "
            + ", ".join(f"{p}." for p in _PREFIXES[shape])
        )
    contract = CONTRACTS[allowed[side]]
    if name not in contract.names:
        raise SettingsError(
            f"{where}: {allowed[side]} has no column {name!r}; its columns are "
            + ", ".join(contract.names)
        )
    if isinstance(raw, (str, list)):
        return FieldSpec(target, sources=_text_tuple(raw, where))
    if not isinstance(raw, dict):
        raise SettingsError(f"{where}: expected a column name, a list or a table, got {raw!r}")
    unknown = sorted(set(raw) - _FIELD_KEYS)
    if unknown:
        raise SettingsError(f"{where}: unknown option {unknown[0]!r}; options are {sorted(_FIELD_KEYS)}")
    if raw.get("ignore") is True and len(raw) == 1:
        return FieldSpec(target, ignore=True)
    if "ignore" in raw:
        raise SettingsError(f"{where}: ignore = true stands alone (the column is then kept in attributes)")
    makers = [k for k in ("from", "concat", "constant", "generate", "by_header") if k in raw]
    if len(makers) != 1:
        raise SettingsError(f"{where}: give exactly one of from, concat, constant, generate or by_header")
    if raw.get("generate") not in (None, "row"):
        raise SettingsError(f"{where}: generate must be \"row\", got {raw['generate']!r}")
    if raw.get("transform") not in (None, *_TRANSFORMS) and not str(raw.get("transform")).startswith("param:"):
        raise SettingsError(f"{where}: transform must be one of {sorted(_TRANSFORMS)}")
    if raw.get("decimal") not in (None, "auto", ".", ","):
        raise SettingsError(f"{where}: decimal must be \"auto\", \".\" or \",\"")
    return FieldSpec(
        target,
        sources=_text_tuple(raw["from"], where) if "from" in raw else (),
        concat=_text_tuple(raw["concat"], where) if "concat" in raw else (),
        constant=str(raw["constant"]) if "constant" in raw else None,
        generate=raw.get("generate"),
        formats=_text_tuple(raw["format"], where) if "format" in raw else (),
        decimal=raw.get("decimal"),
        values=_pairs(raw["values"], where) if "values" in raw else (),
        prefixes=_pairs(raw["prefixes"], where) if "prefixes" in raw else (),
        otherwise=str(raw["otherwise"]) if "otherwise" in raw else None,
        default=str(raw["default"]) if "default" in raw else None,
        true_words=_text_tuple(raw["true"], where) if "true" in raw else (),
        false_words=_text_tuple(raw["false"], where) if "false" in raw else (),
        transform=raw.get("transform"),
        fallback=_text_tuple(raw["fallback"], where) if "fallback" in raw else (),
        by_header=_pairs(raw["by_header"], where) if "by_header" in raw else (),
        minus=_text_tuple(raw["minus"], where)[0] if "minus" in raw else None,
    )


def parse_mapping(raw: Any, name: str, table: str | None = None) -> Mapping:
    """Validate a mapping given as a dict (from TOML, YAML or a preset)."""
    if not isinstance(raw, dict):
        raise SettingsError(f"{name}: a mapping must be a table of settings")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise SettingsError(f"{name}: unknown key {unknown[0]!r}; keys are {sorted(_TOP_KEYS)}")
    mapped_table = raw.get("table", table)
    if mapped_table is None:
        raise SettingsError(f"{name}: say which table it loads (table = \"orders\") or pass --table")
    if table is not None and mapped_table != table:
        raise SettingsError(f"{name}: loads table {mapped_table!r}, but --table {table!r} was given")
    contract_for(mapped_table)
    shape = raw.get("shape", "rows")
    if shape not in ("rows", "order_lines") or (shape == "order_lines" and mapped_table != "orders"):
        raise SettingsError(f"{name}: shape must be \"rows\" (or \"order_lines\" for orders), got {shape!r}")
    if raw.get("decimal") not in (None, "auto", ".", ","):
        raise SettingsError(f"{name}: decimal must be \"auto\", \".\" or \",\"")
    if "dayfirst" in raw and not isinstance(raw["dayfirst"], bool):
        raise SettingsError(f"{name}: dayfirst must be true or false")
    delimiter = raw.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or (len(delimiter) != 1 and delimiter != "whitespace")):
        raise SettingsError(f"{name}: delimiter must be one character or \"whitespace\"")
    columns = raw.get("columns", {})
    if not isinstance(columns, dict) or not columns:
        raise SettingsError(f"{name}: [columns] must map canonical columns to source columns")
    fields = tuple(_field(name, mapped_table, shape, str(k), v) for k, v in columns.items())
    external = raw.get("external_id")
    if external is not None and not isinstance(external, str):
        raise SettingsError(f"{name}: external_id must name one column, got {external!r}")
    packed = raw.get("packed_items")
    if packed is not None and (not isinstance(packed, str) or shape != "order_lines"):
        raise SettingsError(f"{name}: packed_items names the prefix of the item columns (\"line_item_\") of an "
                            "order_lines mapping")
    groups = raw.get("packed_groups")
    if groups is not None and not isinstance(groups, str):
        raise SettingsError(f"{name}: packed_groups names the group of numbered columns (\"actionDetails\")")
    no_customers = raw.get("no_customers", False)
    if not isinstance(no_customers, bool) or (no_customers and mapped_table != "orders"):
        raise SettingsError(f"{name}: no_customers = true says an orders file has no customers (a till)")
    return Mapping(
        table=mapped_table, name=name, shape=shape, fields=fields, delimiter=delimiter,
        dayfirst=raw.get("dayfirst"), decimal=raw.get("decimal"), external_id=external, packed_items=packed,
        packed_groups=groups, no_customers=no_customers,
    )


def read_mapping_file(path: Path) -> Any:
    if not path.is_file():
        raise SettingsError(f"{path}: mapping file not found")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SettingsError(f"{path}: cannot be parsed ({exc})") from None
    else:
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path}: cannot be parsed ({exc})") from None
    return raw


def load_mapping(path: str | Path, table: str | None = None) -> Mapping:
    """Read a mapping file (``.toml``, ``.yaml`` or ``.yml``)."""
    path = Path(path)
    raw = read_mapping_file(path)
    if isinstance(raw, dict) and "files" in raw:
        raise SettingsError(f"{path}: maps several files ([files]); give it with a folder or a zip of them")
    return parse_mapping(raw, str(path), table)


def normal_name(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.strip().lower())


def name_candidates(table: str, column: str, columns: list[str]) -> list[tuple[str, str, str | None]]:
    """The source columns that may hold canonical ``column`` by their names, best first: the
    same name (up to case, spaces and punctuation), then common names (an email as the customer
    id is lowercased). Each is (source, how it was found, transform)."""
    from regulars.ingest._synonyms import EMAIL_NAMES, SYNONYMS

    by_normal = {normal_name(c): c for c in reversed(columns)}
    exact = {normal_name(c.name) for c in contract_for(table).columns if normal_name(c.name) in by_normal}
    out = []
    if normal_name(column) in by_normal:
        out.append((by_normal[normal_name(column)], "the same name", None))
    emails = {normal_name(e) for e in EMAIL_NAMES}
    for name in SYNONYMS.get(table, {}).get(column, ()):
        key = normal_name(name)
        # a column another canonical name claims is not borrowed, except an email or a visitor's
        # id as the customer id (a visitor with no user id is their own anonymous customer)
        lent = column == "customer_id" and (key in emails or key == normal_name("visitor_id"))
        if key not in by_normal or (key in exact and not lent):
            continue
        source = by_normal[key]
        if all(source != s for s, _, _ in out):
            out.append((source, f"a common name for {column}",
                        "email" if column == "customer_id" and key in emails else None))
    return out


def auto_mapping(table: str, columns: list[str], synonyms: bool = False) -> Mapping:
    """Map source columns whose names equal canonical names up to case, spaces and
    punctuation (``Order ID``, ``customerID`` → order_id, customer_id); with ``synonyms``, a
    column no exact name claims may also map by a common name (``Email`` → customer_id,
    lowercased; ``Order Date`` → ordered_at)."""
    fields = []
    for c in contract_for(table).columns:
        found = name_candidates(table, c.name, columns)
        if not synonyms:
            found = [f for f in found if f[1] == "the same name"]
        source, _, transform = found[0] if found else (c.name, "", None)
        fields.append(FieldSpec(c.name, sources=(source,), transform=transform))
    return Mapping(table=table, name="auto", fields=tuple(fields))
