"""The page under streamlit.testing.v1.AppTest: every view renders, and the URL is the view."""
import base64
import json

import numpy as np
import pandas as pd
import pytest

from positions.present import view
from tests.conftest import SEED_CSV, run_page


@pytest.fixture(autouse=True)
def _seed_data(monkeypatch):
    """These tests pin numbers on the hand-coded seed statements, not the growing bundled dataset."""
    monkeypatch.setenv("POSITIONS_DATA", str(SEED_CSV))


def decode(values):
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return values


def specs(at):
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def trace(spec, name):
    return next(t for t in spec["data"] if t.get("name") == name)


def test_dashboard_renders_seed_supporters_as_of_2024_05_31():
    at = run_page(view="supporters", as_of="2024-05-31")
    assert at.metric[0].value.startswith("5 of ")
    support = trace(specs(at)[0], "Support")
    assert decode(support["y"])[-1] == 5
    assert "Czechia (CZ)" in support["customdata"][-1]
    assert at.query_params["as_of"] == "2024-05-31"


def test_dashboard_supporters_count_conditional_adds_france():
    at = run_page(view="supporters", as_of="2024-05-31", count_conditional="true")
    assert at.metric[0].value.startswith("6 of ")
    support = trace(specs(at)[0], "Support (incl. conditional)")
    assert decode(support["y"])[-1] == 6
    assert "France (FR)" in support["customdata"][-1]


def test_dashboard_supporters_shows_key_events_in_range():
    spec = specs(run_page(view="supporters", as_of="2024-05-31"))[0]
    texts = [a["text"] for a in spec["layout"]["annotations"]]
    assert any("Cameron" in t for t in texts) and not any("Merz" in t for t in texts)


def test_dashboard_matrix_sorted_by_group_with_drill_down():
    at = run_page(view="matrix", as_of="2024-05-31", actor="FR")
    matrix, timeline = specs(at)
    heat = matrix["data"][0]
    rows = heat["y"]
    cells = trace(matrix, "cell text")
    text = {(y, x): t for x, y, t in zip(cells["x"], cells["y"], cells["text"])}
    first = [text[(r, "Cross-border strikes")] for r in rows]
    # Grouped by stance on the view's issue (support first), then by the day it was taken.
    assert first[0].startswith("Support<br>since ") and rows.index("Russia · other") > rows.index("Czechia · NATO EU")
    assert text[("Russia · other", "Cross-border strikes")].startswith("Oppose<br>since ")
    supporters = [r for r, t in zip(rows, first) if t.startswith("Support")]
    days = [pd.Timestamp(text[(r, "Cross-border strikes")].split("since ")[1]) for r in supporters]
    assert days == sorted(days)
    assert "France" in timeline["layout"]["title"]["text"]
    assert at.selectbox(key="actor").value == "FR"


def test_dashboard_actor_timeline_person_with_quote_on_hover():
    at = run_page(view="actor", actor="emmanuel-macron", as_of="2024-06-15")
    spec = specs(at)[0]
    cond = trace(spec, "Conditional")
    assert "neutralize" in cond["customdata"][0]
    assert trace(spec, "Latest stance")["line"]["shape"] == "hv"


def test_dashboard_map_uses_local_topojson():
    at = run_page(view="map", as_of="2024-05-31")
    el = at.get("plotly_chart")[0]
    assert json.loads(el.proto.config)["topojsonURL"] == "app/static/topojson/"
    spec = json.loads(el.proto.spec)
    assert set(trace(spec, "Support")["locations"]) == {"CAN", "CZE", "FIN", "GBR", "NLD"}
    assert trace(spec, "Oppose")["locations"] == ["RUS"]
    assert not spec.get("frames") and not spec["layout"].get("sliders"), "one date only: the sidebar's As of"
    assert set(trace(spec, "Belligerent (outlined)")["locations"]) == {"UKR", "RUS"}


def test_dashboard_changes_lists_movers_and_statements():
    at = run_page(view="changes", as_of="2024-06-15", compare_from="2024-05-15")
    spec = specs(at)[0]
    assert "France (FR)" in spec["data"][1]["y"]
    table = at.dataframe[0].value
    assert "Emmanuel Macron" in set(table["speaker"])


def test_dashboard_evidence_search_and_sort():
    at = run_page(view="evidence", as_of="2024-06-15", q="Macron", sort="oldest")
    cells = specs(at)[0]["data"][0]["cells"]["values"]
    assert cells[1] == ["Emmanuel Macron"]
    assert at.text_input(key="q").value == "Macron"


@pytest.mark.parametrize("name", ["supporters", "actor", "changes", "evidence"])
def test_dashboard_empty_results_show_a_message_not_an_error(name):
    at = run_page(view=name, as_of="2024-06-15", groups="Baltic", actor="EE")
    assert not at.get("plotly_chart")
    assert at.info and "Try" in at.info[0].value


def test_dashboard_query_params_round_trip_into_widgets_and_figure():
    at = run_page(view="supporters", issue="trainer_deployment", as_of="2024-06-15", groups="NATO,EU",
             stances="support,oppose", min_conf="0.5", reviewed="false", stacked="true")
    assert at.selectbox(key="issue").value == "trainer_deployment"
    assert at.multiselect(key="groups").value == ["NATO", "EU"]
    assert at.toggle(key="stacked").value is True
    spec = specs(at)[0]
    assert {t["name"] for t in spec["data"]} <= {"Support", "Oppose"}
    assert all(t.get("stackgroup") == "one" for t in spec["data"])
    assert "trainer" in spec["layout"]["title"]["text"].lower()
    assert view.from_query(at.query_params) == view.parse_query_string(
        "view=supporters&issue=trainer_deployment&as_of=2024-06-15&groups=NATO,EU&stances=support,oppose"
        "&min_conf=0.5&stacked=true")


def test_dashboard_widget_change_updates_query_params():
    at = run_page(as_of="2024-05-31")
    at.selectbox(key="issue").select("trainer_deployment").run()
    assert at.query_params["issue"] == "trainer_deployment"
    at.radio(key="view").set_value("map").run()
    assert at.query_params["view"] == "map"
    at.slider(key="min_conf").set_value(0.5).run()
    assert at.query_params["min_conf"] == "0.5"
    at.multiselect(key="groups").select("G7").run()
    assert at.query_params["groups"] == "G7"
    assert not at.exception
    assert at.query_params["as_of"] == "2024-05-31"


def test_dashboard_matrix_and_map_show_silent_states_in_grey():
    matrix = specs(run_page(view="matrix", as_of="2024-06-15", groups="Baltic"))[0]
    heat = matrix["data"][0]
    assert sorted(heat["y"]) == ["Estonia · NATO EU Baltic", "Latvia · NATO EU Baltic", "Lithuania · NATO EU Baltic"]
    assert set(trace(matrix, "cell text")["text"]) == {"no position"}
    spec = specs(run_page(view="map", as_of="2024-06-15", groups="Baltic"))[0]
    assert sorted(trace(spec, "No public position found")["locations"]) == ["EST", "LTU", "LVA"]


def test_dashboard_stance_filter_with_no_match_is_empty_not_an_error():
    at = run_page(as_of="2024-06-15", stances="oppose", groups="Nordic")
    assert not at.get("plotly_chart") and at.info


def test_dashboard_bad_link_warns_and_falls_back():
    at = run_page(view="pie")
    assert "view" in at.warning[0].value
    assert at.get("plotly_chart")


def test_dashboard_share_box_holds_the_link():
    at = run_page(view="map", as_of="2024-05-31", scope="world")
    link = at.code[0].value
    assert "view=map" in link and "scope=world" in link and "as_of=2024-05-31" in link
