"""Run nomenklatura over the labeled queries; runs inside the nomenklatura venv only.

    <nk-venv>/bin/python bench/nk_driver.py IN.json OUT.json

IN.json: {"names": [[entity_id, alias], ...], "queries": [str, ...]}.
OUT.json: {"version": str, "algorithms": {name: [[entity_id | null, score], ...]}} with one
result per query for each algorithm: the default (regression-v1) over every alias, and
logic-v2 (Person schema) over the 100 aliases a rapidfuzz WRatio prefilter keeps.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from nomenklatura.matching import LogicV2
from peer_nomenklatura import best_match, make_scorer, nomenklatura_version

LOGIC_V2_PREFILTER = 100


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    document = json.loads(Path(source).read_text(encoding="utf-8"))
    names = [(entity_id, alias) for entity_id, alias in document["names"]]
    default = make_scorer()
    logic = make_scorer(LogicV2, schema="Person")
    results: dict[str, list[tuple[str | None, float]]] = {
        "regression-v1 (default)": [],
        "logic-v2": [],
    }
    for query in document["queries"]:
        results["regression-v1 (default)"].append(best_match(query, names, scorer=default))
        results["logic-v2"].append(
            best_match(query, names, prefilter=LOGIC_V2_PREFILTER, scorer=logic)
        )
    Path(target).write_text(
        json.dumps({"version": nomenklatura_version(), "algorithms": results}), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
