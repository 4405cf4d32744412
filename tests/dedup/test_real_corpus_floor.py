"""The matcher replayed on the real-form corpus must not fall below its measured figures.

Floors are the figures measured on 2026-12-03. The held-out part's first run (F1 0.795, P 0.933) was
its only unseen one: its mistakes were then read (tests/dedup/data/real/README.md) and it became
development data like dev/; its floors are now what the matcher reaches on it. holdout2/ (41 new forms)
had its one first run on main at de0c010 (16:25 UTC): F1 0.816, P 0.727, R 0.930 (tp 80, fp 30, fn 6,
tn 564), derived 1/3, false derived 0; only those totals were read. Its floors are those figures until
someone reads its mistakes, after which it is development data too. holdout3/ (23 new forms) had its one
first run on main at d1f5201: F1 0.818, P 0.795, R 0.842 (tp 128, fp 33, fn 24, tn 255), derived 2/3,
false derived 0; only those totals were read, and they are its floors. holdout4/ (9 new forms, landed at e276347
before the matcher ran on it) had its one first run there: F1 0.940, P 0.965, R 0.917 (tp 55, fp 2, fn 5, tn 93),
derived 2/2, false derived 0, the same through the library and through REST; its floors are those figures less a
small margin. holdout5/ (8 new forms, landed at 8b52b76 before the matcher ran on it) had its one first run there:
F1 0.894, P 0.881, R 0.908 (tp 59 fp 8 fn 6 tn 84), derived 2/2, false derived 0, the same through the library and
through REST; its floors are those figures less a small margin. The development parts' floors were
raised by the every-word-explained rules (dedup/doubts.py): dev F1 0.867 P 0.916, holdout F1 0.947 P 0.960; then by
the compound-role, party and count rules (tuned on dev … holdout4 only, after holdout5 had its first run): dev F1
0.870 P 0.923, holdout2 F1 0.838 P 0.762, holdout3 F1 0.895 P 0.955; then by the form-context rules (a named mobile,
a bare account beside a bank, a list keyed by a thing): dev F1 0.874 P 0.931, holdout F1 0.950 P 0.966, holdout2
F1 0.884 P 0.842, holdout4 F1 0.948 P 0.982; then by reading a school under an education heading as the one
attended, membership words as a part of the people counted and a department as no employer: holdout2 F1 0.904
P 0.879; then by a kindergarten's 园 words and units after a space: dev F1 0.891 P 0.933, holdout F1 0.958 P 0.966.
holdout6/ (8 new forms, landed at f5558db before the matcher ran on it)
had its one first run there: F1 0.822, P 0.857, R 0.789 (tp 30 fp 5 fn 8 tn 119), derived 3/3, false derived 0, the same
through the library and through REST; it is the frozen held-out part now, guarded at those figures less a small margin,
and never tuned on (holdout … holdout5 are development data).
Then, tuned on dev … holdout5 only (holdout6 never read), by the form-context rules of dedup/forms.py (a
canteen's own 名称/负责人, a sub-item in its parent's 万元, the phone under another address, the filler's phone) and
categories in general without options: dev F1 0.896 P 0.944, holdout F1 0.966 P 0.983, holdout2 F1 0.929 P 0.940,
holdout3 F1 0.901 P 0.970, holdout4 F1 0.957 P 1.000; then a heading naming births or adoptions (生育信息) as the
children's: holdout5 F1 0.922 P 0.937.
holdout7/ (10 new forms, landed at 62e109f before the matcher ran on it) had its one first run there: F1 0.951,
P 0.935, R 0.967 (tp 29 fp 2 fn 1 tn 124), derived 1/1 with one false derived, the same through the library and through
REST; it is the frozen held-out part now, guarded at those figures less a small margin, and never tuned on.
Raise floors; never lower them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.devset import score_devset
from schemas import Standard, load_standard

REAL = Path(__file__).parent / "data" / "real"

# part: (F1, precision) floors, the most false "derived" answers allowed, and the derived recall floor
FLOORS = {
    "dev": (0.895, 0.94, 0, 0.79),
    "holdout": (0.965, 0.98, 0, 0.9),
    "holdout2": (0.925, 0.935, 0, 0.0),
    "holdout3": (0.90, 0.965, 0, 0.66),
    "holdout4": (0.955, 0.99, 0, 0.9),
    "holdout5": (0.915, 0.93, 0, 0.9),
    "holdout6": (0.81, 0.84, 0, 0.9),
    "holdout7": (0.94, 0.92, 1, 0.9),
}


@pytest.fixture(scope="module")
def standard() -> Standard:
    return load_standard()


@pytest.mark.parametrize("part", list(FLOORS))
def test_real_forms_score_at_least_their_floor(standard: Standard, part: str) -> None:
    tp = fp = fn = derived_false = derived_tp = derived_fn = 0
    for path in sorted((REAL / part).glob("*.yaml")):
        score = score_devset(path, standard)
        tp, fp, fn = tp + score.tp, fp + score.fp, fn + score.fn
        derived_false += score.derived_false
        derived_tp, derived_fn = derived_tp + score.derived_tp, derived_fn + score.derived_fn
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    floor_f1, floor_precision, most_false_derived, floor_derived = FLOORS[part]
    assert f1 >= floor_f1, f"{part}: F1 {f1:.3f} below {floor_f1}"
    assert precision >= floor_precision, f"{part}: precision {precision:.3f} below {floor_precision}"
    assert derived_false <= most_false_derived
    assert derived_tp / (derived_tp + derived_fn) >= floor_derived
