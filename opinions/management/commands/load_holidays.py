"""manage.py load_holidays 2026 — the State Council's holiday schedule (放假 and 调休上班 days) as
CalendarDay rows; or ``--file 2027.xlsx`` for a year published later."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.calendar_import import CalendarImportError, calendar_import_file, calendar_load_official


class Command(BaseCommand):
    help = "导入某年的法定节假日和调休上班日（工作日历）。"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--file", help=".xlsx 或 .csv：日期、类型（放假/上班）、说明")

    def handle(self, *args, year: int, file: str | None = None, **options):
        try:
            if file:
                path = Path(file)
                result = calendar_import_file(name=path.name, data=path.read_bytes(), year=year)
            else:
                result = calendar_load_official(year)
        except CalendarImportError as exc:
            raise CommandError("\n".join(exc.errors)) from exc
        off = sum(1 for r in result.rows if not r[1])
        self.stdout.write(self.style.SUCCESS(
            f"{year}年工作日历：放假{off}天，调休上班{len(result.rows) - off}天"
            f"（新增{result.created}，修改{result.updated}，删除{result.deleted}）"))
