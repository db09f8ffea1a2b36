from django.core.management.base import BaseCommand

from dashboards.refresh import stats_refresh


class Command(BaseCommand):
    help = "刷新领导驾驶舱的统计汇总表（默认近期；--full 全量）。"

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="re-aggregate all history")
        parser.add_argument("--committee", type=int, action="append", help="committee id (repeatable)")

    def handle(self, *args, full: bool, committee, **options):
        written = stats_refresh(committee_ids=committee, full=full)
        self.stdout.write(f"{sum(written.values())} rows in {len(written)} metrics")
