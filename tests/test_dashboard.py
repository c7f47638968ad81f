import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, SEED_CSV


def decode(values):
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return values


def test_dashboard_renders_seed_supporters_as_of_2024_05_31(monkeypatch):
    monkeypatch.setenv("POSITIONS_DATA", str(SEED_CSV))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["as_of"] = "2024-05-31"
    at.run()
    assert not at.exception
    assert at.metric[0].value == "5"
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    support = next(t for t in spec["data"] if t["name"] == "Support")
    assert decode(support["y"])[-1] == 5
    assert "Czechia (CZ)" in support["customdata"][-1]
    assert at.query_params["as_of"] == "2024-05-31"
