"""The register's issue 19 walk in a real Chromium against a real `hub serve` of the demo city: a department
registers an inspection under the year's list (one off the list is refused naming seed item 1), the Party
committee office approves the rest of the list in one act, anyone files a 举报 without signing in and
follows it by its code, a school submits its 自查表, and the bureau reads the counts with their charts and
the 自查表 summary. Screenshots: test-artifacts/."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hub.demo.story import LIST_SAFETY, LIST_WAITING, term_end_window
from hub.kit.terms import term_of
from tests.hub.web.test_browser import CHROMIUM, Hub, browser, hub, pytestmark, shot, signed_in

__all__ = ["CHROMIUM", "browser", "hub", "pytestmark"]  # the fixtures and marks this module runs with


def test_an_inspection_the_list_a_public_report_and_the_counts_walked_through(
    browser: object, hub: Hub, artifacts_dir: Path
) -> None:
    from playwright.sync_api import expect

    school = hub.school_code
    starts, ends = term_end_window(date.today())
    starts = max(starts, date.today())

    # 卫健委, whose safety check was merged into 教育局's, registers an inspection under the approved item.
    health = signed_in(browser, hub, "demo-health")
    health.goto(f"{hub.url}/list")  # type: ignore[attr-defined]
    form = health.locator("#inspection-form")  # type: ignore[attr-defined]
    expect(form).to_be_visible()
    form.locator("#i-item").select_option("")  # "not on the list"
    form.locator("#i-title").fill("临时食品安全大检查")
    form.locator("#i-schools").fill(school)
    form.locator("#i-from").fill(starts.isoformat())
    form.locator("#i-to").fill(ends.isoformat())
    form.locator("#hold-inspection").click()
    error = health.locator("#list-error")  # type: ignore[attr-defined]
    expect(error).to_contain_text("未纳入清单的督查检查评比考核事项不得进入校园")
    expect(error).to_contain_text("第 1 条")
    shot(health, artifacts_dir, "24-register-inspection-refused")
    form = health.locator("#inspection-form")  # type: ignore[attr-defined]
    form.locator("#i-item").select_option(_item_id(health, LIST_SAFETY))
    form.locator("#i-title").fill("")
    form.locator("#hold-inspection").click()
    expect(health.locator("#messages")).to_contain_text("已登记进校实施的督查检查")  # type: ignore[attr-defined]
    expect(health.locator("#inspection-table")).to_contain_text("市卫生健康委员会")  # type: ignore[attr-defined]
    shot(health, artifacts_dir, "25-register-inspection-held")

    # The office approves what is still waiting, the whole list in one act.
    office = signed_in(browser, hub, "demo-office")
    office.goto(f"{hub.url}/list")  # type: ignore[attr-defined]
    approval = office.locator("#approve-list-form")  # type: ignore[attr-defined]
    expect(approval).to_contain_text(LIST_WAITING)
    approval.locator("#approve-note").fill("经市委常委会审议通过")
    shot(office, artifacts_dir, "26-register-list-approval")
    approval.locator("#approve-list").click()
    expect(office.locator("#messages")).to_contain_text("年度清单已批准")  # type: ignore[attr-defined]
    expect(office.locator("#list-table tbody tr")).to_have_count(2)  # type: ignore[attr-defined]
    expect(office.locator("#list-table")).to_contain_text(LIST_WAITING)  # type: ignore[attr-defined]
    shot(office, artifacts_dir, "27-register-list-approved")

    # Anyone files a 举报 without signing in and follows it by its code.
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    public = context.new_page()
    public.goto(f"{hub.url}/report")
    public.fill("#r-text", "学校要求教师每天在工作群上传值班截图")
    public.fill("#r-code", school)
    public.fill("#r-contact", "家长 138")
    public.check("input[name=to][value=discipline]")
    shot(public, artifacts_dir, "28-public-report-form")
    public.click("#report-form button[type=submit]")
    code = public.locator("#tracking-code").inner_text()
    assert code.startswith("JB-")
    expect(public.locator("#report-state")).not_to_contain_text("家长 138")
    public.goto(f"{hub.url}/report/follow")
    public.fill("#f-code", code.lower())
    public.locator("#f-code").press("Enter")
    expect(public.locator("#tracking-code")).to_have_text(code)
    expect(public.locator("#report-state")).to_contain_text("纪检监察部门办理")
    shot(public, artifacts_dir, "29-public-report-followed")

    # The school answers the items its records leave open and submits last term's 自查表 (always open).
    last = term_of(date.today()).previous().label
    own = signed_in(browser, hub, f"demo-school-{school}")
    own.goto(f"{hub.url}/selfcheck?term={last}")  # type: ignore[attr-defined]
    answers = own.locator("fieldset.answer")  # type: ignore[attr-defined]
    assert answers.count() > 0
    for n in range(answers.count()):
        answers.nth(n).locator("input[value=compliant]").check()
    shot(own, artifacts_dir, "32-school-selfcheck-answers")
    own.locator("#submit-selfcheck").click()  # type: ignore[attr-defined]
    expect(own.locator("#messages")).to_contain_text("自查表已提交")  # type: ignore[attr-defined]
    expect(own.locator("#submitted")).to_be_visible()  # type: ignore[attr-defined]

    # The bureau reads the counts: divisions by name, one chart per measure, the export beside them.
    bureau = signed_in(browser, hub, "demo-edu")
    bureau.goto(f"{hub.url}/counts")  # type: ignore[attr-defined]
    expect(bureau.locator("#counts-charts figure[data-measure]")).to_have_count(8)  # type: ignore[attr-defined]
    expect(bureau.locator("#counts-charts")).to_contain_text("各用自己的比例尺")  # type: ignore[attr-defined]
    expect(bureau.locator("#level-table")).to_contain_text("合计")  # type: ignore[attr-defined]
    expect(bureau.locator("#counts-xlsx")).to_be_visible()  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "30-register-counts-charts")
    bureau.goto(f"{hub.url}/burden")  # type: ignore[attr-defined]
    expect(bureau.locator("svg.chart.panel")).to_have_count(5)  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "31-education-burden-multiples")
    bureau.goto(f"{hub.url}/selfcheck?term={last}")  # type: ignore[attr-defined]
    expect(bureau.locator('#selfcheck-rollup tr[data-level="total"] td[data-submitted]')).to_have_text("1")  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "33-education-selfcheck-summary")


def _item_id(page: object, title: str) -> str:
    """The number of the listed item titled so, from the published list's table."""
    row = page.locator("#list-table tbody tr", has_text=title).first  # type: ignore[attr-defined]
    return str(row.get_attribute("data-item"))
