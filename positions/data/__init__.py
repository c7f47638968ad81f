"""Data: the statement store, source documents, review decisions and duplicates."""
