from datetime import date

import pytest

from positions import view
from positions.errors import InvalidField


def test_view_round_trips_through_query_string():
    state = view.ViewState(view="map", issue="trainer_deployment", as_of=date(2024, 6, 1), groups=("NATO", "EU"),
                           min_conf=0.5, reviewed=True, actor="FR")
    assert view.parse_query_string(view.query_string(state)) == state
    assert view.to_query(view.DEFAULT) == {}


@pytest.mark.parametrize("qs,param", [
    ("issue=strikes", "issue"), ("as_of=2024-13-01", "as_of"), ("groups=NATO,Mars", "groups"),
    ("min_conf=2", "min_conf"), ("reviewed=perhaps", "reviewed"), ("colour=red", "colour"), ("view=pie", "view"),
])
def test_view_bad_parameter_is_named(qs, param):
    with pytest.raises(InvalidField) as err:
        view.parse_query_string(qs)
    assert err.value.field == param
