"""Read tables (CSV, Parquet, Excel) with row numbers a person can find in the file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from soilsink.io.errors import InputError, Problem

#: Suffixes read by :func:`read_table`.
TABLE_SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
                  ".xlsx": "excel", ".xls": "excel"}

#: Column added by :func:`read_table`: the row number as seen in the file (header = row 1).
ROW_COLUMN = "row"


def read_table(path: str | Path, *, sheet: str | int = 0) -> pd.DataFrame:
    """Read a CSV, Parquet or Excel table; add a ``row`` column with the row as seen in the file.

    For CSV and Excel the header is row 1 and the first data row is row 2 (as a spreadsheet
    shows it). Parquet has no visible header, so its first record is row 1.
    Every value is kept as read (strings stay strings) so that validation can name the
    offending cell. ``df.attrs["source"]`` holds the file name for error messages.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "file not found"))
    kind = TABLE_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InputError(Problem(str(path), "unknown table format", value=path.suffix,
                                 allowed=", ".join(sorted(TABLE_SUFFIXES))))
    try:
        if kind == "csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
            first_row = 2
        elif kind == "parquet":
            df = pd.read_parquet(path)
            first_row = 1
        else:
            df = pd.read_excel(path, sheet_name=sheet, dtype=object)
            first_row = 2
    except (ValueError, OSError, ImportError) as exc:  # parser errors carry their own text
        raise InputError(Problem(str(path), f"cannot read the table: {exc}")) from None
    df.columns = [str(c).strip() for c in df.columns]
    if ROW_COLUMN in df.columns:
        raise InputError(Problem(str(path), "a column is named 'row', which soilsink reserves "
                                 "for row numbers", column=ROW_COLUMN, allowed="rename it"))
    df[ROW_COLUMN] = range(first_row, first_row + len(df))
    df.attrs["source"] = str(path)
    return df
