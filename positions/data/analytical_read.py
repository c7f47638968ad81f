"""Reading the analytical copy's Parquet file into the frame the page and the CLI use.

Row group by row group (the columns decoded in parallel), each filtered at once, then each column
converted on its own: ids (and quotes) as Python strings, repeated text as sorted categories read
straight from the file's dictionaries, list columns kept as Arrow, the rest as pandas/Arrow types.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# As Python strings: the quote (a filter copies pointers, not text) and the id (the engine makes
# Python lists of ids, `basis_ids`: iterating Arrow strings one by one costs 10x more).
OBJECT_TEXT = ("evidence", "id")
# Few distinct values (types, precisions; speakers, roles and notes repeat across thousands of
# statements): dictionary codes instead of one string per row, so a filter copies 4-byte codes,
# not text. Categories in sorted order, so sorting by them sorts by the text.
SMALL_TEXT = ("date_precision", "attribution", "source_type", "weak_source", "actor", "actor_id", "role", "note")


def load_parquet(path: Path, columns: list[str] | None = None, filters=None, row: str | None = None) -> pd.DataFrame:
    """A copy's Parquet file as a DataFrame: Arrow-backed strings, categories, list columns kept as Arrow.

    `filters`: [(column, "==", value)] rows to keep; `row`: also a column of that name holding
    each row's position in the file. Read row group by row group (the columns decoded in
    parallel; repeated text straight from the file's dictionaries), each filtered at once, then
    each column taken whole (one contiguous Arrow array: later row selections are several times
    faster than on the file's row groups) and converted, its Arrow copy dropped as it goes."""
    file = pq.ParquetFile(path)
    names = columns or file.schema_arrow.names
    small = [c for c in names if c in SMALL_TEXT]
    file = pq.ParquetFile(path, read_dictionary=small) if small else file
    keep = None
    for name, _, value in filters or ():
        match = pc.equal(file.read(columns=[name]).column(0), value)
        keep = match if keep is None else pc.and_(keep, match)
    table = _read_rows(file, names, keep)
    out = {}
    for name in names:
        out[name] = to_pandas(name, table.column(name))
        table = table.drop_columns([name])
    if row:
        n = file.metadata.num_rows
        out[row] = np.flatnonzero(keep.to_numpy(zero_copy_only=False)) if keep is not None else np.arange(n)
        names = [*names, row]
    pa.default_memory_pool().release_unused()  # the transients, back to the system now
    return pd.DataFrame(out, columns=names, copy=False)  # no consolidating copy of the numeric columns (peak)


def _read_rows(file: pq.ParquetFile, names: list[str], keep) -> pa.Table:
    """`names` of the rows in `keep`, row group by row group, each filtered at once."""
    parts, start = [], 0
    for i in range(file.num_row_groups):
        part = file.read_row_group(i, columns=names)
        if keep is not None:
            part = part.filter(keep.slice(start, part.num_rows))
        start += file.metadata.row_group(i).num_rows
        parts.append(part)
    return pa.concat_tables(parts) if parts else file.schema_arrow.empty_table().select(names)


def to_pandas(name: str, column: pa.ChunkedArray) -> pd.Series:
    if name in OBJECT_TEXT:  # Python strings, made straight from the chunks
        return pd.Series(column.to_numpy(zero_copy_only=False), dtype=object, name=name)
    array = column.combine_chunks()
    if pa.types.is_list(array.type):
        return pd.Series(pd.arrays.ArrowExtensionArray(array), name=name)
    if name in SMALL_TEXT:
        return pd.Series(sorted_categories(array), name=name)
    return pa.chunked_array([array]).to_pandas().rename(name)


def sorted_categories(array: pa.Array) -> pd.Categorical:
    """Text as pd.Categorical of its strings makes it (the values present, sorted), from the file's
    dictionary when it was read as one: no Python string per row, and the codes remapped in numpy."""
    if not pa.types.is_dictionary(array.type):
        array = array.dictionary_encode()
    codes = pc.fill_null(array.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    values = array.dictionary.cast(pa.large_string())
    names = pd.Index(pa.chunked_array([values]).to_pandas())
    used = np.zeros(len(names), dtype=bool)
    used[codes[codes >= 0]] = True
    used &= values.is_valid().to_numpy(zero_copy_only=False)   # a null entry is a missing value
    kept = np.flatnonzero(used)
    order = kept[names[kept].argsort()]
    remap = np.full(len(names) + 1, -1, dtype=np.int64)   # the last slot maps code -1 to -1
    remap[order] = np.arange(len(order))
    return pd.Categorical.from_codes(remap[codes], categories=names[order])
