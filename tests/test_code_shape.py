"""The house rules on size: no function in positions/, dashboard.py or pages/ over 60 lines and no
module over 400 lines without a `# long:` comment giving the reason. Functions of positions/tagger/
(other than rules.py) listed in tests/data/code_shape_allow.txt are reported, not failed.

Run as a script (`python tests/test_code_shape.py`) to list every long function and module."""
from __future__ import annotations

import ast
import re
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION, MAX_MODULE = 60, 400
REASON = re.compile(r"#\s*long:\s*\S")
ALLOW = ROOT / "tests" / "data" / "code_shape_allow.txt"


def sources() -> list[Path]:
    return sorted([*(ROOT / "positions").rglob("*.py"), ROOT / "dashboard.py", *(ROOT / "pages").rglob("*.py")])


def long_functions(path: Path):
    """(name, first line, length, has a reason) of each function over MAX_FUNCTION lines. The reason is a
    `# long:` comment on the three lines above the def (or its decorators) or on the def's own lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION:
                top = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                head = lines[max(0, top - 4):node.body[0].lineno - 1]
                yield node.name, node.lineno, length, any(REASON.search(line) for line in head)


def long_module(path: Path):
    """(length, has a reason) when the module is over MAX_MODULE lines; a reason is a `# long:`
    comment in its first 30 lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) > MAX_MODULE:
        return len(lines), any(REASON.search(line) for line in lines[:30])
    return None


def allowed() -> set[str]:
    return {line.strip() for line in ALLOW.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def _tagger_but_rules(rel: str) -> bool:
    return rel.startswith("positions/tagger/") and rel != "positions/tagger/rules.py"


def offenders():
    """(kind, where, length, reported-only) of every long function or module without a reason."""
    allow = allowed()
    for path in sources():
        rel = path.relative_to(ROOT).as_posix()
        for name, line, length, reason in long_functions(path):
            if not reason:
                yield "function", f"{rel}:{name} (line {line})", length, _tagger_but_rules(rel) and f"{rel}:{name}" in allow
        module = long_module(path)
        if module and not module[1]:
            yield "module", rel, module[0], False


def test_code_shape_long_functions_and_modules_give_a_reason():
    found = list(offenders())
    for kind, where, length, _ in (o for o in found if o[3]):
        warnings.warn(f"{kind} {where}: {length} lines (allow-listed in {ALLOW.name})", stacklevel=1)
    failing = [f"{kind} {where}: {length} lines" for kind, where, length, reported in found if not reported]
    assert not failing, "over the size limits without a `# long:` reason:\n" + "\n".join(failing)


def test_code_shape_allow_list_names_only_tagger_functions():
    """Only positions/tagger/ functions (not rules.py) may be allow-listed; an entry whose function is
    no longer long is reported, to be removed (a warning, so a merge of the split stays green)."""
    still_long = {f"{p.relative_to(ROOT).as_posix()}:{name}" for p in sources() for name, _, _, reason in long_functions(p)
                  if not reason}
    for entry in allowed():
        assert _tagger_but_rules(entry.split(":")[0]), f"{entry}: only positions/tagger/ (not rules.py) may be listed"
        if entry not in still_long:
            warnings.warn(f"{entry} is no longer over {MAX_FUNCTION} lines: remove it from {ALLOW.name}", stacklevel=1)


if __name__ == "__main__":
    for path in sources():
        rel = path.relative_to(ROOT).as_posix()
        module = long_module(path)
        if module:
            print(f"module   {rel}: {module[0]} lines{'' if module[1] else '  (no reason)'}")
        for name, line, length, reason in long_functions(path):
            print(f"function {rel}:{name} (line {line}): {length} lines{'' if reason else '  (no reason)'}")
