from pathlib import Path

import pytest

from positions.reference import codebook
from positions.errors import CodebookError


def test_codebook_has_two_issues_four_stances_distinct_colours():
    cb = codebook.load()
    assert set(cb.issues) == {"cross_border_strikes", "trainer_deployment"}
    assert set(cb.colours) == {"support", "oppose", "conditional", "undecided"}
    assert len(set(cb.colours.values())) == 4


@pytest.mark.parametrize("mutation,needle", [
    (lambda t: t.replace("trainer_deployment:", "trainers:", 1), "issues are"),
    (lambda t: t.replace('"#D55E00"', '"red"'), "colour 'red' is not #RRGGBB"),
    (lambda t: t.replace('"#D55E00"', '"#0072B2"'), "share a colour"),
    (lambda t: t + "\n  bad: ['(unclosed']\n", "not a valid regex"),
    (lambda t: t.replace("issues:", "issues: [", 1), "not valid YAML"),
])
def test_codebook_rejects_broken_file_naming_the_problem(tmp_path, mutation, needle):
    text = codebook.DEFAULT_PATH.read_text(encoding="utf-8")
    bad = tmp_path / "codebook.yaml"
    bad.write_text(mutation(text), encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        codebook.load(bad)
    assert needle in str(err.value) and str(bad) in str(err.value)


def test_conventions_have_unique_ids_and_texts():
    cb = codebook.load()
    ids = [cid for cid, _ in cb.conventions]
    assert ids and len(ids) == len(set(ids))
    assert all(text.strip() for _, text in cb.conventions)


def test_a_repeated_convention_id_names_the_file_and_entry(tmp_path):
    raw = Path(codebook.DEFAULT_PATH).read_text(encoding="utf-8")
    first = next(line for line in raw.splitlines() if line.startswith("  - id: "))
    bad = raw.replace("conventions:\n", "conventions:\n" + first + "\n    text: a second entry with the same id\n", 1)
    path = tmp_path / "codebook.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CodebookError, match=r"codebook.yaml: conventions\[1\] \('[a-z-]+'\) repeats an id"):
        codebook.load(path)
