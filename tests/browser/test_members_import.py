"""Roster import in real Chromium: upload, the progress bar runs to the end, errors or confirm."""

import pytest
from openpyxl import Workbook

from core.scoping import Role
from members import imports
from members.models import Member
from tests.conftest import browser_login
from tests.factories import make_user
from tests.factories.members import make_county

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def write(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in imports.COLUMNS])
    for r in rows:
        ws.append(r)
    wb.save(path)


def row(i, phone=None):
    return [f"导入{i}", "女", phone or f"136{i:08d}", "教育界", "提案委员会", "无党派", "", "否", "", "", "",
            "东城街道", "东一社区", "工作地"]


def test_upload_validates_with_progress_then_imports_everything(page, live_server, tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_SIZE", 7)  # several polling rounds for a small file
    county = make_county("导入县")
    make_user("importer", Role.STAFF, committee=county.committee)
    browser_login(page, live_server, "importer")

    bad = tmp_path / "bad.xlsx"
    write(bad, [row(i) for i in range(20)] + [row(99, phone="12")])
    page.goto(f"{live_server.url}/admin/members/rosterimport/add/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("input[type=submit]")
    page.wait_for_selector("[data-testid=import-errors]")
    assert "第22行" in page.inner_text("[data-testid=import-errors]")
    assert not Member.objects.filter(name__startswith="导入").exists()

    good = tmp_path / "good.xlsx"
    write(good, [row(i) for i in range(30)])
    page.goto(f"{live_server.url}/admin/members/rosterimport/add/")
    page.set_input_files("input[name=file]", str(good))
    page.click("input[type=submit]")
    page.wait_for_selector("[data-testid=import-confirm]")
    page.click("[data-testid=import-confirm]")
    page.wait_for_selector("text=已导入 30 名委员")
    assert Member.objects.filter(name__startswith="导入", assignments__community__name="东一社区").count() == 30
