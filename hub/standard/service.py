"""The standard as the hub sees it: the bundled version plus the versions approvals added."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import schemas
from hub.standard.errors import ElementsClash, VersionIncompatible
from hub.standard.models import LearnedSynonym, StandardVersion

_cache: dict[tuple[int, int], schemas.Standard] = {}


def element_to_dict(element: schemas.Element) -> dict[str, Any]:
    return dataclasses.asdict(element)


def element_from_dict(data: dict[str, Any]) -> schemas.Element:
    data = dict(data)
    derivation = data.pop("derivation", None)
    period = data.pop("period", None)
    for key in ("synonyms",):
        data[key] = tuple(data.get(key) or ())
    if derivation:
        derivation = schemas.Derivation(**{**derivation, "inputs": tuple(derivation.get("inputs") or ())})
    known = {f.name for f in dataclasses.fields(schemas.Element)}
    return schemas.Element(
        **{k: v for k, v in data.items() if k in known},
        derivation=derivation,
        period=schemas.Periodicity(**period) if period else None,
    )


def current_standard(session: Session) -> schemas.Standard:
    """The latest version: bundled elements plus every approved addition (cached per version)."""
    latest = session.scalar(select(func.max(StandardVersion.version)))
    synonyms = session.scalar(select(func.count(LearnedSynonym.id))) or 0
    key = (latest or 0, synonyms)
    if key in _cache:
        return _cache[key]
    std = schemas.load_standard()
    for row in session.scalars(select(StandardVersion).order_by(StandardVersion.version)):
        std = std.with_elements([element_from_dict(e) for e in row.added_elements])
    _cache.clear()
    _cache[key] = std
    return std


SHARING_ZH = {"unconditional": "无条件共享", "conditional": "有条件共享", "not_shared": "不予共享"}


def catalogue(std: schemas.Standard, entity: str | None = None) -> list[schemas.Element]:
    """The sharing catalogue: every element of an entity (or all) with its sharing type, in the
    standard's order."""
    return list(std.elements_for(entity) if entity else std.elements)


def learned_synonyms(session: Session) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in session.scalars(select(LearnedSynonym).order_by(LearnedSynonym.id)):
        out.setdefault(row.element_code, []).append(row.label)
    return out


def add_elements(
    session: Session, elements: list[schemas.Element], *, principal_id: int | None, note: str
) -> schemas.Standard:
    """Publish a new, compatible version holding `elements` (refused with every incompatibility listed)."""
    old = current_standard(session)
    try:
        new = old.with_elements(elements)
    except schemas.InvalidStandardError as exc:
        raise ElementsClash(
            "新数据元与现行标准冲突",
            f"the new elements clash with the current standard: {exc}",
            detail={"element": getattr(exc, "element", None)},
        ) from exc
    problems = schemas.check_compatibility(old, new)
    if problems:
        raise VersionIncompatible(
            "新版本与现行标准不兼容",
            "the new version is not compatible with the current standard",
            detail=[dataclasses.asdict(p) for p in problems],
        )
    session.add(
        StandardVersion(
            version=new.version,
            created_by=principal_id,
            note=note,
            added_elements=[element_to_dict(e) for e in elements],
        )
    )
    session.flush()
    return new


def learn_synonym(
    session: Session, element_code: str, label: str, *, principal_id: int | None, source: str
) -> None:
    exists = session.scalar(
        select(LearnedSynonym.id).where(
            LearnedSynonym.element_code == element_code, LearnedSynonym.label == label
        )
    )
    if not exists:
        session.add(
            LearnedSynonym(element_code=element_code, label=label, created_by=principal_id, source=source)
        )
        session.flush()


_BRACKETS = re.compile(r"[（(\[【<《].*?[）)\]】>》]")
_NOISE = re.compile(r"[\s*＊※:：]")


def header_key(header: str) -> str:
    """How a column header is compared with the standard's labels: width, case, spaces and stars ignored."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", str(header))).lower()


def header_index(std: schemas.Standard, entity: str) -> dict[str, str]:
    """Every label, English label, synonym, name and code of an entity's elements → element name."""
    index: dict[str, str] = {}
    for element in std.elements_for(entity):
        if element.derivation is not None:
            continue
        for label in (element.label_zh, element.label_en, element.name, element.code, *element.synonyms):
            if label:
                index.setdefault(header_key(label), element.name)
    return index


def map_headers(std: schemas.Standard, entity: str, headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Map file headers to element names; returns (header → element name, unknown headers)."""
    index = header_index(std, entity)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    taken: set[str] = set()
    for header in headers:
        key = header_key(header)
        name = index.get(key) or index.get(_BRACKETS.sub("", key))
        if name and name not in taken:
            mapping[header] = name
            taken.add(name)
        else:
            unknown.append(header)
    return mapping, unknown


@dataclasses.dataclass(frozen=True, kw_only=True)
class VersionEntry:
    """One version of the standard as the browser lists it: when, why, and which elements it added."""

    version: int
    created_at: Any
    note: str
    added: tuple[str, ...]


def version_history(session: Session) -> list[VersionEntry]:
    """The bundled version, then every version an approval added, oldest first."""
    base = schemas.load_standard()
    history = [
        VersionEntry(
            version=base.version, created_at=None, note="", added=tuple(e.code for e in base.elements)
        )
    ]
    for row in session.scalars(select(StandardVersion).order_by(StandardVersion.version)):
        history.append(
            VersionEntry(
                version=row.version,
                created_at=row.created_at,
                note=row.note,
                added=tuple(e["code"] for e in row.added_elements),
            )
        )
    return history


def search_elements(
    std: schemas.Standard,
    query: str,
    *,
    entity: str | None = None,
    learned: dict[str, list[str]] | None = None,
) -> list[schemas.Element]:
    """The elements whose label, synonyms (learned ones too), id, unit or code list mention `query`."""
    elements = catalogue(std, entity)
    words = query.strip().lower().split()
    if not words:
        return elements
    learned = learned or {}

    def haystack(e: schemas.Element) -> str:
        parts = [e.label_zh, e.label_en, e.code, e.unit or "", *e.synonyms, *learned.get(e.code, [])]
        if e.code_list:
            code_list = std.code_list(e.code_list)
            parts += [code_list.label_zh, code_list.label_en, *(c.label_zh for c in code_list.codes)]
        return " ".join(parts).lower()

    return [e for e in elements if all(w in haystack(e) for w in words)]
