"""The request flow of DESIGN.md clicked through in a real Chromium against a real `hub serve`.

A fresh SQLite file holds a small demo city (`hub demo --schools 6 --teachers 60`); each role signs in
with its token from demo-tokens.txt in its own browser context. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.hub.served import hub_command, serving

CHROMIUM = Path("/usr/bin/chromium")
ADMIN_TOKEN = "browser-admin-token-0123456789"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NEW_FIELD = "每周课后服务课时"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"),
]


@dataclass(frozen=True, kw_only=True)
class Hub:
    url: str
    tokens: dict[str, str]

    @property
    def school_code(self) -> str:
        """The first demo school that has a token (demo principals exist for three schools)."""
        return sorted(
            code.removeprefix("demo-school-") for code in self.tokens if code.startswith("demo-school-")
        )[0]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    workdir = tmp_path_factory.mktemp("hub-browser")
    # The checkout under test first: the venv's editable install may point at another worktree.
    checkout = str(Path(__file__).resolve().parents[3])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (checkout, os.environ.get("PYTHONPATH", "")) if p),
        "HUB_DATABASE_URL": f"sqlite:///{workdir / 'hub.db'}",
        "HUB_ADMIN_TOKEN": ADMIN_TOKEN,
        "HUB_SECRET_KEY": "browser-test-secret-key-0123456789",
        "HUB_SCHEDULER_ENABLED": "false",
    }
    subprocess.run(
        hub_command("demo", "--schools", "6", "--teachers", "60"),
        cwd=workdir, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    tokens = dict(
        line.split("\t", 1)
        for line in (workdir / "demo-tokens.txt").read_text(encoding="utf-8").splitlines()
        if line
    )
    tokens["admin"] = ADMIN_TOKEN
    with serving("--no-scheduler", cwd=workdir, env=env, start_seconds=60) as url:
        yield Hub(url=url, tokens=tokens)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in(browser: object, hub: Hub, who: str, *, width: int = 1200) -> object:
    """A page of a fresh browser context, signed in through the sign-in form with `who`'s token."""
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{hub.url}/")
    page.fill("#token", hub.tokens[who])
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def shot(page: object, artifacts_dir: Path, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(artifacts_dir / f"web-{name}.png"), full_page=full_page)  # type: ignore[attr-defined]


def test_request_flow_through_every_role(browser: object, hub: Hub, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    school = hub.school_code
    deadline = (date.today() + timedelta(days=40)).isoformat()

    # The department writes a request with one new field and sees each field's class before submitting.
    department = signed_in(browser, hub, "demo-hrss")
    expect(department).to_have_url(f"{hub.url}/requests")
    department.click("text=提出采集需求")
    department.fill("#title", "教师课后服务情况统计")
    department.fill("#purpose", "课后服务经费测算")
    department.fill("#deadline", deadline)
    department.fill("#schools", school)
    department.fill("#labels", f"姓名\n出生年月\n年龄\n{NEW_FIELD} | integer")
    department.click("#check")
    rows = department.locator("#classification table.fields tbody tr")
    # The first check builds the matcher's index for the standard: seconds, once per process.
    expect(rows).to_have_count(4, timeout=60_000)
    expect(department.locator('#classification tr[data-field="姓名"]')).to_have_attribute(
        "data-status", "available"
    )
    expect(department.locator('#classification tr[data-field="年龄"]')).to_have_attribute(
        "data-status", "derived"
    )
    expect(department.locator(f'#classification tr[data-field="{NEW_FIELD}"]')).to_have_attribute(
        "data-status", "new"
    )
    expect(department.locator("#classification")).to_contain_text("待统计局审批")
    shot(department, artifacts_dir, "01-department-check")
    department.click("#submit")
    expect(department.locator("#request-status")).to_have_attribute("data-status", "pending_approval")
    request_url = department.url.split("?")[0]
    request_id = request_url.rsplit("/", 1)[1]
    shot(department, artifacts_dir, "02-department-submitted")

    # The statistics bureau sees the new field beside the closest elements and approves it.
    statistics = signed_in(browser, hub, "demo-stats")
    expect(statistics).to_have_url(f"{hub.url}/review")
    card = statistics.locator(f"#review-{request_id}")
    expect(card.locator("table.new-fields")).to_contain_text(NEW_FIELD)
    card.locator(f"#form_number-{request_id}").fill("教统表1号")
    card.locator(f"#approval_number-{request_id}").fill("统制〔2026〕12号")
    shot(statistics, artifacts_dir, "03-statistics-review")
    card.locator("button.approve").click()
    expect(statistics.locator("#messages")).to_contain_text("已作出审批决定")

    # The education bureau sees which schools will get a task, then publishes.
    education = signed_in(browser, hub, "demo-edu")
    education.goto(request_url)
    expect(education.locator("#preview-tasks")).to_contain_text(school)
    shot(education, artifacts_dir, "04-education-preview")
    education.click("#publish-button")
    expect(education.locator("#request-status")).to_have_attribute("data-status", "published")
    expect(education.locator("#progress")).to_contain_text(school)
    shot(education, artifacts_dir, "05-education-published")

    # The school fills its task in the browser; a bad value comes back beside its field with the reason.
    teacher_school = signed_in(browser, hub, f"demo-school-{school}")
    expect(teacher_school).to_have_url(f"{hub.url}/tasks")
    teacher_school.click("text=在线填报")
    inputs = teacher_school.locator("#task-rows input[type=text]")
    count = inputs.count()
    assert count >= 2
    for index in range(count):
        inputs.nth(index).fill(str(index % 4 + 1))
    inputs.nth(0).fill("两节")
    teacher_school.click("#submit-task")
    bad = teacher_school.locator("#task-rows td.cell-bad")
    expect(bad).to_have_count(1)
    expect(bad.locator(".cell-error")).to_contain_text("整数")
    expect(bad.locator("input")).to_have_value("两节")
    shot(teacher_school, artifacts_dir, "06-school-bad-value")
    phone = signed_in(browser, hub, f"demo-school-{school}", width=375)
    task_url = teacher_school.url.removesuffix("/fill")
    phone.goto(task_url)
    expect(phone.locator("#task-rows")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, artifacts_dir, "phone-task", full_page=False)
    bad.locator("input").fill("2")
    teacher_school.click("#submit-task")
    expect(teacher_school.locator("#outcome")).to_contain_text("全部通过")
    expect(teacher_school.locator("#task-rows td.cell-bad")).to_have_count(0)
    shot(teacher_school, artifacts_dir, "07-school-fixed")

    # The school's overview and the department's answer.
    teacher_school.goto(f"{hub.url}/school")
    expect(teacher_school.locator("#concerned")).to_contain_text("教师课后服务情况统计")
    expect(teacher_school.locator("#usage")).to_contain_text("本校账号")
    shot(teacher_school, artifacts_dir, "08-school-overview")
    department.goto(request_url)
    expect(department.locator("#request-status")).to_have_attribute("data-status", "answered")
    department.click("#read-data")
    table = department.locator("#data")
    expect(table.locator("thead")).to_contain_text(NEW_FIELD)
    expect(table.locator("tbody tr").first).to_contain_text(school)
    assert table.locator("tbody tr").count() == count
    shot(department, artifacts_dir, "09-department-data")
    csv = department.request.get(f"{request_url}/data.csv")
    assert csv.ok and NEW_FIELD in csv.text()

    # Who read the school's data shows the department's read.
    teacher_school.goto(f"{hub.url}/school")
    expect(teacher_school.locator("#usage")).to_contain_text("市人力资源和社会保障局")

    # The education bureau's dashboard and audit log.
    education.goto(f"{hub.url}/burden")
    expect(education.locator("svg.chart").first).to_be_visible()
    shot(education, artifacts_dir, "10-education-burden")
    education.click("header >> text=English")
    expect(education.locator("h1")).to_contain_text("Burden dashboard")
    shot(education, artifacts_dir, "10-education-burden-en")
    education.goto(f"{hub.url}/requests")  # the choice is remembered
    expect(education.locator("h1")).to_contain_text("Data requests")
    education.click("header >> text=中文")
    education.goto(f"{hub.url}/audit")
    expect(education.locator("#verify-result")).to_have_attribute("data-ok", "true")
    shot(education, artifacts_dir, "11-education-audit")

    # 卫健委's 体检 list asks only gathered data but holds no agreement: the bureau releases it.
    education.goto(f"{hub.url}/releases")
    expect(education.locator("#release-form")).to_contain_text("2026年度教职工健康体检安排名单")
    expect(education.locator("#release-form")).to_contain_text("有条件共享")
    shot(education, artifacts_dir, "12-education-releases")
    education.click("#release-form button[type=submit]")
    expect(education.locator("#no-releases")).to_be_visible()
    expect(education.locator("body")).to_contain_text("已同意提供")


def test_admin_opens_an_account_and_the_token_works(browser: object, hub: Hub, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    admin = signed_in(browser, hub, "admin")
    expect(admin).to_have_url(f"{hub.url}/principals")
    admin.select_option("#kind", "department")
    admin.fill("#name", "市医疗保障局")
    admin.fill("#code", "medical-insurance")
    admin.click("text=创建并生成令牌")
    token = admin.locator("[data-token]").inner_text().strip()
    assert len(token) > 20
    shot(admin, artifacts_dir, "12-admin-token")
    newcomer = signed_in(browser, Hub(url=hub.url, tokens={"new": token}), "new")
    expect(newcomer).to_have_url(f"{hub.url}/requests")
    expect(newcomer.locator("header")).to_contain_text("市医疗保障局")


def test_the_bureau_sees_who_is_away_and_the_overrun_in_red(
    browser: object, hub: Hub, artifacts_dir: Path
) -> None:
    from playwright.sync_api import expect

    bureau = signed_in(browser, hub, "demo-edu")
    bureau.goto(f"{hub.url}/away")  # type: ignore[attr-defined]
    rows = bureau.locator("#away-table tbody tr")  # type: ignore[attr-defined]
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("超期 14 天")
    expect(rows.nth(0)).to_contain_text("抽调")
    expect(rows.nth(1)).to_contain_text("期限内")
    expect(bureau.locator("#away-now")).to_contain_text("在外教师 3 人")  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "13-register-away")


def test_pages_fit_a_375_pixel_phone(browser: object, hub: Hub, artifacts_dir: Path) -> None:
    school = hub.school_code
    pages = {
        f"demo-school-{school}": ["/tasks", "/school", "/complaints/new", "/selfcheck"],
        "demo-hrss": ["/requests", "/requests/new"],
        "demo-stats": ["/review"],
        "demo-edu": ["/requests", "/burden", "/audit", "/grants", "/complaints"],
    }
    for who, paths in pages.items():
        page = signed_in(browser, hub, who, width=375)
        for path in paths:
            page.goto(f"{hub.url}{path}")
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{path} as {who} is {width} px wide"
        name = who.removeprefix("demo-").split("-")[0]
        shot(page, artifacts_dir, f"phone-{name}", full_page=False)
    # A department checks a form's fields on its phone: the classification stacks into cards.
    page = signed_in(browser, hub, "demo-hrss", width=375)
    page.goto(f"{hub.url}/requests/new")
    page.fill("#title", "手机上的检查")
    page.fill("#purpose", "手机上的检查")
    page.fill("#labels", "姓名\n身份证号码（18位）\n配偶姓名\n教龄")
    page.click("#check")
    page.locator("#classification table.fields tbody tr").first.wait_for(timeout=60_000)
    page.locator("#classification").scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, artifacts_dir, "phone-check", full_page=False)


def test_a_school_looks_up_an_element_in_the_standard(browser: object, hub: Hub, artifacts_dir: Path) -> None:
    from playwright.sync_api import expect

    school = signed_in(browser, hub, f"demo-school-{hub.school_code}")
    school.click("nav >> text=数据标准")  # type: ignore[attr-defined]
    school.fill("#s-q", "职称")  # type: ignore[attr-defined]
    school.click("#standard-search button[type=submit]")  # type: ignore[attr-defined]
    rows = school.locator("#standard-elements tbody tr")  # type: ignore[attr-defined]
    expect(rows.first).to_be_visible()
    expect(rows.first.locator("td").first).to_contain_text("职称")
    expect(school.locator("details.code-list").first).to_contain_text("高级教师")  # type: ignore[attr-defined]
    expect(school.locator("#standard-versions")).to_contain_text("第 1 版")  # type: ignore[attr-defined]
    shot(school, artifacts_dir, "14-school-standard")


def test_the_statistics_bureau_decides_ticked_requests_and_a_duplicate_sees_its_original(
    browser: object, hub: Hub, artifacts_dir: Path
) -> None:
    from playwright.sync_api import expect

    statistics = signed_in(browser, hub, "demo-stats")
    expect(statistics).to_have_url(f"{hub.url}/review")  # type: ignore[attr-defined]
    count = statistics.locator("#review-count")  # type: ignore[attr-defined]
    waiting = int(count.get_attribute("data-count"))
    assert waiting >= 1
    card = statistics.locator("div.card[data-request]").first  # type: ignore[attr-defined]
    expect(card.locator("p.impact")).to_contain_text("所学校发放任务")
    statistics.select_option("#sort", "schools")  # type: ignore[attr-defined]
    statistics.click("#review-sort button")  # type: ignore[attr-defined]
    statistics.wait_for_url("**/review?sort=schools")  # type: ignore[attr-defined]
    for box in statistics.locator("input[form=bulk-form]").all():  # type: ignore[attr-defined]
        box.check()
    statistics.fill("#bulk-approval_number", "统制〔2026〕41号")  # type: ignore[attr-defined]
    shot(statistics, artifacts_dir, "15-statistics-bulk-review")
    statistics.click("#bulk-submit")  # type: ignore[attr-defined]
    expect(statistics.locator("#messages")).to_contain_text("已批准勾选的采集需求")  # type: ignore[attr-defined]
    expect(statistics.locator("body")).to_contain_text("没有等待审批的采集需求")  # type: ignore[attr-defined]

    red_cross = signed_in(browser, hub, "demo-redcross")
    red_cross.locator("a[href^='/requests/']").filter(has_text="红十字救护员").first.click()  # type: ignore[attr-defined]
    red_cross.click("#original-link")  # type: ignore[attr-defined]
    expect(red_cross.locator("#original")).to_contain_text("市卫生健康委员会")  # type: ignore[attr-defined]
    expect(red_cross.locator("#original-full")).to_have_count(0)  # type: ignore[attr-defined]
    shot(red_cross, artifacts_dir, "16-department-duplicate-original")


def test_a_refused_department_sees_why_on_signing_in_and_the_bureau_sets_up_a_source(
    browser: object, hub: Hub, artifacts_dir: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    # 文明办's 创城 survey was rejected by the statistics bureau while the demo played.
    civility = signed_in(browser, hub, "demo-civility")
    expect(civility.locator("#notices")).to_contain_text("未获同意")  # type: ignore[attr-defined]
    shot(civility, artifacts_dir, "17-department-notice")
    civility.click("#notices-read")  # type: ignore[attr-defined]
    expect(civility.locator("#notices")).to_have_count(0)  # type: ignore[attr-defined]
    civility.click("nav >> text=结果通知")  # type: ignore[attr-defined]
    civility.fill("#w-url", "https://civility.example.org/hooks/yici")  # type: ignore[attr-defined]
    civility.click("#webhook-form button[type=submit]")  # type: ignore[attr-defined]
    expect(civility.locator("#webhook-secret code")).not_to_be_empty()  # type: ignore[attr-defined]
    shot(civility, artifacts_dir, "18-department-webhook")

    bureau = signed_in(browser, hub, "demo-edu")
    bureau.goto(f"{hub.url}/sources")  # type: ignore[attr-defined]
    bureau.click("#new-source")  # type: ignore[attr-defined]
    bureau.fill("#s-name", "hr-drops")  # type: ignore[attr-defined]
    bureau.fill("#s-description", "人事处每晚导出的教师名单")  # type: ignore[attr-defined]
    bureau.fill("#folder_path", str(tmp_path))  # type: ignore[attr-defined]
    bureau.fill("#folder_pattern", "*.csv")  # type: ignore[attr-defined]
    bureau.fill("#s-mapping", "sfzh = 公民身份号码\nxm = 姓名")  # type: ignore[attr-defined]
    bureau.fill("#s-cron", "30 2 * * *")  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "19-education-source-form")
    bureau.click("#source-save")  # type: ignore[attr-defined]
    row = bureau.locator('tr[data-source="hr-drops"]')  # type: ignore[attr-defined]
    expect(row).to_contain_text("文件夹")
    row.locator("text=停用").click()
    expect(bureau.locator('tr[data-source="hr-drops"]')).to_contain_text("已停用")  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "20-education-sources")


def test_the_office_sees_the_list_the_bureau_the_whitelist_and_the_counts(
    browser: object, hub: Hub, artifacts_dir: Path
) -> None:
    from playwright.sync_api import expect

    office = signed_in(browser, hub, "demo-office")
    office.goto(f"{hub.url}/list")  # type: ignore[attr-defined]
    expect(office.locator("#list-table tbody tr")).to_have_count(1)  # type: ignore[attr-defined]
    expect(office.locator("#list-table")).to_contain_text("会同 市卫生健康委员会")  # type: ignore[attr-defined]
    expect(office.locator("#proposed")).to_contain_text("待党委办公室审核的申报（1）")  # type: ignore[attr-defined]
    shot(office, artifacts_dir, "21-register-list")

    bureau = signed_in(browser, hub, "demo-edu")
    bureau.goto(f"{hub.url}/whitelist")  # type: ignore[attr-defined]
    expect(bureau.locator("#whitelist-table tbody tr")).to_have_count(5)  # type: ignore[attr-defined]
    expect(bureau.locator("#school-table")).to_be_visible()  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "22-register-whitelist")
    bureau.goto(f"{hub.url}/counts")  # type: ignore[attr-defined]
    expect(bureau.locator("#level-table")).to_contain_text("合计")  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "23-register-counts")


def test_the_bureau_chooses_the_period_of_an_import_and_sees_it_before_confirming(
    browser: object, hub: Hub, artifacts_dir: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    year = date.today().year
    upload = tmp_path / "学时.csv"
    upload.write_text(
        f"公民身份号码,继续教育学时,{year - 2}年继续教育学时\n110101198001010011,40,36\n", "utf-8-sig"
    )
    bureau = signed_in(browser, hub, "demo-edu")
    bureau.goto(f"{hub.url}/imports")  # type: ignore[attr-defined]
    expect(bureau.locator("#import-defaults")).to_contain_text(f"本年度继续教育学时 {year}年")  # type: ignore[attr-defined]
    bureau.fill("#period", f"{year - 1}年")  # type: ignore[attr-defined]
    bureau.set_input_files("#file", str(upload))  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "24-import-period")
    bureau.click("#import-preview")  # type: ignore[attr-defined]
    # A header naming another year than the one chosen is refused before anything is written.
    expect(bureau.locator("#import-failure")).to_contain_text(f"{year - 2}年继续教育学时")  # type: ignore[attr-defined]
    upload.write_text("公民身份号码,继续教育学时\n110101198001010011,40\n", "utf-8-sig")
    bureau.fill("#period", f"{year - 1}年")  # type: ignore[attr-defined]
    bureau.set_input_files("#file", str(upload))  # type: ignore[attr-defined]
    bureau.click("#import-preview")  # type: ignore[attr-defined]
    expect(bureau.locator("#import-periodic")).to_contain_text(f"{year - 1}年")  # type: ignore[attr-defined]
    expect(bureau.locator("#import-chosen")).to_contain_text(f"所选期间：{year - 1}年")  # type: ignore[attr-defined]
    shot(bureau, artifacts_dir, "25-import-preview")
    bureau.click("#import-apply")  # type: ignore[attr-defined]
    expect(bureau.locator("#import-result")).to_contain_text("拒绝 1 行")  # type: ignore[attr-defined]
