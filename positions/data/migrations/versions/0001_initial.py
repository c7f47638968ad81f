"""Initial schema: statements (one text column per CSV column), change log, documents,
suggestions (kept with the reviewer's decision), actors added in review, users, login attempts.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The CSV columns as of this revision (frozen: later columns come with later migrations).
CSV_COLUMNS_0001 = [
    "actor", "actor_id", "affiliation", "actor_type", "role", "issue", "stance",
    "statement_date", "evidence", "source_url", "source_title", "published",
    "confidence", "origin", "status", "note",
]


def text(name):
    return sa.Column(name, sa.Text(), nullable=False, server_default="")


# long: a migration is the frozen record of one schema step (every table of the first schema); it is
# never edited after release, so it is not split either.
def upgrade() -> None:
    op.create_table(
        "statements",
        sa.Column("id", sa.String(64), primary_key=True),
        *[text(c) for c in CSV_COLUMNS_0001],
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        text("updated_by"),
    )
    op.create_index("ix_statements_seq", "statements", ["seq"])
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.Text(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("target", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(200), nullable=False),
        sa.Column("before", sa.Text()),
        sa.Column("after", sa.Text()),
        text("note"),
    )
    op.create_index("ix_changes_at", "changes", ["at"])
    op.create_index("ix_changes_target_id", "changes", ["target_id"])
    op.create_table(
        "documents",
        sa.Column("id", sa.String(200), primary_key=True),
        text("url"), text("title"),
        sa.Column("published", sa.String(10), nullable=False, server_default=""),
        text("publisher"),
        sa.Column("kind", sa.String(16), nullable=False, server_default="bundled"),
        text("text"), text("added_by"),
        sa.Column("added_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "suggestions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("document_id", sa.String(200), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False, server_default="pending"),
        text("label"),
        sa.Column("final", sa.Text()),
        text("decided_by"),
        sa.Column("decided_at", sa.DateTime()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_suggestions_document_id", "suggestions", ["document_id"])
    op.create_table(
        "actors",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("affiliation", sa.String(8), nullable=False),
        sa.Column("actor_type", sa.String(16), nullable=False),
        text("role"),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("ip", sa.String(64), nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_login_attempts_name", "login_attempts", ["name"])
    op.create_index("ix_login_attempts_ip", "login_attempts", ["ip"])


def downgrade() -> None:
    for table in ("login_attempts", "users", "actors", "suggestions", "documents", "changes", "statements"):
        op.drop_table(table)
