"""The repo's extra verdict sets (eval/set-*): well-formed, and every gold quote verbatim in its bundled policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.ingest import bundled_folder

SETS = sorted((Path(__file__).resolve().parents[1] / "eval").glob("set-*/seed-dev/questions.jsonl"))


def test_the_sets_are_there() -> None:
    assert len(SETS) == 27


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.parts[-3])
def test_gold_quotes_are_verbatim_and_verdicts_follow_the_conventions(path: Path) -> None:
    policies = {p.name: p.read_text(encoding="utf-8") for p in bundled_folder().glob("*.txt")}
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        assert item["verdict"] in {"yes", "no", "partial", "not_stated"}, item["id"]
        parts = [item, *item.get("per_company", {}).values()]
        for part in parts:
            for clause in part.get("gold_clauses", []):
                assert clause["quote"] in policies[clause["file"]], (item["id"], clause["quote"][:60])
            if part.get("verdict") == "not_stated":
                assert not part.get("gold_clauses"), item["id"]
        if item["kind"] == "followup":
            assert item["turns"][-1] == item["question"], item["id"]
