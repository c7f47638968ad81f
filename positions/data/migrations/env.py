"""Alembic environment: migrations run on the connection positions.data.db.upgrade passes in,
or on the URL of the configured store (`alembic -x url=...` is not needed: see README)."""
from alembic import context
from sqlalchemy import create_engine

from positions.data.db import configured_url, metadata

config = context.config


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url") or configured_url()).begin() as conn:
        run(conn)
