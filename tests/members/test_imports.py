import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from members import imports, services
from members.models import Assignment, Member, RosterImport

HEADER = ["姓名", "性别", "手机号码", "界别", "专委会", "政治面貌", "所属党派", "常委", "工作单位", "职务", "电子邮箱",
          "联系乡镇（街道）", "联系社区（村居）", "联系依据"]


def xlsx(rows, header=HEADER) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "roster.xlsx"
    return buf


def good_row(name="李雷", phone="13900001111", township="东城街道", community="东一社区"):
    return [name, "男", phone, "教育界", "提案委员会", "中共党员", "", "是", "第一中学", "校长", "", township,
            community, "居住地"]


def run(county, rows, by=None):
    job = imports.roster_upload(committee=county.committee, fileobj=xlsx(rows), file_name="roster.xlsx", by=by)
    while job.status == RosterImport.Status.VALIDATING:
        job = imports.roster_validate_step(job=job, chunk=2)
    return job


def test_a_bad_row_stops_the_whole_import_and_each_is_reported(county_a):
    county_a.member(name="韩梅", phone="13700002222")  # already in the roster
    rows = [
        good_row("李雷", "13900001111"),
        good_row("王芳", "1390000"),                                          # row 3: bad phone
        ["赵强", "男", "13900003333", "不存在界", "提案委员会", "", "", "", "", "", "", "", "", ""],  # row 4: unknown sector
        good_row("李雷", "13900001111"),                                      # row 5: duplicate of row 2
        good_row("韩梅", "13700002222"),                                      # row 6: already in the database
        good_row("孙丽", "13900004444", township="西山镇", community="东一社区"),  # row 7: community not in township
        ["", "", "13900005555", "教育界", "提案委员会", "", "", "", "", "", "", "", "", ""],  # row 8: no name
    ]
    job = run(county_a, rows)
    assert job.status == RosterImport.Status.INVALID and job.processed == job.total == 7
    errors = {e["row"]: "；".join(e["reasons"]) for e in job.errors}
    assert set(errors) == {3, 4, 5, 6, 7, 8}
    assert "手机号码“1390000”格式不正确" in errors[3]
    assert "界别“不存在界”不存在" in errors[4]
    assert "与第2行重复" in errors[5]
    assert "已在系统中" in errors[6]
    assert "不属于“西山镇”" in errors[7]
    assert "姓名为空" in errors[8]
    before = Member.objects.count()
    job = imports.roster_import(job=job)
    assert job.status == RosterImport.Status.INVALID
    assert Member.objects.count() == before and not Member.objects.filter(name="李雷").exists()


def test_a_good_file_imports_every_member_and_assignment(county_a, staff_a):
    rows = [good_row("李雷", "13900001111"), good_row("王芳", "13900002222", township="西山镇", community="西山村"),
            ["周民", "女", "13900003333", "教育界", "提案委员会", "民盟", "", "否", "", "", "zm@example.com", "", "", ""]]
    job = run(county_a, rows, by=staff_a)
    assert job.status == RosterImport.Status.READY, job.errors
    job = imports.roster_import(job=job, by=staff_a)
    assert job.status == RosterImport.Status.IMPORTED and job.imported_count == 3
    li = Member.objects.get(name="李雷")
    assert li.is_standing and li.party == Member.Party.CPC and li.name_initials == "ll" and li.created_by == staff_a
    zhou = Member.objects.get(name="周民")
    assert zhou.party == Member.Party.DEMOCRATIC and zhou.party_name == "民盟" and zhou.gender == "F"
    a = Assignment.objects.get(member__name="王芳")
    assert (a.township.name, a.community.name, a.basis) == ("西山镇", "西山村", "residence")
    assert not Assignment.objects.filter(member=zhou).exists()
    with pytest.raises(Exception):
        imports.roster_import(job=job)  # not twice


def test_import_rechecks_rows_at_confirm_time(county_a):
    job = run(county_a, [good_row("李雷", "13900001111")])
    assert job.status == RosterImport.Status.READY
    county_a.member(name="李雷", phone="13900001111")  # someone added the same member meanwhile
    job = imports.roster_import(job=job)
    assert job.status == RosterImport.Status.INVALID and Member.objects.filter(name="李雷").count() == 1


def test_a_file_without_required_columns_is_refused(county_a):
    from core.errors import DomainError

    with pytest.raises(DomainError, match="缺少必填列"):
        imports.roster_upload(committee=county_a.committee, fileobj=xlsx([["x"]], header=["姓名"]), file_name="a.xlsx")
    with pytest.raises(DomainError, match="无法读取"):
        imports.roster_upload(committee=county_a.committee, fileobj=io.BytesIO(b"not a zip"), file_name="a.xlsx")


def test_import_through_the_admin_upload_progress_and_confirm(client, county_a, staff_a):
    client.force_login(staff_a)
    resp = client.get(reverse("admin:members_rosterimport_template"))
    template = load_workbook(io.BytesIO(resp.content))
    assert template.worksheets[0]["A1"].value == "姓名*" and "可选值" in template.sheetnames
    f = xlsx([good_row("李雷", "13900001111"), good_row("王芳", "bad")])
    resp = client.post(reverse("admin:members_rosterimport_add"), {"committee": county_a.committee.pk, "file": f})
    job = RosterImport.objects.get()
    assert resp.status_code == 302 and resp.url == reverse("admin:members_rosterimport_change", args=[job.pk])
    page = client.get(resp.url).content.decode()
    assert "正在逐行校验" in page and 'role="progressbar"' in page
    step = client.post(reverse("admin:members_rosterimport_step", args=[job.pk])).json()
    assert step == {"status": "invalid", "processed": 2, "total": 2, "percent": 100, "errors": 1}
    page = client.get(resp.url).content.decode()
    assert "第3行" in page and "格式不正确" in page and "未导入任何数据" in page
    resp = client.post(reverse("admin:members_rosterimport_confirm", args=[job.pk]))
    assert not Member.objects.filter(name="李雷").exists()


def test_staff_of_another_committee_cannot_see_an_upload(client, county_a, staff_a, staff_b):
    job = run(county_a, [good_row()], by=staff_a)
    client.force_login(staff_b)
    assert client.get(reverse("admin:members_rosterimport_change", args=[job.pk])).status_code == 404
    assert client.post(reverse("admin:members_rosterimport_confirm", args=[job.pk])).status_code == 404


def test_export_respects_the_admin_filters_and_masks_for_leaders(client, county_a, staff_a, leader_a):
    east = county_a.townships[0]
    a = county_a.member(name="甲", phone="13911112222", is_standing=True)
    county_a.member(name="乙", phone="13933334444")
    services.assignment_create(member=a, township=east, community=county_a.communities[east.name][0])
    client.force_login(staff_a)
    resp = client.get(reverse("admin:members_member_export") + "?is_standing__exact=1")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(resp.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "性别", "手机号码")
    assert [r[0] for r in rows[1:]] == ["甲"]
    assert rows[1][2] == "13911112222" and rows[1][11] == "东城街道" and rows[1][12] == "东一社区"
    client.force_login(leader_a)
    resp = client.post(reverse("admin:members_member_changelist"),
                       {"action": "export_selected", "_selected_action": [a.pk]})
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert list(ws.iter_rows(values_only=True))[1][2] == "139****2222"


def test_old_uploads_that_were_never_imported_lose_their_rows(county_a):
    import datetime as dt

    from django.utils import timezone

    from members.sweeps import purge_roster_uploads

    old = run(county_a, [good_row("李雷", "13900001111")])
    fresh = run(county_a, [good_row("王芳", "13900002222")])
    RosterImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert purge_roster_uploads() == 1
    assert purge_roster_uploads() == 0  # idempotent
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.rows == [] and old.status == RosterImport.Status.INVALID and fresh.rows
    with pytest.raises(Exception, match="重新上传"):
        imports.roster_import(job=old)
