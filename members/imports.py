"""Roster import and export (.xlsx, openpyxl).

Import is two-phase and all-or-nothing:

1. ``roster_upload`` parses the workbook into plain rows kept on a :class:`RosterImport` row;
2. ``roster_validate_step`` validates the next chunk of rows (the admin page calls it repeatedly and
   shows a progress bar, so thousands of rows need no broker and no long request); every bad row is
   recorded with its row number and reasons;
3. ``roster_import`` validates every row again (the database may have changed meanwhile) and creates
   all members and their assignments in one transaction, or nothing if any row is bad.

Export writes the same columns, so an exported file can be edited and imported into another committee.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.errors import DomainError
from core.utils import is_valid_phone, pinyin_initials
from core.xlsx import XlsxRefused, xlsx_open, xlsx_rows

from .models import (
    Assignment, Committee, Community, Member, RosterImport, Sector, SpecialCommittee, Township,
)

CHUNK_SIZE = 250
MAX_ROWS = 20000


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    width: int = 14
    hint: str = ""


COLUMNS: list[Column] = [
    Column("name", "姓名", True, 10),
    Column("gender", "性别", False, 6, "男/女"),
    Column("phone", "手机号码", True, 15, "11位手机号"),
    Column("sector", "界别", True, 18, "须与系统中的界别名称一致"),
    Column("special_committee", "专委会", True, 22, "须与系统中的专委会名称一致"),
    Column("party", "政治面貌", False, 10, "中共党员/民主党派/无党派"),
    Column("party_name", "所属党派", False, 12, "民主党派委员填写，如：民盟"),
    Column("is_standing", "常委", False, 6, "是/否"),
    Column("employer", "工作单位", False, 28),
    Column("title", "职务", False, 16),
    Column("email", "电子邮箱", False, 22),
    Column("township", "联系乡镇（街道）", False, 16, "可空；填写则同时建立联系安排"),
    Column("community", "联系社区（村居）", False, 16, "可空；须属于所填乡镇（街道）"),
    Column("basis", "联系依据", False, 10, "居住地/工作地/联系地/帮扶地"),
]
HEADER_KEYS = {c.header: c.key for c in COLUMNS}
# Tolerated alternative headers people type.
HEADER_KEYS.update({"手机": "phone", "电话": "phone", "联系电话": "phone", "乡镇": "township", "街道": "township",
                    "乡镇（街道）": "township", "社区": "community", "社区（村居）": "community", "单位": "employer",
                    "专门委员会": "special_committee", "是否常委": "is_standing", "党派": "party_name"})

PARTY_VALUES = {
    "中共党员": Member.Party.CPC, "中共": Member.Party.CPC, "中国共产党党员": Member.Party.CPC, "党员": Member.Party.CPC,
    "民主党派": Member.Party.DEMOCRATIC,
    "无党派": Member.Party.NONE, "无党派人士": Member.Party.NONE, "群众": Member.Party.NONE, "": Member.Party.NONE,
}
DEMOCRATIC_PARTIES = ["民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"]
YES = {"是", "Y", "y", "yes", "1", "√", "TRUE", "True", "true", "常委"}
NO = {"否", "N", "n", "no", "0", "", "FALSE", "False", "false"}
BASIS_VALUES = {label: value for value, label in Assignment.Basis.choices}
GENDER_VALUES = {"男": Member.Gender.MALE, "女": Member.Gender.FEMALE, "": ""}


class RosterFileError(DomainError):
    """The file as a whole cannot be read (not a workbook, no header, missing columns)."""


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def roster_parse(fileobj) -> list[dict]:
    """Read the first sheet: a header row (Chinese column names) and one member per row.
    Returns [{"row": excel_row_number, "values": {key: str}}], skipping blank rows."""
    try:
        # core.xlsx: refuses a zip bomb before openpyxl inflates it, and caps the rows read (blank
        # rows included, with room for some between members).
        wb = xlsx_open(fileobj)
        it = xlsx_rows(wb, max_rows=MAX_ROWS * 2 + 1)
        header = next(it, None)
    except XlsxRefused as exc:
        raise RosterFileError(exc.message, field="file") from exc
    if not header:
        raise RosterFileError("文件为空：第1行应为表头。", field="file")
    keys = [HEADER_KEYS.get(_cell(h).replace(" ", "").replace("*", "")) for h in header]
    missing = [c.header for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise RosterFileError(f"表头缺少必填列：{'、'.join(missing)}。请使用下载的模板。", field="file")
    rows = []
    try:
        for n, raw in enumerate(it, start=2):
            values = {k: _cell(v) for k, v in zip(keys, raw) if k}
            if not any(values.values()):
                continue
            rows.append({"row": n, "values": values})
            if len(rows) > MAX_ROWS:
                raise RosterFileError(f"一次最多导入 {MAX_ROWS} 行，请拆分文件。", field="file")
    except XlsxRefused as exc:
        raise RosterFileError(exc.message, field="file") from exc
    wb.close()
    if not rows:
        raise RosterFileError("文件中没有数据行。", field="file")
    return rows


class _Lookups:
    """Everything a row is checked against, loaded in a fixed number of queries per committee."""

    def __init__(self, committee: Committee):
        self.committee = committee
        self.sectors = {s.name: s for s in Sector.objects.filter(committee=committee)}
        self.special_committees = {s.name: s for s in SpecialCommittee.objects.filter(committee=committee)}
        self.townships = {t.name: t for t in Township.objects.filter(committee=committee)}
        self.communities = {(c.township_id, c.name): c
                            for c in Community.objects.filter(township__committee=committee)}
        self.existing = set(Member.objects.filter(committee=committee).values_list("name", "phone"))


def _check_row(v: dict, lk: _Lookups) -> tuple[list[str], dict]:
    """Reasons the row is bad (empty if good) and the cleaned values."""
    reasons: list[str] = []
    out: dict = {}
    out["name"] = name = v.get("name", "")
    if not name:
        reasons.append("姓名为空")
    elif len(name) > 40:
        reasons.append("姓名过长")
    phone = v.get("phone", "").replace(" ", "").replace("-", "") if v.get("phone", "").startswith("1") else v.get("phone", "")
    out["phone"] = phone
    if not phone:
        reasons.append("手机号码为空")
    elif not is_valid_phone(phone):
        reasons.append(f"手机号码“{phone}”格式不正确")
    sector = v.get("sector", "")
    if not sector:
        reasons.append("界别为空")
    elif sector not in lk.sectors:
        reasons.append(f"界别“{sector}”不存在")
    out["sector"] = lk.sectors.get(sector)
    sc = v.get("special_committee", "")
    if not sc:
        reasons.append("专委会为空")
    elif sc not in lk.special_committees:
        reasons.append(f"专委会“{sc}”不存在")
    out["special_committee"] = lk.special_committees.get(sc)
    party, party_name = v.get("party", ""), v.get("party_name", "")
    if party in DEMOCRATIC_PARTIES:
        party, party_name = "民主党派", party_name or party
    if party not in PARTY_VALUES:
        reasons.append(f"政治面貌“{party}”无法识别（应为中共党员/民主党派/无党派）")
    out["party"] = PARTY_VALUES.get(party, Member.Party.NONE)
    out["party_name"] = party_name
    if out["party"] == Member.Party.DEMOCRATIC and not party_name:
        reasons.append("民主党派委员未填写所属党派")
    standing = v.get("is_standing", "")
    if standing not in YES and standing not in NO:
        reasons.append(f"常委“{standing}”应填“是”或“否”")
    out["is_standing"] = standing in YES
    gender = v.get("gender", "")
    if gender not in GENDER_VALUES:
        reasons.append(f"性别“{gender}”应填“男”或“女”")
    out["gender"] = GENDER_VALUES.get(gender, "")
    email = v.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            reasons.append(f"电子邮箱“{email}”格式不正确")
    out["email"] = email
    for key, limit, label in (("employer", 100, "工作单位"), ("title", 60, "职务")):
        out[key] = v.get(key, "")
        if len(out[key]) > limit:
            reasons.append(f"{label}过长（最多{limit}字）")
    tname, cname = v.get("township", ""), v.get("community", "")
    township = lk.townships.get(tname) if tname else None
    community = None
    if tname and township is None:
        reasons.append(f"乡镇（街道）“{tname}”不存在")
    if cname and not tname:
        reasons.append("填写了社区（村居）但未填写乡镇（街道）")
    if cname and township is not None:
        community = lk.communities.get((township.pk, cname))
        if community is None:
            if any(n == cname for (_, n) in lk.communities):
                reasons.append(f"社区（村居）“{cname}”不属于“{tname}”")
            else:
                reasons.append(f"社区（村居）“{cname}”不存在")
    out["township"], out["community"] = township, community
    basis = v.get("basis", "")
    if basis and basis not in BASIS_VALUES:
        reasons.append(f"联系依据“{basis}”应为居住地/工作地/联系地/帮扶地")
    out["basis"] = BASIS_VALUES.get(basis, Assignment.Basis.LIAISON)
    return reasons, out


def roster_validate(committee: Committee, rows: list[dict], *, start: int = 0, stop: int | None = None,
                    lookups: _Lookups | None = None) -> tuple[list[dict], list[dict]]:
    """Validate ``rows[start:stop]`` against the database and the whole file (duplicates).
    Returns (errors [{row, name, reasons}], cleaned [{row, ...}] for the good rows)."""
    lk = lookups or _Lookups(committee)
    keys = [(r["values"].get("name", ""), r["values"].get("phone", "")) for r in rows]
    first_at: dict[tuple, int] = {}
    for r, k in zip(rows, keys):
        first_at.setdefault(k, r["row"])
    counts = Counter(keys)
    errors, cleaned = [], []
    for r, key in zip(rows[start:stop], keys[start:stop]):
        reasons, out = _check_row(r["values"], lk)
        if key[0] and counts[key] > 1 and first_at[key] != r["row"]:
            reasons.append(f"与第{first_at[key]}行重复（同名同手机号码）")
        if key[0] and (out["name"], out["phone"]) in lk.existing:
            reasons.append(f"委员“{out['name']}”（{out['phone']}）已在系统中")
        if reasons:
            errors.append({"row": r["row"], "name": r["values"].get("name", ""), "reasons": reasons})
        else:
            cleaned.append({"row": r["row"], **out})
    return errors, cleaned


@transaction.atomic
def roster_upload(*, committee: Committee, fileobj, file_name: str, by=None) -> RosterImport:
    rows = roster_parse(fileobj)
    job = RosterImport(committee=committee, file_name=file_name[:200], rows=rows, total=len(rows))
    job.stamp(by)
    job.save()
    return job


def roster_validate_step(*, job: RosterImport, chunk: int | None = None) -> RosterImport:
    """Validate the next ``chunk`` (CHUNK_SIZE) rows of the upload; a no-op once validation is finished."""
    chunk = chunk or CHUNK_SIZE
    with transaction.atomic():
        job = RosterImport.objects.select_for_update().get(pk=job.pk)
        if job.status != RosterImport.Status.VALIDATING:
            return job
        stop = min(job.processed + chunk, job.total)
        errors, _ = roster_validate(job.committee, job.rows, start=job.processed, stop=stop)
        job.errors = list(job.errors) + errors
        job.processed = stop
        if stop >= job.total:
            job.status = RosterImport.Status.INVALID if job.errors else RosterImport.Status.READY
        job.save(update_fields=["errors", "processed", "status", "updated_at"])
        return job


def roster_import(*, job: RosterImport, by=None) -> RosterImport:
    """Create every member of a validated upload (and its assignment) in one transaction; if any row
    is bad now, create nothing and record the errors."""
    with transaction.atomic():
        job = RosterImport.objects.select_for_update().select_related("committee").get(pk=job.pk)
        if job.status == RosterImport.Status.IMPORTED:
            raise DomainError("该文件已导入，不能重复导入。")
        if job.status == RosterImport.Status.VALIDATING:
            raise DomainError("文件尚未校验完成。")
        if not job.rows:
            raise DomainError("上传的数据已清除（超过保留期限），请重新上传。")
        errors, cleaned = roster_validate(job.committee, job.rows)
        if errors:
            job.errors, job.status, job.processed = errors, RosterImport.Status.INVALID, job.total
            job.save(update_fields=["errors", "status", "processed", "updated_at"])
            return job
        user = by if getattr(by, "is_authenticated", False) else None
        now = timezone.now()
        members = [
            Member(committee=job.committee, name=c["name"], name_initials=pinyin_initials(c["name"]),
                   gender=c["gender"], phone=c["phone"], sector=c["sector"],
                   special_committee=c["special_committee"], party=c["party"], party_name=c["party_name"],
                   is_standing=c["is_standing"], employer=c["employer"], title=c["title"], email=c["email"],
                   created_by=user, updated_by=user, created_at=now)
            for c in cleaned
        ]
        Member.objects.bulk_create(members, batch_size=500)
        if any(m.pk is None for m in members):  # backends that do not return ids
            ids = {(n, p): pk for n, p, pk in
                   Member.objects.filter(committee=job.committee).values_list("name", "phone", "pk")}
            for m in members:
                m.pk = ids[(m.name, m.phone)]
        today = timezone.localdate()
        Assignment.objects.bulk_create([
            Assignment(member=m, township=c["township"], community=c["community"], basis=c["basis"],
                       start_date=today, created_by=user, updated_by=user)
            for m, c in zip(members, cleaned) if c["township"] is not None
        ], batch_size=500)
        job.status, job.imported_count, job.errors = RosterImport.Status.IMPORTED, len(members), []
        job.rows = []  # personal data is not kept once it is in the roster
        job.stamp(by)
        job.save()
        return job


# --- Template and export ------------------------------------------------------------------------

_HEAD_FONT = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="B71C1C")


def _header(ws, columns: Iterable[Column | tuple[str, int]]) -> None:
    for i, c in enumerate(columns, start=1):
        header, width = (c.header + ("*" if c.required else ""), c.width) if isinstance(c, Column) else c
        cell = ws.cell(row=1, column=i, value=header)
        cell.font, cell.fill = _HEAD_FONT, _HEAD_FILL
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def roster_template(committee: Committee | None = None) -> bytes:
    """The import template: the header, one example row, and a sheet listing the valid names of the
    committee's sectors, special committees, townships and communities."""
    wb = Workbook()
    ws = wb.active
    ws.title = "委员花名册"
    _header(ws, COLUMNS)
    lk = _Lookups(committee) if committee else None
    sector = next(iter(lk.sectors), "教育界") if lk else "教育界"
    sc = next(iter(lk.special_committees), "教科卫体委员会") if lk else "教科卫体委员会"
    township = next(iter(lk.townships.values()), None) if lk else None
    community = next((n for (tid, n) in lk.communities if township and tid == township.pk), "") if lk else ""
    ws.append(["张三", "男", "13800000000", sector, sc, "民主党派", "民盟", "否", "某某中学", "校长",
               "", township.name if township else "", community, "居住地"])
    notes = wb.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for c in COLUMNS:
        notes.append([c.header, ("必填。" if c.required else "") + c.hint])
    notes.append(["", "请删除示例行后再填写；同一政协组织内“姓名+手机号码”不能重复。"])
    if lk:
        ref = wb.create_sheet("可选值")
        ref.append(["界别", "专委会", "乡镇（街道）", "社区（村居）"])
        names = {t.pk: t.name for t in lk.townships.values()}
        comm = [f"{names.get(tid, '')}·{n}" for (tid, n) in lk.communities]
        cols = [list(lk.sectors), list(lk.special_committees), [t.name for t in lk.townships.values()], comm]
        for i in range(max(len(c) for c in cols)):
            ref.append([c[i] if i < len(c) else None for c in cols])
    return _save(wb)


EXPORT_EXTRA = [("政协组织", 22), ("全部联系地点", 40), ("在任", 6)]


def members_export(members: Iterable[Member], *, full_phone: bool) -> bytes:
    """The member list as .xlsx (same columns as the import, plus committee and all places).
    ``members`` should come from ``selectors.member_list`` (active assignments prefetched)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("委员名单")
    for i, c in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = c.width
    ws.append([c.header for c in COLUMNS] + [h for h, _ in EXPORT_EXTRA])
    basis_label = dict(Assignment.Basis.choices)
    for m in members:
        places = getattr(m, "active_assignments", None)
        if places is None:
            places = list(m.assignments.all())
        first = places[0] if places else None
        ws.append([
            m.name, m.get_gender_display() if m.gender else "", m.phone if full_phone else m.masked_phone,
            m.sector.name, m.special_committee.name if m.special_committee_id else "", m.get_party_display(),
            m.party_name, "是" if m.is_standing else "否", m.employer, m.title, m.email,
            first.township.name if first else "", first.community.name if first and first.community_id else "",
            basis_label.get(first.basis, "") if first else "",
            m.committee.short_name or m.committee.name,
            "；".join(f"{a.township.name}{'·' + a.community.name if a.community_id else ''}" for a in places),
            "是" if m.is_active else "否",
        ])
    return _save(wb)
