"""positions.tagger.io: reading large inputs in chunks."""
from positions.tagger.io import iter_chunks


def test_io_chunked_reader_offsets(tmp_path):
    text = "".join(f"Line {i} of the file.\n" for i in range(5000))
    p = tmp_path / "big.txt"
    p.write_text(text)
    pieces = list(iter_chunks(p, chunk_bytes=4096))
    assert len(pieces) > 10
    assert all(text[o:o + len(t)] == t for o, t in pieces)
