"""Score an import against a hand-written answer key: recall and precision of groups,
parent links, KPIs, dependencies and leads.

An answer key (``<name>.key.yaml`` next to ``<name>.md``) maps group names to their
parent (``null`` for a top group) and lists, per group name, its KPIs as written,
the names of the groups it depends on, and the names of its leads. Names match as a
reader would match them: case, accents, punctuation, "&"/"and" and kind words ("the
Billing team") do not count. A KPI matches when the imported text is the key's text,
or the key's text followed by more (a period: "Obstacle recall ≥ 99.5% (per release)").

Run ``uv run python -m tests.importers.scoring`` for the table of every fixture.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orgplane.importers.service import import_paths
from orgplane.model import Org

COMPANIES = Path(__file__).resolve().parent / "fixtures" / "companies"
FACETS = ("groups", "parents", "kpis", "dependencies", "leads")
#: The least recall and precision each facet must reach, per document.
THRESHOLDS = {"groups": 0.95, "parents": 0.95, "kpis": 0.90, "dependencies": 0.90, "leads": 0.90}
_KIND_WORDS = {"team", "squad", "tribe", "division", "department", "group", "the", "a", "an"}


def _name(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.casefold().replace("&", " and ").lstrip("@"))
    kept = [w for w in words if w not in _KIND_WORDS]
    return " ".join(kept or words)


def _text(text: str) -> str:
    return " ".join(str(text).casefold().split()).rstrip(".;, ")


@dataclass(frozen=True, slots=True)
class Score:
    expected: int
    found: int
    matched_expected: int
    matched_found: int

    @property
    def recall(self) -> float:
        return self.matched_expected / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.matched_found / self.found if self.found else 1.0 if not self.expected else 0.0


def _exact(expected: list[tuple[str, ...]], found: list[tuple[str, ...]]) -> Score:
    want, have = Counter(expected), Counter(found)
    both = sum((want & have).values())
    return Score(sum(want.values()), sum(have.values()), both, both)


def _kpis(expected: list[tuple[str, str]], found: list[tuple[str, str]]) -> Score:
    left = list(found)
    matched = 0
    for group, text in expected:
        hit = next(
            (f for f in left if f[0] == group and (f[1] == text or f[1].startswith(text + " "))),
            None,
        )
        if hit is not None:
            left.remove(hit)
            matched += 1
    return Score(len(expected), len(found), matched, matched)


def imported_facts(org: Org) -> dict[str, list[tuple[str, ...]]]:
    walked = org.walk()
    by_path = dict(walked)
    codes: dict[str, list[str]] = {}
    for path, group in walked:
        codes.setdefault(group.code, []).append(path)
    people = {person.id: person.name for person in org.people}

    def group_name(ref: str) -> str:
        if ref in by_path:
            return _name(by_path[ref].name)
        paths = codes.get(ref, [])
        return _name(by_path[paths[0]].name) if len(paths) == 1 else _name(ref)

    facts: dict[str, list[tuple[str, ...]]] = {facet: [] for facet in FACETS}
    for path, group in walked:
        name = _name(group.name)
        facts["groups"].append((name,))
        if "/" in path:
            facts["parents"].append((name, _name(by_path[path.rsplit("/", 1)[0]].name)))
        facts["kpis"].extend((name, _text(k.text)) for k in group.kpis)
        facts["dependencies"].extend((name, group_name(d.target)) for d in group.dependencies)
        facts["leads"].extend((name, _name(people.get(lead, lead))) for lead in group.leads)
    return facts


def expected_facts(key: dict[str, Any]) -> dict[str, list[tuple[str, ...]]]:
    facts: dict[str, list[tuple[str, ...]]] = {facet: [] for facet in FACETS}
    for name, parent in (key.get("groups") or {}).items():
        facts["groups"].append((_name(name),))
        if parent is not None:
            facts["parents"].append((_name(name), _name(parent)))
    for name, kpis in (key.get("kpis") or {}).items():
        facts["kpis"].extend((_name(name), _text(k)) for k in kpis)
    for name, targets in (key.get("dependencies") or {}).items():
        facts["dependencies"].extend((_name(name), _name(t)) for t in targets)
    for name, leads in (key.get("leads") or {}).items():
        facts["leads"].extend((_name(name), _name(lead)) for lead in leads)
    return facts


def score(org: Org, key: dict[str, Any]) -> dict[str, Score]:
    want, have = expected_facts(key), imported_facts(org)
    out = {facet: _exact(want[facet], have[facet]) for facet in FACETS if facet != "kpis"}
    out["kpis"] = _kpis([(g, t) for g, t in want["kpis"]], [(g, t) for g, t in have["kpis"]])
    return {facet: out[facet] for facet in FACETS}


def score_document(path: Path) -> dict[str, Score]:
    key = yaml.safe_load(path.with_suffix(".key.yaml").read_text(encoding="utf-8"))
    return score(import_paths([path]).org, key)


def documents() -> list[Path]:
    return sorted(COMPANIES.glob("*.md"))


def table(scores: dict[str, dict[str, Score]]) -> str:
    head = "| document | " + " | ".join(f"{f} R / P" for f in FACETS) + " |"
    lines = [head, "|" + "---|" * (len(FACETS) + 1)]
    for name, facets in scores.items():
        cells = [f"{s.recall:.0%} / {s.precision:.0%}" for s in facets.values()]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table({path.stem: score_document(path) for path in documents()}))
