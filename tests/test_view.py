from datetime import date

import pytest

from positions.present import view
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


def test_view_round_trips_every_field():
    state = view.ViewState(view="changes", issue="trainer_deployment", start=date(2024, 1, 1), as_of=date(2024, 6, 1),
                           groups=("G7", "other"), stances=("support", "conditional"), min_conf=0.25, reviewed=True,
                           count_conditional=True, actor="emmanuel-macron", compare_from=date(2024, 5, 1),
                           compare_to=date(2024, 6, 1), q="long range", scope="world", stacked=True, sort="oldest")
    assert view.parse_query_string(view.query_string(state)) == state
    assert view.parse_query_string("http://127.0.0.1:8501/?" + view.query_string(state)) == state


@pytest.mark.parametrize("qs,param", [
    ("scope=mars", "scope"), ("sort=random", "sort"), ("stacked=maybe", "stacked"),
    ("compare_from=2024-06-02&compare_to=2024-06-01", "compare_from"),
])
def test_view_bad_new_parameter_is_named(qs, param):
    with pytest.raises(InvalidField) as err:
        view.parse_query_string(qs)
    assert err.value.field == param
