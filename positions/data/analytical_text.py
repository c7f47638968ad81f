"""The analytical copy's long text (quotes, sources, titles), read per view for the rows it shows.

The page's frame (`analysis.fast.page_frame`) leaves these columns out: at a million statements
they were two thirds of its memory and most of its cold start (making 740k Python strings for
the quotes). They sit beside the copy in `text-<key>.arrow`, an uncompressed Arrow IPC file in
the copy's row order (record batches of BATCH rows), memory-mapped when read: taking a few
hundred rows by position touches only their pages (milliseconds), where the same lookup on the
Parquet file decodes whole column chunks (about 0.6 s at 1M, with DuckDB and pyarrow alike).
`<key>` names the statements.parquet it was made from (size and mtime), so a frame never reads
the text of another version of the copy.

The file also holds the searched long fields lowered the way `analysis.aggregate.search` lowers
them (`<column>_lower`), so a search over them is a substring match on stored text with the
same result.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from positions.data.analytical_read import to_pandas

TEXT_COLUMNS = ("evidence", "source_url", "source_title", "sources", "duplicate_ids")
LOWERED = ("evidence", "source_title")   # the long fields aggregate.search reads
ROW = "_row"                             # a page frame's row position in statements.parquet
BATCH = 16_384                           # rows per record batch of the text file


def text_path(folder: Path) -> Path:
    """The text file of the copy in `folder`, named after its statements.parquet."""
    st = (folder / "statements.parquet").stat()
    key = hashlib.blake2b(f"{st.st_size}:{st.st_mtime_ns}".encode(), digest_size=8).hexdigest()
    return folder / f"text-{key}.arrow"


def ensure(folder: Path) -> Path:
    """Write the text file of the copy in `folder` when it is missing (after a build); its path."""
    path = text_path(folder)
    if path.exists():
        return path
    file = pq.ParquetFile(folder / "statements.parquet")
    fields = [file.schema_arrow.field(c) for c in TEXT_COLUMNS]
    schema = pa.schema(fields + [pa.field(f"{c}_lower", pa.large_string()) for c in LOWERED])
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with pa.ipc.new_file(str(tmp), schema) as writer:
            for batch in file.iter_batches(batch_size=BATCH, columns=list(TEXT_COLUMNS)):
                # The same expression as aggregate.search, so a substring match gives its answer.
                low = [pa.array(to_pandas(c, pa.chunked_array([batch.column(c)])).astype(str).str.lower()
                                .to_numpy(dtype=object, na_value=None), pa.large_string()) for c in LOWERED]
                writer.write_batch(pa.RecordBatch.from_arrays([batch.column(c) for c in TEXT_COLUMNS] + low,
                                                              schema=schema))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    # Keep the previous version's file too: a page still showing that version reads its text.
    older = sorted((p for p in folder.glob("text-*.arrow") if p != path), key=lambda p: p.stat().st_mtime)
    for old in older[:-1]:
        old.unlink(missing_ok=True)
    return path


def take(path: str | Path, rows: np.ndarray, columns: list[str]) -> pa.Table:
    """`columns` of the statements at positions `rows` (in that order) of the copy whose text file
    is `path`: only the record batches holding them are touched, and only their rows copied."""
    rows = np.asarray(rows, dtype=np.int64)
    order = np.argsort(rows, kind="stable")
    ranked = rows[order]
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        schema = reader.schema
        parts = []
        for b in np.unique(ranked // BATCH):
            local = ranked[(ranked >= b * BATCH) & (ranked < (b + 1) * BATCH)] - b * BATCH
            batch = reader.get_batch(int(b)).select(columns)
            parts.append(pa.Table.from_batches([batch]).take(pa.array(local)).combine_chunks())
    table = pa.concat_tables(parts) if parts else schema.empty_table().select(columns)
    back = np.empty(len(rows), dtype=np.int64)
    back[order] = np.arange(len(rows))
    return table.take(pa.array(back))


def frame_of(path: str | Path, rows: np.ndarray, columns: list[str], index: pd.Index) -> pd.DataFrame:
    """`take` as a DataFrame with `index`, each column typed as in the full copy's frame."""
    table = take(path, rows, columns)
    out = {}
    for c in columns:
        s = to_pandas(c, table[c])
        s.index = index
        out[c] = s
    return pd.DataFrame(out, index=index)
