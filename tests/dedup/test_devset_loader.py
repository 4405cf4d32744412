"""Reading a development-set file: the descriptive keys a real form carries are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup import DevsetFormatError
from dedup.devset import load_steps


def test_source_and_issuer_are_kept(tmp_path: Path) -> None:
    devset = tmp_path / "forms.yaml"
    devset.write_text(
        "steps:\n"
        "  - {id: base, role: collected, entity: teacher, fields: [[姓名, teacher.name]]}\n"
        "  - id: A-form\n"
        "    role: check\n"
        "    entity: teacher\n"
        "    issuer: 人社局\n"
        "    department: 某市人力资源和社会保障局\n"
        "    title: 事业单位公开招聘工作人员考察表\n"
        "    source: https://example.org/form.html\n"
        "    fields: [[姓名, teacher.name]]\n",
        encoding="utf-8",
    )
    base, form = load_steps(devset)
    assert (form.source, form.issuer) == ("https://example.org/form.html", "人社局")
    assert (form.department, form.title) == ("某市人力资源和社会保障局", "事业单位公开招聘工作人员考察表")
    assert (base.source, base.issuer, base.title) == (None, None, None)


@pytest.mark.parametrize("value", ["''", "[a, b]", "12"])
def test_a_source_that_is_not_text_is_refused(tmp_path: Path, value: str) -> None:
    devset = tmp_path / "forms.yaml"
    devset.write_text(
        f"steps:\n  - {{id: A-x, role: check, entity: teacher, source: {value}, fields: []}}\n",
        encoding="utf-8",
    )
    with pytest.raises(DevsetFormatError) as caught:
        load_steps(devset)
    assert "source" in caught.value.reason_en and "source" in caught.value.reason_zh


def test_a_directory_is_scored_per_file_and_in_total(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from dedup.devset import main

    one = (
        "steps:\n"
        "  - {id: C, role: collected, entity: teacher, fields: [[姓名, T.name], [民族, T.ethnicity]]}\n"
        "  - {id: K, role: check, entity: teacher, fields: [[姓  名, T.name], [配偶姓名, N.spouse]]}\n"
    )
    two = (
        "steps:\n"
        "  - {id: C, role: collected, entity: teacher, fields: [[出生日期, T.birth]]}\n"
        "  - {id: K, role: check, entity: teacher, fields: [[出生年月, T.birth], [年龄, 'D:T.birth']]}\n"
    )
    (tmp_path / "a.yaml").write_text(one, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(two, encoding="utf-8")
    (tmp_path / "held").mkdir()
    (tmp_path / "held" / "c.yaml").write_text("not: a dev set\n", encoding="utf-8")  # never read
    assert main([str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("a.yaml: dedup: F1 1.000") and lines[1].startswith("b.yaml: dedup: F1 1.000")
    assert lines[-1].startswith(
        "dedup: F1 1.000 P 1.000 R 1.000 (tp 2 fp 0 fn 0 tn 1); derived recall 1.00 (1/1)"
    )
