"""Read tables (CSV, Parquet, Excel) with row numbers a person can find in the file.

What is refused, with file, row and column: an empty file or a header without data rows,
two columns of the same name, a column with values but no name, a row with more values than
the header, text that is not UTF-8 (see :mod:`soilsink.io.text`). Semicolon- or
tab-separated CSV files (what spreadsheets write in locales with a decimal comma) are read,
and a warning says so: in such a file a column whose values are all numbers written with a
decimal comma (``12,5``) is read with a decimal point; values like ``1.234,5`` (thousands
separators) stay text and are reported as not a number where a number is needed.

:func:`numeric_column` is the one conversion of a column to numbers: blank cells, text that
is not a number, true/false values, text in a Parquet column, non-finite numbers and values
outside the allowed range are each reported with their row.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from soilsink.io.errors import InputError, Problem, warn_input
from soilsink.io.text import read_text

#: Suffixes read by :func:`read_table`.
TABLE_SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet",
                  ".xlsx": "excel", ".xls": "excel"}

#: Column added by :func:`read_table`: the row number as seen in the file (header = row 1).
ROW_COLUMN = "row"

#: Cell texts that mean "no value".
BLANKS = frozenset({"", "nan", "NaN", "NA", "N/A", "None", "<NA>", "null"})

_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d+,\d*|,\d+)([eE][+-]?\d+)?\s*$")
_INTEGER = re.compile(r"^\s*[+-]?\d+([eE][+-]?\d+)?\s*$")
_PARSER_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_table(path: str | Path, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV, Parquet or Excel table; add a ``row`` column with the row as seen in the file.

    For CSV and Excel the header is row 1 and the first data row is row 2 (as a spreadsheet
    shows it). Parquet has no visible header, so its first record is row 1.
    Every value is kept as read (strings stay strings) so that validation can name the
    offending cell. ``df.attrs["source"]`` holds the file name for error messages and
    ``df.attrs["format"]`` the format (``csv``, ``parquet``, ``excel``).
    """
    path = Path(path)
    label = str(path)
    if not path.exists():
        raise InputError(Problem(label, "file not found"))
    if path.is_dir():
        raise InputError(Problem(label, "is a folder, not a table", allowed="a CSV, Parquet or Excel file"))
    kind = TABLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(Problem(label, "unknown table format", value=path.suffix,
                                 allowed=", ".join(sorted(TABLE_SUFFIXES))))
    try:
        if kind == "csv":
            df, first_row = _read_csv(path, label), 2
        elif kind == "parquet":
            df, first_row = _read_parquet(path, label), 1
        else:
            df, first_row = _with_header(pd.read_excel(path, sheet_name=sheet, header=None, dtype=object),
                                         label), 2
    except InputError:
        raise
    except (ValueError, OSError, ImportError) as exc:  # corrupt files: the reader's own words
        raise InputError(Problem(label, f"cannot read the table: {exc}")) from None
    if ROW_COLUMN in df.columns:
        raise InputError(Problem(label, "a column is named 'row', which soilsink reserves "
                                 "for row numbers", row=1 if first_row == 2 else None, column=ROW_COLUMN,
                                 allowed="rename it"))
    if df.empty:
        raise InputError(Problem(label, "the table has no data rows" + (" below its header" if first_row == 2 else ""),
                                 row=first_row, allowed="at least one row of data"))
    df[ROW_COLUMN] = range(first_row, first_row + len(df))
    df.attrs["source"] = label
    df.attrs["format"] = kind
    return df


def _read_csv(path: Path, label: str) -> pd.DataFrame:
    text = read_text(path)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise InputError(Problem(label, "the file is empty",
                                 allowed="a header line with the column names, then one line per row"))
    sep = _separator(first)
    try:
        raw = pd.read_csv(io.StringIO(text), sep=sep, header=None, dtype=str, keep_default_na=False,
                          skipinitialspace=True)
    except pd.errors.ParserError as exc:
        m = _PARSER_FIELDS.search(str(exc))
        if m is None:
            raise InputError(Problem(label, f"cannot read the table: {exc}")) from None
        n, line, saw = (int(g) for g in m.groups())
        raise InputError(Problem(label, f"this row has {saw} values but the header has {n} columns",
                                 row=line, allowed=f"{n} values separated by '{_printable(sep)}' (quote "
                                 "values that contain the separator)")) from None
    df = _with_header(raw, label)
    if sep != ",":
        converted = _decimal_commas(df)
        how = f"; decimal commas read as decimal points in {', '.join(converted)}" if converted else ""
        warn_input(Problem(label, f"read as a {_SEPARATOR_NAMES[sep]}-separated table{how}"))
    return df


def _printable(sep: str) -> str:
    return "\\t" if sep == "\t" else sep


def _separator(header: str) -> str:
    """',' unless the header line has no comma but semicolons (or tabs)."""
    if "," in header:
        return ","
    if ";" in header:
        return ";"
    return "\t" if "\t" in header else ","


def _decimal_commas(df: pd.DataFrame) -> list[str]:
    """Replace decimal commas by points in columns whose every value is such a number."""
    converted = []
    for c in df.columns:
        col = df[c].astype(str)
        filled = col[~col.str.strip().isin(BLANKS)]
        comma = filled.str.match(_DECIMAL_COMMA)
        if len(filled) and comma.any() and (comma | filled.str.match(_INTEGER)).all():
            df[c] = col.str.replace(",", ".", regex=False)
            converted.append(str(c))
    return converted


def _with_header(raw: pd.DataFrame, label: str) -> pd.DataFrame:
    """First row of ``raw`` as the column names; checks duplicate and missing names."""
    if raw.empty:
        raise InputError(Problem(label, "the file is empty",
                                 allowed="a header line with the column names, then one line per row"))
    names = ["" if pd.isna(v) else str(v).strip() for v in raw.iloc[0]]
    body = raw.iloc[1:].reset_index(drop=True)
    keep = []
    problems = []
    for i, name in enumerate(names):
        values = body.iloc[:, i]
        if name == "":
            if (values.isna() | values.astype(str).str.strip().isin(BLANKS)).all():
                continue  # an empty column without a name (a trailing separator): ignored
            problems.append(Problem(label, f"column {i + 1} has values but no name", row=1,
                                    allowed="a column name in the header"))
        keep.append(i)
    problems += _duplicates([names[i] for i in keep], label, row=1)
    if problems:
        raise InputError(problems)
    out = body.iloc[:, keep].copy()
    out.columns = [names[i] for i in keep]
    return out


def _duplicates(names: Sequence[str], label: str, row: int | None) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(names):
        if name in seen:
            problems.append(Problem(label, f"two columns have this name (columns {seen[name] + 1} and {i + 1})",
                                    row=row, column=name, allowed="each column name once"))
        else:
            seen[name] = i
    return problems


def _read_parquet(path: Path, label: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as pf:
        names = [str(n).strip() for n in pf.schema_arrow.names]
        problems = _duplicates(names, label, row=None)
        if problems:
            raise InputError(problems)
        df = pf.read().to_pandas()
    if any(n is not None for n in df.index.names):  # a named index written by pandas: a column
        df = df.reset_index()
    df.columns = [str(c).strip() for c in df.columns]
    return df.reset_index(drop=True)


# ----------------------------------------------------------------------------- columns


def _rows(df: pd.DataFrame) -> np.ndarray:
    return (df[ROW_COLUMN].to_numpy() if ROW_COLUMN in df.columns else np.arange(2, len(df) + 2)).astype(int)


def _cell_kinds(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which cells hold true/false values and which hold text (by the column's inferred type;
    cell by cell only for mixed columns)."""
    n = len(raw)
    kind = pd.api.types.infer_dtype(raw, skipna=True)
    if kind == "boolean":
        return raw.notna().to_numpy(dtype=bool), np.zeros(n, dtype=bool)
    if kind in ("string", "empty"):
        return np.zeros(n, dtype=bool), raw.notna().to_numpy(dtype=bool)
    if kind in ("integer", "floating", "mixed-integer-float", "decimal"):
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    return (raw.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool),
            raw.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool))


def numeric_column(df: pd.DataFrame, col: str, source: str, problems: list[Problem], *,
                   required: bool = True, bounds: tuple[float, float] | None = None,
                   units: str = "") -> pd.Series:
    """``df[col]`` as floats (NaN where blank or bad); every bad cell appends a :class:`Problem`.

    Bad: true/false values, text that is not a number, text in a Parquet (typed) table,
    infinity, values outside ``bounds`` (inclusive) and, when ``required``, blanks.
    """
    raw = df[col]
    rows = _rows(df)
    unit = f" {units}" if units else ""
    allowed = f"a number{unit}" if bounds is None else f"{bounds[0]:g} to {bounds[1]:g}{unit}"
    is_bool, text = _cell_kinds(raw)
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        values = raw.astype(float)
        blank = values.isna().to_numpy()
    else:
        stripped = raw.astype("string").str.strip()
        blank = (raw.isna() | stripped.isin(BLANKS)).to_numpy(dtype=bool) & ~is_bool
        values = pd.to_numeric(raw.where(~(blank | is_bool)).astype(object), errors="coerce").astype(float)
    typed = df.attrs.get("format") == "parquet"
    for i in np.flatnonzero(is_bool):
        problems.append(Problem(source, "true/false is not a number", int(rows[i]), col, raw.iat[i], allowed))
    for i in np.flatnonzero(text & ~blank & typed):
        problems.append(Problem(source, "text in a Parquet column of numbers", int(rows[i]), col, raw.iat[i],
                                f"a numeric (integer or float) Parquet column, {allowed}"))
    bad = values.isna().to_numpy() & ~blank & ~is_bool & ~(text & typed)
    for i in np.flatnonzero(bad):
        comma = "," in str(raw.iat[i])
        problems.append(Problem(source, "not a number", int(rows[i]), col, raw.iat[i],
                                allowed + (" written with a decimal point, without thousands separators"
                                           if comma else "")))
    if required:
        for i in np.flatnonzero(blank):
            problems.append(Problem(source, "missing value", int(rows[i]), col, None, allowed))
    v = values.to_numpy()
    if typed:
        v = np.where(text, np.nan, v)
    with np.errstate(invalid="ignore"):
        out = ~np.isfinite(v) & ~np.isnan(v)
        if bounds is not None:
            out |= (v < bounds[0]) | (v > bounds[1])
    for i in np.flatnonzero(out):
        problems.append(Problem(source, "not a finite number" if not np.isfinite(v[i]) else "value out of range",
                                int(rows[i]), col, float(v[i]), allowed))
    return pd.Series(np.where(is_bool, np.nan, v), index=df.index, dtype=float)


def did_you_mean(name: str, known: Iterable[str]) -> list[str]:
    """Known column names ``name`` may have meant: the name with its unit suffix
    (``clay`` -> ``clay_pct``), initials (``bd`` -> ``bulk_density_g_cm3``), close spellings."""
    known = list(known)
    low = name.strip().lower()
    if not low:
        return []
    hits = [k for k in known if k.startswith(low + "_")
            or (len(low) >= 3 and k.replace("_", "").startswith(low.replace("_", "")))]
    if len(low) >= 2:
        hits += [k for k in known if "".join(w[0] for w in k.split("_") if w).startswith(low)]
    hits += difflib.get_close_matches(low, known, n=3, cutoff=0.6)
    return list(dict.fromkeys(hits))[:3]


def warn_unknown_columns(df: pd.DataFrame, known: Iterable[str], source: str, *, what: str = "table") -> list[str]:
    """Warn about columns soilsink does not use, with a did-you-mean each; return their names."""
    known = list(known)
    unknown = [str(c) for c in df.columns if c not in known and c != ROW_COLUMN]
    if unknown:
        parts = []
        for name in unknown:
            guess = did_you_mean(name, known)
            parts.append(f"{name!r} (did you mean {' or '.join(map(repr, guess))}?)" if guess else repr(name))
        warn_input(Problem(source, f"column(s) not used by a {what}, ignored: " + ", ".join(parts),
                           allowed="the column names in the documentation"))
    return unknown


def near_misses(missing: Iterable[str], columns: Iterable[object]) -> str:
    """``"; did you mean 'soc_stock' for soc_stock_t_ha?"`` for present columns that look like
    missing required ones (empty text when none do)."""
    columns = [str(c) for c in columns if c != ROW_COLUMN]
    parts = []
    for m in missing:
        name = m.split(" ")[0]
        parts += [f"{c!r} for {name}" for c in columns if c != name and did_you_mean(c, [name])]
    return f"; did you mean {', '.join(parts)}?" if parts else ""
