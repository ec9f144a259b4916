"""Measure practice tagging and sharing verdicts on OPP-115 paragraphs.

The OPP-115 corpus is non-commercial, so nothing here ships it or learns from it:
the file is read at run time and only figures come out. Run:

    .venv/bin/python -m assistant.eval_opp115 [path/to/segments.jsonl]
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

from assistant.practices import OPP115_CATEGORIES, OTHER, PRACTICES, opp115_categories, tag_text
from assistant.verdicts import clause_verdict

DEFAULT_PATH = Path("/work/shared/eval/opp115-practices/segments.jsonl")
SHARING = "Third Party Sharing/Collection"


def _f1(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate_opp115(path: Path = DEFAULT_PATH) -> dict:
    """Tagging P/R/F1 per OPP-115 category and balanced accuracy of sharing verdicts.

    `macro_f1` averages the nine categories other than "Other"; `macro_f1_with_other`
    adds "Other", which only the `contact` practice maps to.
    """
    rows = _read(path)
    counts = {c: [0, 0, 0] for c in OPP115_CATEGORIES}  # tp, fp, fn
    sharing = {"Does": [0, 0], "Does Not": [0, 0]}  # correct, total
    outcomes: dict[str, dict[str, int]] = {"Does": {}, "Does Not": {}}
    for row in rows:
        predicted = set(opp115_categories(tag_text(row["text"])))
        gold = set(row["categories"])
        for category in OPP115_CATEGORIES:
            if category in predicted and category in gold:
                counts[category][0] += 1
            elif category in predicted:
                counts[category][1] += 1
            elif category in gold:
                counts[category][2] += 1
        does = row.get("does", {}).get(SHARING)
        if does in sharing:
            verdict = clause_verdict("sharing", row["text"])
            expected = ("yes", "partial") if does == "Does" else ("no",)
            sharing[does][0] += verdict in expected
            sharing[does][1] += 1
            outcomes[does][str(verdict)] = outcomes[does].get(str(verdict), 0) + 1
    per_category = {c: _f1(*counts[c]) for c in OPP115_CATEGORIES}
    without_other = [per_category[c]["f1"] for c in OPP115_CATEGORIES if c != OTHER]
    recalls = {k: (v[0] / v[1] if v[1] else 0.0) for k, v in sharing.items()}
    return {
        "paragraphs": len(rows),
        "per_category": per_category,
        "macro_f1": sum(without_other) / len(without_other),
        "macro_f1_with_other": sum(p["f1"] for p in per_category.values()) / len(per_category),
        "sharing_verdict": {
            "recall_does": recalls["Does"],
            "recall_does_not": recalls["Does Not"],
            "n_does": sharing["Does"][1],
            "n_does_not": sharing["Does Not"][1],
            "balanced_accuracy": (recalls["Does"] + recalls["Does Not"]) / 2,
            # "Does Not" paragraphs judged "partial" are mostly denials whose exception
            # names a case ("other than with service providers"), which our convention
            # answers as partial; exceptions that only point elsewhere give "no".
            "verdicts": outcomes,
        },
    }


def tag_batch(lines: Iterable[dict]) -> list[dict]:
    """Tag `{"id", "text"}` records with practices, OPP-115 categories and verdicts.

    A paragraph tagged with a practice but with no polarity found gets "yes": being
    tagged means it speaks to the practice.
    """
    out = []
    for line in lines:
        text = line["text"]
        practices = [
            {
                "practice": name,
                "opp115": PRACTICES[name].opp115,
                "verdict": clause_verdict(name, text) or "yes",
            }
            for name in tag_text(text)
        ]
        out.append({"id": line["id"], "practices": practices})
    return out


def _print(report: dict) -> None:
    print(f"paragraphs: {report['paragraphs']}")
    print(f"{'category':40} {'P':>6} {'R':>6} {'F1':>6} {'n':>5}")
    for category, m in report["per_category"].items():
        print(f"{category:40} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:5d}")
    print(f"macro-F1 (9 categories, without Other): {report['macro_f1']:.3f}")
    print(f"macro-F1 (10 categories, with Other):   {report['macro_f1_with_other']:.3f}")
    s = report["sharing_verdict"]
    print(
        f"sharing verdict: recall Does {s['recall_does']:.3f} (n={s['n_does']}), "
        f"Does Not {s['recall_does_not']:.3f} (n={s['n_does_not']}), "
        f"balanced accuracy {s['balanced_accuracy']:.3f}"
    )
    print(f"sharing verdicts by gold label: {s['verdicts']}")


if __name__ == "__main__":
    _print(evaluate_opp115(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH))
