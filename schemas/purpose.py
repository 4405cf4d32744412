"""The purpose screen: which forbidden topics (seed rules 4, 5, 7, 9, 11, 13) a request's texts touch.

The topics are data (``data/purpose_screen.yaml``), reviewed like the standard; this module only reads
them and screens texts. It is pure: no database, no web.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from schemas.errors import StandardFileError
from schemas.model import normalize_term

SCREEN_FILE = Path(__file__).parent / "data" / "purpose_screen.yaml"
_TOPIC_KEYS = {"rule", "label_zh", "label_en", "reason_zh", "reason_en", "terms", "unless"}


@dataclass(frozen=True, kw_only=True)
class Topic:
    """A forbidden topic: the seed rule behind it, its terms, and lawful phrases that contain them."""

    name: str
    rule: int
    label_zh: str
    label_en: str
    reason_zh: str
    reason_en: str
    terms: tuple[str, ...]
    unless: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ScreenHit:
    """One topic a request touches, with the terms found and where (title, purpose or a field label)."""

    topic: Topic
    terms: tuple[str, ...]
    where: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class PurposeScreen:
    """The reviewed list of topics; `screen` finds those a request's texts touch."""

    topics: tuple[Topic, ...]

    def screen(self, texts: Iterable[tuple[str, str]]) -> tuple[ScreenHit, ...]:
        """Screen (where, text) pairs such as ("purpose", "向教师推介商业保险产品"); hits in topic order."""
        folded = [(where, normalize_term(text)) for where, text in texts if text]
        hits = []
        for topic in self.topics:
            terms: dict[str, None] = {}
            places: dict[str, None] = {}
            for where, text in folded:
                for lawful in topic.unless:
                    text = text.replace(normalize_term(lawful), "\u3000")
                for term in topic.terms:
                    if normalize_term(term) in text:
                        terms[term] = None
                        places[where] = None
            if terms:
                hits.append(ScreenHit(topic=topic, terms=tuple(terms), where=tuple(places)))
        return tuple(hits)


def _strings(value: Any, *, key: str, topic: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise StandardFileError(
            path=SCREEN_FILE,
            element=topic,
            reason_zh=f"{key} 应为非空字符串列表",
            reason_en=f"{key} must be a list of non-empty strings",
        )
    return tuple(v.strip() for v in value)


def parse_screen(data: Any, *, path: Path = SCREEN_FILE) -> PurposeScreen:
    """Build the screen from the YAML structure (``topics: {name: {rule, label_zh, ..., terms}}``)."""

    def fail(topic: str, zh: str, en: str) -> StandardFileError:
        return StandardFileError(path=path, element=topic, reason_zh=zh, reason_en=en)

    topics_data = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics_data, dict) or not topics_data:
        raise fail("-", "缺少 topics 映射", "the file has no 'topics' mapping")
    topics = []
    for name, spec in topics_data.items():
        if not isinstance(spec, dict):
            raise fail(str(name), "应为键值映射", "expected a mapping")
        unknown = sorted(str(k) for k in spec if k not in _TOPIC_KEYS)
        if unknown:
            raise fail(str(name), f"未知的键 {unknown}", f"unknown keys {unknown}")
        rule = spec.get("rule")
        if isinstance(rule, bool) or not isinstance(rule, int) or not 1 <= rule <= 20:
            raise fail(
                str(name), "rule 应为减负清单的条款号（1–20）", "rule must be a seed item number (1-20)"
            )
        texts = {k: spec.get(k) for k in ("label_zh", "label_en", "reason_zh", "reason_en")}
        missing = [k for k, v in texts.items() if not isinstance(v, str) or not v.strip()]
        if missing:
            raise fail(str(name), f"缺少 {missing}", f"missing {missing}")
        terms = _strings(spec.get("terms"), key="terms", topic=str(name))
        if not terms:
            raise fail(str(name), "terms 不能为空", "terms must not be empty")
        topics.append(
            Topic(
                name=str(name),
                rule=rule,
                label_zh=str(texts["label_zh"]),
                label_en=str(texts["label_en"]),
                reason_zh=str(texts["reason_zh"]),
                reason_en=str(texts["reason_en"]),
                terms=terms,
                unless=_strings(spec.get("unless"), key="unless", topic=str(name)),
            )
        )
    return PurposeScreen(topics=tuple(topics))


@functools.lru_cache(maxsize=4)
def load_purpose_screen(path: Path = SCREEN_FILE) -> PurposeScreen:
    """The bundled purpose screen (or the one at `path`), read once."""
    try:
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise StandardFileError(
            path=path, element="-", reason_zh=f"YAML 格式错误：{exc}", reason_en=f"invalid YAML: {exc}"
        ) from None
    return parse_screen(data, path=path)


def screen_request(
    title: str, purpose: str, labels: Sequence[str] = (), *, screen: PurposeScreen | None = None
) -> tuple[ScreenHit, ...]:
    """The forbidden topics a request's title, purpose and field labels touch."""
    texts = [("title", title), ("purpose", purpose), *((f"field:{label}", label) for label in labels)]
    return (screen or load_purpose_screen()).screen(texts)
