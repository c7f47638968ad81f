"""Statements carry the precision of their date and how the position reached the text.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NEW_COLUMNS = ["date_precision", "attribution"]


def upgrade() -> None:
    for name in NEW_COLUMNS:
        op.add_column("statements", sa.Column(name, sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    for name in NEW_COLUMNS:
        op.drop_column("statements", name)
