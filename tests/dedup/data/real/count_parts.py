"""Counts of the real-form corpus per part: forms, checked labels and distinct issuers.

    python tests/dedup/data/real/count_parts.py

Reads the files only (`load_steps`); it never runs the matcher, so it is safe on the held-out parts.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dedup.devset import load_steps

HERE = Path(__file__).resolve().parent


def _parts() -> tuple[str, ...]:
    """The corpus's parts, as make_baseline.py (the one list of them) names them."""
    spec = importlib.util.spec_from_file_location("real_corpus_tools", HERE / "make_baseline.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.PARTS)


def main() -> int:
    for part in _parts():
        forms = [
            step
            for path in sorted((HERE / part).glob("*.yaml"))
            for step in load_steps(path)
            if step.role == "check"
        ]
        labels = sum(len(step.fields) for step in forms)
        issuers = sorted({step.issuer or "" for step in forms})
        entities = sorted({step.entity for step in forms})
        print(f"{part}: {len(forms)} forms, {labels} labels, {len(issuers)} issuers ({', '.join(entities)})")
        print(f"  issuers: {'、'.join(issuers)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
