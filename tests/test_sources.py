"""Issue 12's inputs: date precision and attribution fields, outlets, coverage notes, the view's source filter."""
import pandas as pd
import pytest

from positions.data import coverage_notes, outlets, store
from positions.errors import InvalidField, StoreError
from positions.present import view
from tests.conftest import make_statement

OUTLETS_HEADER = "domain,name,country,type,type_source\n"


@pytest.mark.parametrize("overrides,field", [
    ({"date_precision": "fortnight"}, "date_precision"),
    ({"statement_date": None, "date_precision": "month"}, "date_precision"),
    ({"attribution": "rumour"}, "attribution"),
])
def test_model_rejects_bad_precision_or_attribution(overrides, field):
    with pytest.raises(InvalidField) as err:
        make_statement(**overrides)
    assert err.value.field == field


def test_model_date_without_precision_is_a_day_and_undated_has_none():
    assert make_statement().date_precision.value == "day"
    assert make_statement(statement_date=None).date_precision is None
    assert make_statement().attribution.value == "direct"


def test_store_reads_a_csv_without_the_new_columns(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("actor,affiliation,actor_type,issue,stance,statement_date,evidence\n"
                    "Olaf Scholz,DE,government,cross_border_strikes,oppose,2024-05-01,An invented line.\n"
                    "Olaf Scholz,DE,government,cross_border_strikes,oppose,,Another invented line.\n", encoding="utf-8")
    df = store.load_frame(path)
    assert df["date_precision"].iloc[0] == "day" and pd.isna(df["date_precision"].iloc[1])
    assert df["attribution"].tolist() == ["direct", "direct"]


def test_store_round_trips_precision_and_attribution(tmp_path):
    s = make_statement(statement_date="2024-11-01", date_precision="month", attribution="summary")
    store.save_statements([s], tmp_path / "s.csv")
    back = store.load_statements(tmp_path / "s.csv")[0]
    assert (back.date_precision.value, back.attribution.value) == ("month", "summary")


@pytest.mark.parametrize("url,domain", [
    ("https://www.Example.org:443/a?b=1", "example.org"), ("http://italy.news-pravda.com/x", "italy.news-pravda.com"),
    ("doc:seed", ""), ("", ""),
])
def test_outlets_domain_of(url, domain):
    assert outlets.domain_of(url) == domain


def test_outlets_subdomain_takes_its_parents_type(tmp_path):
    path = tmp_path / "outlets.csv"
    path.write_text(OUTLETS_HEADER + "news-pravda.com,Pravda network,RU,state_aligned,an invented citation\n"
                    "www.wire.example,Wire,GB,wire,an invented citation\n", encoding="utf-8")
    table = outlets.load_outlets(path)
    assert table["domain"].tolist() == ["news-pravda.com", "wire.example"]
    types = outlets.type_by_domain(table, ["italy.news-pravda.com", "wire.example", "other.example", ""])
    assert types == {"italy.news-pravda.com": "state_aligned", "wire.example": "wire", "other.example": "unknown",
                     "": "unknown"}


@pytest.mark.parametrize("row,needle", [
    ("x.example,X,GB,tabloid,cited\n", "column type 'tabloid' is unknown"),
    ("x.example,X,GB,wire,\n", "column type_source is empty"),
    (",X,GB,wire,cited\n", "column domain is empty"),
])
def test_outlets_bad_row_names_file_line_and_field(tmp_path, row, needle):
    path = tmp_path / "outlets.csv"
    path.write_text(OUTLETS_HEADER + row, encoding="utf-8")
    with pytest.raises(StoreError) as err:
        outlets.load_outlets(path)
    assert f"{path}:2: {needle}" in str(err.value)


def test_outlets_and_notes_missing_files_are_empty(tmp_path):
    assert outlets.load_outlets(tmp_path / "none.csv").empty
    assert coverage_notes.load_notes(tmp_path / "none.csv").empty


def test_bundled_outlets_have_a_type_and_a_source_for_each():
    table = outlets.load_outlets()
    if table.empty:
        pytest.skip("data/outlets.csv not in this checkout yet (dataset branch)")
    assert table["type"].isin(outlets.SOURCE_TYPES).all() and (table["type_source"] != "").all()


def test_coverage_notes_need_a_search_day(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("affiliation,issue,searched_on,queries,note\nMT,cross_border_strikes,,q,none found\n",
                    encoding="utf-8")
    with pytest.raises(StoreError, match="column searched_on is empty"):
        coverage_notes.load_notes(path)
    path.write_text("affiliation,issue,searched_on,queries,note\nMT,cross_border_strikes,2026-01-02,q,none\n",
                    encoding="utf-8")
    assert coverage_notes.load_notes(path)["searched_on"].tolist() == [pd.Timestamp(2026, 1, 2)]


def test_view_source_types_round_trip_in_the_link():
    state = view.parse_query_string("?sources=wire,government&issue=trainer_deployment")
    assert state.sources == ("wire", "government")
    assert view.parse_query_string(view.query_string(state)) == state
    with pytest.raises(InvalidField, match="invalid sources 'tabloid'"):
        view.parse_query_string("sources=tabloid")
