"""Reference data: the codebook and the actor registry with roles over time."""
