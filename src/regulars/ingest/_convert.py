"""SQL that turns source text into typed canonical values, and says why when it cannot.

Each function returns a DuckDB SQL expression over a text expression ``s`` (already
trimmed, blank → NULL). Conversion never raises: a value that cannot be read becomes
NULL, and ``problem_sql`` turns "text present, value NULL" into a quarantine reason.
"""

from __future__ import annotations

from regulars._sql import quote
from regulars.ingest._mapping import FieldSpec
from regulars.schema import Column

__all__ = ["lit", "number_sql", "problem_sql", "problems_sql", "quote", "text_sql", "timestamp_sql", "value_sql"]

MAX_ID_LENGTH = 256
MAX_TEXT_LENGTH = 100_000
TRUE_WORDS = ("true", "t", "yes", "y", "1", "on", "x", "subscribed", "opted in", "opt-in",
              "checked", "granted")
FALSE_WORDS = ("false", "f", "no", "n", "0", "off", "unsubscribed", "opted out", "opt-out",
               "unchecked", "denied", "cleaned")
#: Two-digit years first: DuckDB's %Y also reads "24" (as the year 24), and %y fails on "2024".
_DATE_FORMATS_MONTHFIRST = (
    "%m/%d/%y %H:%M", "%m/%d/%y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
    "%m-%d-%y %H:%M", "%m-%d-%y", "%m-%d-%Y %H:%M:%S", "%m-%d-%Y %H:%M", "%m-%d-%Y",
    "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p",
)
_DATE_FORMATS_ANY = (
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y%m%d", "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y",
    "%d-%b-%Y", "%d-%b-%y", "%d %b %Y %H:%M", "%Y-%m-%dT%H:%M:%S.%fZ",
)
_OFFSET_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M %z",
                   "%Y-%m-%dT%H:%M:%S.%f%z")
_CURRENCY = r"(\s|\$|£|€|¥|₹|''|USD|EUR|GBP|CHF|CAD|AUD|JPY|SEK|NOK|DKK|kr)"


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]"


def _clean(column: str) -> str:
    """A source column's text, trimmed, blank as NULL."""
    x = f"CAST({quote(column)} AS VARCHAR)"
    # trimming every value is costly; most values have no edge spaces to trim
    return f"(CASE WHEN {x} LIKE ' %' OR {x} LIKE '% ' THEN NULLIF(trim({x}), '') ELSE NULLIF({x}, '') END)"


def text_sql(spec: FieldSpec, source: str | None, row_id_prefix: str) -> str:
    """The cleaned source text for a field: trimmed, mapped, blank as NULL."""
    if spec.generate == "row":
        return f"({lit(row_id_prefix + ':')} || CAST(_row AS VARCHAR))"
    if spec.constant is not None:
        s = lit(spec.constant)
    elif spec.concat:
        parts = ", ".join(f"trim({quote(c)})" for c in spec.concat)
        s = f"NULLIF(trim(concat_ws(' ', {parts})), '')"
    elif source is not None:
        s = _clean(source)
        if spec.fallback:
            s = f"coalesce({s}, {', '.join(_clean(c) for c in spec.fallback)})"
    else:
        s = "CAST(NULL AS VARCHAR)"
    if spec.transform in ("email", "lower"):
        s = f"lower({s})"
    elif spec.transform == "unquote":
        s = f"NULLIF(ltrim({s}, chr(39)), '')"
    elif spec.transform and spec.transform.startswith("param:"):  # GA4's event_params: one key's value
        found = (f"list_filter(CASE WHEN json_type({s}) = 'ARRAY' THEN json_extract({s}, '$[*]') ELSE "
                 f"json_extract({s}, '$.event_params[*]') END, e -> json_extract_string(e, '$.key') = "
                 f"{lit(spec.transform.removeprefix('param:'))})[1]")
        s = (f"(CASE WHEN json_valid({s}) THEN NULLIF(coalesce(json_extract_string({found}, '$.value.string_value'), "
             f"json_extract_string({found}, '$.value.int_value')), '') END)")
    if spec.values or spec.prefixes or spec.otherwise is not None:
        whens = [f"WHEN lower({s}) = {lit(k.lower())} THEN {lit(v)}" for k, v in spec.values]
        whens += [f"WHEN starts_with({s}, {lit(k)}) THEN {lit(v)}" for k, v in spec.prefixes]
        fallback = lit(spec.otherwise) if spec.otherwise is not None else s
        s = f"NULLIF(CASE WHEN {s} IS NULL THEN NULL {' '.join(whens)} ELSE {fallback} END, '')"
    if spec.default is not None:
        s = f"coalesce({s}, {lit(spec.default)})"
    return s


def timestamp_sql(s: str, formats: tuple[str, ...], dayfirst: bool) -> str:
    """Read ISO dates, dates with offsets (to UTC) and common local formats; ``format =
    "epoch_s"``, ``"epoch_ms"`` or ``"epoch_us"`` reads seconds, milliseconds or microseconds
    since 1970 (UTC), as analytics exports write them."""
    epochs = {"epoch_s": 1_000_000, "epoch_ms": 1_000, "epoch_us": 1}
    if formats and formats[0] in epochs:
        return f"make_timestamp(CAST(TRY_CAST({s} AS DOUBLE) * {epochs[formats[0]]} AS BIGINT))"
    if formats:
        return f"CAST(try_strptime({s}, {_list(formats)}) AS TIMESTAMP)"
    local = tuple(
        f.replace("%m/%d", "%d/%m").replace("%m-%d", "%d-%m") if dayfirst else f
        for f in _DATE_FORMATS_MONTHFIRST
    ) + _DATE_FORMATS_ANY
    offset = (
        f"timezone('UTC', coalesce(try_cast({s} AS TIMESTAMPTZ), "
        f"try_strptime({s}, {_list(_OFFSET_FORMATS)})))"
    )
    return (
        f"CASE WHEN {s} IS NULL THEN NULL "
        f"WHEN length({s}) > 10 AND regexp_matches({s}, '(Z|[+-]\\d\\d:?\\d\\d)$') THEN {offset} "
        # DuckDB's own cast reads 11/10/24 as the year 11: it is only asked about ISO dates (yyyy-...)
        f"ELSE coalesce(CASE WHEN substr({s}, 5, 1) = '-' THEN try_cast({s} AS TIMESTAMP) END, "
        f"try_strptime({s}, {_list(local)})) END"
    )


def number_sql(s: str, decimal: str) -> str:
    """Read amounts with currency symbols, thousands separators, decimal commas, (negatives)."""
    n = f"regexp_replace(regexp_replace({s}, '^\\((.*)\\)$', '-\\1'), '{_CURRENCY}', '', 'g')"
    if decimal == ",":
        cleaned = f"replace(replace({n}, '.', ''), ',', '.')"
        return f"try_cast({cleaned} AS DOUBLE)"
    if decimal == ".":
        cleaned = f"replace({n}, ',', '')"
    else:
        cleaned = (
            f"(CASE WHEN contains({n}, ',') AND contains({n}, '.') THEN "
            f"  CASE WHEN strpos(reverse({n}), ',') < strpos(reverse({n}), '.') "
            f"  THEN replace(replace({n}, '.', ''), ',', '.') ELSE replace({n}, ',', '') END "
            f"WHEN contains({n}, ',') THEN "
            f"  CASE WHEN regexp_full_match({n}, '[+-]?\\d{{1,3}}(,\\d{{3}})+') "
            f"  THEN replace({n}, ',', '') ELSE replace({n}, ',', '.') END "
            f"WHEN regexp_full_match({n}, '[+-]?\\d{{1,3}}(\\.\\d{{3}}){{2,}}') THEN replace({n}, '.', '') "
            f"ELSE {n} END)"
        )
    return f"coalesce(try_cast({s} AS DOUBLE), try_cast({cleaned} AS DOUBLE))"


def value_sql(column: Column, spec: FieldSpec, s: str, dayfirst: bool, decimal: str) -> str:
    """The typed canonical value of text ``s``."""
    kind = column.kind
    if kind == "id":  # 17850.0 → 17850: a number column read back as text by pandas or Excel
        return f"(CASE WHEN contains({s}, '.') THEN regexp_replace({s}, '^(\\d+)\\.0+$', '\\1') ELSE {s} END)"
    if kind == "text":
        return f"upper({s})" if column.upper else s
    if kind == "timestamp":
        return timestamp_sql(s, spec.formats, dayfirst)
    if kind in ("number", "integer"):
        number = number_sql(s, spec.decimal or decimal)
        if spec.transform == "abs":
            number = f"abs({number})"
        if kind == "integer":
            return f"TRY_CAST(CASE WHEN {number} = round({number}) THEN {number} END AS BIGINT)"
        return number
    if kind == "boolean":
        true_words = spec.true_words or TRUE_WORDS
        false_words = spec.false_words or FALSE_WORDS
        return (
            f"(CASE WHEN lower({s}) IN ({', '.join(lit(w.lower()) for w in true_words)}) THEN true "
            f"WHEN lower({s}) IN ({', '.join(lit(w.lower()) for w in false_words)}) THEN false END)"
        )
    # choice: synonyms, then the allowed values (or any snake_case word when none are listed)
    norm = f"regexp_replace(lower({s}), '[\\s\\-]+', '_', 'g')"
    if column.synonyms:
        whens = " ".join(
            f"WHEN {lit(k.replace(' ', '_').replace('-', '_'))} THEN {lit(v)}"
            for k, v in column.synonyms
        )
        norm = f"(CASE {norm} {whens} ELSE {norm} END)"
    if column.choices:
        allowed = ", ".join(lit(c) for c in column.choices)
        other = f" WHEN regexp_full_match({norm}, '[a-z][a-z0-9_]*') THEN {norm}" if column.open_choices else ""
        slow = f"(CASE WHEN {norm} IN ({allowed}) THEN {norm}{other} END)"
        return f"(CASE WHEN {s} IN ({allowed}) THEN {s} ELSE {slow} END)"
    slow = f"(CASE WHEN regexp_full_match({norm}, '[a-z][a-z0-9_]*') THEN {norm} END)"
    if column.synonyms:  # a word already snake_case may still be a synonym (page_viewed: page_view)
        return slow
    return f"(CASE WHEN regexp_full_match({s}, '[a-z][a-z0-9_]*') THEN {s} ELSE {slow} END)"


_KIND_WORDS = {
    "timestamp": "a date", "number": "a number", "integer": "a whole number",
    "boolean": "yes/no", "id": "an id", "text": "text",
}


def problem_sql(target: str, column: Column, s: str, v: str, required: bool) -> list[tuple[str, str, str]]:
    """(condition, reason SQL, code) triples: the value of ``target`` has that problem when the
    condition holds."""
    shown = f"left({s}, 40)"
    quoted = f"'''' || {shown} || ''''"
    out: list[tuple[str, str, str]] = []
    if required:
        out.append((f"{s} IS NULL", lit(target + ": missing"), "missing:" + target))
    if column.kind == "choice":
        allowed = ", ".join(column.choices) if column.choices else "a word such as page_view"
        out.append((f"{s} IS NOT NULL AND {v} IS NULL",
                    f"{lit(target + ': ')} || {quoted} || {lit(' is not one of: ' + allowed)}",
                    "not_allowed:" + target))
    elif column.kind in ("id", "text"):
        if column.kind == "id":  # 5.27763E+12: a spreadsheet showed a long number id; its digits are gone
            lost = lit(" is a long number a spreadsheet shortened; its digits are lost: export the file again "
                       "and keep this column as text")
            out.append((f"(contains({s}, 'E+') OR contains({s}, 'e+')) "  # the cheap test first: most ids pass it
                        f"AND regexp_matches({s}, '^[0-9]+(\\.[0-9]+)?[eE][+][0-9]+$')",
                        f"{lit(target + ': ')} || {quoted} || {lost}", "mangled_id:" + target))
        limit = MAX_ID_LENGTH if column.kind == "id" else MAX_TEXT_LENGTH
        out.append((f"length({s}) > {limit}",
                    f"{lit(target + ': value is ')} || length({s}) || {lit(f' characters long; the limit is {limit:,}')}",
                    "too_long:" + target))
    else:
        bad = f"{s} IS NOT NULL AND {v} IS NULL"
        if column.kind in ("number", "integer"):  # 'nan' and 'inf' cast to doubles, but are no amounts
            bad = f"{s} IS NOT NULL AND ({v} IS NULL OR NOT isfinite({v}))"
        out.append((bad, f"{lit(target + ': cannot read ')} || {quoted} || {lit(' as ' + _KIND_WORDS[column.kind])}",
                    "unreadable:" + target))
    if column.kind == "timestamp":
        out.append((f"{v} IS NOT NULL AND (year({v}) < 1900 OR year({v}) > 2200)",
                    f"{lit(target + ': ')} || CAST({v} AS DATE) || ' is not a plausible date'",
                    "out_of_range:" + target))
    if column.minimum is not None:
        out.append((f"{v} < {column.minimum}",
                    f"{lit(target + ': ')} || {v} || {lit(f' is below the minimum {column.minimum:g}')}",
                    "out_of_range:" + target))
    if column.maximum is not None:
        out.append((f"{v} > {column.maximum}",
                    f"{lit(target + ': ')} || {v} || {lit(f' is above the maximum {column.maximum:g}')}",
                    "out_of_range:" + target))
    return out


def problems_sql(problems: list[tuple[str, str, str]]) -> tuple[str, str]:
    """SQL for all reasons and all codes ('' when none); the texts are built only for bad rows."""
    if not problems:
        return "''", "''"
    any_bad = " OR ".join(f"coalesce({c}, false)" for c, _, _ in problems)
    reasons = ", ".join(f"CASE WHEN {c} THEN {r} END" for c, r, _ in problems)
    codes = ", ".join(f"CASE WHEN {c} THEN {lit(code)} END" for c, _, code in problems)
    return (f"CASE WHEN {any_bad} THEN concat_ws('; ', {reasons}) ELSE '' END",
            f"CASE WHEN {any_bad} THEN concat_ws('; ', {codes}) ELSE '' END")
