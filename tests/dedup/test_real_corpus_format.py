"""The real-form corpus (tests/dedup/data/real) is well formed. Format only: the matcher never runs here.

The held-out parts must stay unseen by whoever tunes the matcher, so nothing in this file scores them;
these checks only keep the corpus loadable, honest about its sources and split by its one rule.
``holdout2/`` … ``holdout8/`` (new forms, each held out as a whole) get the same checks, and each must
share no form, title or source with the parts built before it.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from dedup.devset import load_steps
from schemas import Standard

_REAL = Path(__file__).parent / "data" / "real"
_NEW_KEY = re.compile(r"^N\.[a-z][a-z0-9_]*$")
_FILE_NAME = re.compile(r"^[ab]-[a-z0-9-]+\.yaml$")


def _corpus_tools() -> ModuleType:
    spec = importlib.util.spec_from_file_location("real_corpus_tools", _REAL / "make_baseline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_TOOLS = _corpus_tools()
_FILES = _TOOLS.corpus_files()


def _forms() -> list[tuple[str, Path, object]]:
    """(part, file, step) of every check step of the corpus."""
    found = []
    for path in _FILES:
        for step in load_steps(path):
            if step.role == "check":
                found.append((path.parent.name, path, step))
    return found


def test_the_corpus_has_all_its_parts() -> None:
    assert {path.parent.name for path in _FILES} == {
        "dev",
        "holdout",
        "holdout2",
        "holdout3",
        "holdout4",
        "holdout5",
        "holdout6",
        "holdout7",
        "holdout8",
    }
    assert all(_FILE_NAME.match(path.name) for path in _FILES), [p.name for p in _FILES]


@pytest.mark.parametrize("path", _FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_file_starts_with_the_current_baseline(path: Path, standard: Standard) -> None:
    steps = load_steps(path)
    checked = sorted({step.entity for step in steps if step.role == "check"})
    baseline = [step for step in steps if step.role == "collected"]
    assert [step.entity for step in baseline] == checked
    # Every collected step is the generated baseline, and it is the standard as it is now: a stale
    # block (after an element was added or renamed) says to rerun make_baseline.py.
    for step in baseline:
        assert list(step.fields) == _TOOLS.baseline_fields(standard, step.entity), (
            f"{path}: the baseline of {step.entity} is stale; run tests/dedup/data/real/make_baseline.py"
        )
    assert steps[: len(baseline)] == tuple(baseline), "the baseline comes before the forms"


@pytest.mark.parametrize("path", _FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_concept_is_a_valid_key(path: Path, standard: Standard) -> None:
    bad = []
    for step in load_steps(path):
        for label, concept in step.fields:
            if not label.strip():
                bad.append(f"{step.id}: an empty label")
            elif concept.startswith("D:"):
                code = concept[2:]
                if not standard.has_element(code) or standard.element(code).entity != step.entity:
                    bad.append(f"{step.id} {label}: {concept} names no {step.entity} element")
            elif concept.startswith("N."):
                if not _NEW_KEY.match(concept):
                    bad.append(f"{step.id} {label}: {concept} is not N.<lowercase_key>")
            elif not standard.has_element(concept) or standard.element(concept).entity != step.entity:
                bad.append(f"{step.id} {label}: {concept} is not a {step.entity} element")
            elif standard.element(concept).derived:
                # A derived element is computed, never gathered: such a field is D:<its input>.
                bad.append(f"{step.id} {label}: {concept} is derived; write D:<the gathered input>")
    assert bad == []


def test_every_form_says_where_it_came_from() -> None:
    missing = [
        f"{part}/{path.name} {step.id}"
        for part, path, step in _forms()
        if not (step.source and step.issuer and step.title)
    ]
    assert missing == []


def test_form_ids_are_unique_and_prefixed() -> None:
    ids = Counter(step.id for _, _, step in _forms())
    assert [form_id for form_id, count in ids.items() if count > 1] == []
    assert all(re.match(r"^[AB]-[A-Za-z0-9-]+$", form_id) for form_id in ids), sorted(ids)


def test_every_form_is_in_the_part_the_rule_gives_it() -> None:
    misplaced = [
        f"{step.id} is in {part}/"
        for part, _, step in _forms()
        if part in _TOOLS.SPLIT_PARTS and (part == "holdout") != _TOOLS.is_holdout(step.id)
    ]
    assert misplaced == []


def test_the_second_holdout_is_big_enough_to_score() -> None:
    # issue 13's size for a fresh held-out part: 30 forms, 12 issuers, 600 checked labels.
    new = [step for part, _, step in _forms() if part == "holdout2"]
    assert len(new) >= 30, len(new)
    assert len({step.issuer for step in new}) >= 12, sorted({str(step.issuer) for step in new})
    assert sum(len(step.fields) for step in new) >= 600


# Each whole held-out part, and the parts that existed before it was built.
_LATER_PARTS = {
    "holdout2": ("dev", "holdout"),
    "holdout3": ("dev", "holdout", "holdout2"),
    "holdout4": ("dev", "holdout", "holdout2", "holdout3"),
    "holdout5": ("dev", "holdout", "holdout2", "holdout3", "holdout4"),
    "holdout6": ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5"),
    "holdout7": ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6"),
    "holdout8": ("dev", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7"),
}


@pytest.mark.parametrize("part", list(_LATER_PARTS))
def test_a_later_holdout_is_new_forms(part: str) -> None:
    # A held-out part built after earlier ones had been looked at: none of its forms may be one the matcher
    # was already tuned on, by id, by source address or by (department, title).
    older = [step for other, _, step in _forms() if other in _LATER_PARTS[part]]
    new = [step for other, _, step in _forms() if other == part]
    seen_ids = {step.id for step in older}
    seen_sources = {step.source for step in older}
    seen_titles = {(step.department, step.title) for step in older}
    reused = [
        f"{step.id}: {what}"
        for step in new
        for what, is_reused in (
            ("id", step.id in seen_ids),
            (f"source {step.source}", step.source in seen_sources),
            (f"title {step.title}", (step.department, step.title) in seen_titles),
        )
        if is_reused
    ]
    assert reused == []


def test_the_third_holdout_is_big_enough_to_score() -> None:
    # holdout3's size (helper matcher, issue 13): 20 forms, 8 issuers, 400 checked labels.
    new = [step for part, _, step in _forms() if part == "holdout3"]
    assert len(new) >= 20, len(new)
    assert len({step.issuer for step in new}) >= 8, sorted({str(step.issuer) for step in new})
    assert sum(len(step.fields) for step in new) >= 400


def test_the_fourth_holdout_is_big_enough_to_score() -> None:
    # holdout4's size at landing (helper matcher, issue 13): 9 forms, 8 issuers, 156 checked labels.
    new = [step for part, _, step in _forms() if part == "holdout4"]
    assert len(new) >= 9, len(new)
    assert len({step.issuer for step in new}) >= 8, sorted({str(step.issuer) for step in new})
    assert sum(len(step.fields) for step in new) >= 150


def test_the_holdout_is_at_least_a_third_of_the_forms() -> None:
    parts = Counter(part for part, _, _ in _forms())
    assert parts["holdout"] * 3 >= parts["holdout"] + parts["dev"], parts


def test_the_split_rule_is_pinned() -> None:
    # sha1 mod 3 of these ids, computed once: if the rule drifted, forms would silently change sides.
    assert [_TOOLS.is_holdout(form_id) for form_id in ("A-zzb-zhuhai-renmian", "B-example", "z")] == [
        True,
        False,
        False,
    ]


def test_the_fifth_holdout_is_big_enough_to_score() -> None:
    # holdout5's size at landing (helper matcher, issue 13): 8 forms, 7 issuers, 159 checked labels.
    new = [step for part, _, step in _forms() if part == "holdout5"]
    assert len(new) >= 8, len(new)
    assert len({step.issuer for step in new}) >= 7, sorted({str(step.issuer) for step in new})
    assert sum(len(step.fields) for step in new) >= 150


def test_the_sixth_holdout_is_big_enough_to_score() -> None:
    # holdout6's size at landing (helper matcher, issue 13): 8 forms, 5 issuers, 165 checked labels, both entities.
    new = [step for part, _, step in _forms() if part == "holdout6"]
    assert len(new) >= 8, len(new)
    assert len({step.issuer for step in new}) >= 5, sorted({str(step.issuer) for step in new})
    assert sum(len(step.fields) for step in new) >= 160
    assert {step.entity for step in new} == {"teacher", "school"}


def test_the_seventh_holdout_is_big_enough_to_score() -> None:
    # holdout7's size at landing (helper matcher, issue 13): 10 forms, 4 issuers, 157 checked labels, person forms.
    new = [step for part, _, step in _forms() if part == "holdout7"]
    assert len(new) >= 10, len(new)
    assert len({step.issuer for step in new}) >= 4, sorted({str(step.issuer) for step in new})
    assert sum(len(step.fields) for step in new) >= 150


def test_the_eighth_holdout_is_big_enough_to_score() -> None:
    # holdout8's size at landing (the lead, issue 13): 4 forms, 4 issuers, 117 checked labels, both entities.
    new = [step for part, _, step in _forms() if part == "holdout8"]
    assert len(new) >= 4, len(new)
    assert len({step.issuer for step in new}) >= 4, sorted({str(step.issuer) for step in new})
    assert sum(len(step.fields) for step in new) >= 110
    assert {step.entity for step in new} == {"teacher", "school"}
