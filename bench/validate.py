"""Validate 1M synthetic teacher rows x 12 columns through the standard's pandera schema; print rows/s.

Usage: python bench/validate.py [--rows N] [--bad-rate 0.01] [--seed 7]
Prints wall-clock and CPU seconds: on a shared machine the CPU figure is what the code costs, the wall
figure what this run waited. About `bad_rate` of the rows carry one broken cell (wrong ID check digit, impossible date, unknown code,
bad mobile, birth date that disagrees with the ID, ...). Labels are mixed with codes, as forms write them.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import schemas
from schemas.frames import validate_frame
from schemas.validators import school_code_check_digit

COUNTIES = np.array([110105, 310104, 410105, 410102, 440106, 510107, 330106, 320102, 420106, 130102])


def _id_numbers(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n distinct ID numbers (real people never share one) and the birth dates inside them."""
    span = (np.datetime64("2001-12-31") - np.datetime64("1962-01-01")).astype(np.int64)
    total = len(COUNTIES) * span * 1000
    # Stepping by a prime that does not divide `total` visits distinct (county, day, sequence) triples.
    combo = (rng.permutation(n).astype(np.int64) * 7919 + int(rng.integers(0, total))) % total
    county = COUNTIES[combo // (span * 1000)]
    day = (combo // 1000) % span
    born = np.datetime64("1962-01-01") + day.astype("timedelta64[D]")
    ymd = pd.DatetimeIndex(born).strftime("%Y%m%d").astype(np.int64).to_numpy()
    first17 = county * 10**11 + ymd * 1000 + combo % 1000
    text = first17.astype("U17")
    digits = text.view("U1").reshape(n, 17).astype(np.int64)
    weights = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
    check = np.array(list("10X98765432"))[(digits @ weights) % 11]
    return np.char.add(text, check), born


def make_rows(n: int, bad_rate: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids, born = _id_numbers(rng, n)
    first9 = [
        f"{level}{rest:08d}"
        for level, rest in zip(rng.choice([1, 2, 3], 300), rng.integers(0, 10**8, 300), strict=True)
    ]
    schools = np.array([p + school_code_check_digit(p) for p in first9])
    start_year = born.astype("datetime64[Y]").astype(np.int64) + 1970 + rng.integers(20, 26, n)
    start_month = rng.integers(1, 13, n)
    columns = {
        "id_number": ids,
        "school_code": rng.choice(schools, n),
        "name": rng.choice(np.array(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]), n),
        "gender": rng.choice(np.array(["男", "女", "1", "2"]), n),
        "birth_date": pd.DatetimeIndex(born).strftime("%Y-%m-%d").to_numpy(),
        "ethnicity": rng.choice(
            np.array(["汉族", "01", "回族", "03", "壮族", "满族"]), n, p=[0.5, 0.3, 0.05, 0.05, 0.05, 0.05]
        ),
        "political_status": rng.choice(np.array(["中共党员", "群众", "01", "13", "共青团员"]), n),
        "education_level": rng.choice(np.array(["本科", "21", "硕士研究生毕业", "大专"]), n),
        "title": rng.choice(np.array(["一级教师", "高级教师", "2", "3", "二级教师", "小学高级"]), n),
        "mobile": np.char.add("1", rng.integers(3000000000, 9999999999, n).astype("U10")),
        "work_start_date": np.char.add(
            np.char.add(start_year.astype("U4"), "-"), np.char.zfill(start_month.astype("U2"), 2)
        ),
        "is_head_teacher": rng.choice(np.array(["是", "否"]), n),
    }
    columns = {name: values.astype(object) for name, values in columns.items()}
    bad = np.flatnonzero(rng.random(n) < bad_rate)
    kinds = rng.integers(0, 6, len(bad))
    ids_bad = bad[kinds == 0]
    # A wrong check character: shift the correct one to the next symbol.
    columns["id_number"][ids_bad] = [
        v[:17] + "10X98765432"[("10X98765432".index(v[17]) + 1) % 11] for v in columns["id_number"][ids_bad]
    ]
    columns["birth_date"][bad[kinds == 1]] = "1999-02-30"  # no such day
    columns["gender"][bad[kinds == 2]] = "男女"  # not in the code list
    columns["mobile"][bad[kinds == 3]] = "1234567"
    columns["birth_date"][bad[kinds == 4]] = "1960-01-01"  # disagrees with the ID number
    columns["title"][bad[kinds == 5]] = "教授"  # a university title, not in the school teacher list
    return pd.DataFrame(columns).astype("str")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bad-rate", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    std = schemas.load_standard()
    started = time.perf_counter()
    frame = make_rows(args.rows, args.bad_rate, args.seed)
    generated = time.perf_counter() - started

    started, cpu_started = time.perf_counter(), time.process_time()
    report = validate_frame(std, "teacher", frame)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    print(f"generated {len(frame):,} rows x {frame.shape[1]} columns in {generated:.2f} s")
    print(
        f"validate_frame: {seconds:.2f} s wall ({cpu:.2f} s CPU), {len(frame) / seconds:,.0f} rows/s; "
        f"{len(report.valid):,} valid rows, {len(report.rejected_rows):,} rejected, {len(report.failures):,} failures"
    )
    for failure in report.failures[:3]:
        print(
            f"  row {failure.row} {failure.field}={failure.value!r}: {failure.reason_zh} / {failure.reason_en}"
        )


if __name__ == "__main__":
    main()
