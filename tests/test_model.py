import pytest

from positions.errors import InvalidField
from positions.model import Stance
from tests.conftest import make_statement


def test_model_accepts_valid_statement_and_computes_stable_id():
    a, b = make_statement(), make_statement()
    assert a.stance is Stance.OPPOSE and a.statement_date.isoformat() == "2024-05-01"
    assert a.id == b.id and len(a.id) == 16
    assert make_statement(evidence="Other words.").id != a.id


@pytest.mark.parametrize("field,value,needle", [
    ("issue", "strikes", "invalid issue 'strikes'"),
    ("stance", "maybe", "invalid stance 'maybe'"),
    ("actor_type", "pundit", "invalid actor_type 'pundit'"),
    ("affiliation", "Germany", "invalid affiliation 'Germany'"),
    ("statement_date", "2024-02-30", "invalid statement_date '2024-02-30'"),
    ("statement_date", "May 2024", "invalid statement_date 'May 2024'"),
    ("confidence", 1.5, "invalid confidence 1.5"),
    ("confidence", "high", "invalid confidence 'high'"),
    ("evidence", "  ", "invalid evidence"),
    ("origin", "guessed", "invalid origin 'guessed'"),
    ("status", "maybe", "invalid status 'maybe'"),
    ("source_url", "ftp://x", "invalid source_url 'ftp://x'"),
])
def test_model_rejects_bad_value_naming_field_and_value(field, value, needle):
    with pytest.raises(InvalidField) as err:
        make_statement(**{field: value})
    assert needle in str(err.value)
    assert err.value.field == field


def test_model_record_is_json_friendly():
    rec = make_statement(statement_date=None).to_record()
    assert rec["statement_date"] is None and rec["issue"] == "cross_border_strikes" and rec["cues"] == []
