"""Analysis: positions over time (the official-position rule) and view filters."""
