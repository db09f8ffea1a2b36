"""Create (once) and print the demo logins, one per role, for the first demo county."""

from django.core.management.base import BaseCommand, CommandError

from core.management.commands.seed_demo import DEMO_PASSWORD
from members.demo import logins_ensure
from members.models import Committee


class Command(BaseCommand):
    help = "创建并列出演示账号（每个角色一个），可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args, password: str, **options):
        county = Committee.objects.filter(level=Committee.Level.COUNTY, members__isnull=False).order_by("pk").first()
        if county is None:
            raise CommandError("还没有县级政协及委员数据：请先运行 manage.py seed_demo。")
        ctx = {"password": password, "logins": []}
        logins_ensure(ctx, county=county)
        self.stdout.write(self.style.SUCCESS(f"演示账号（新建账号的密码为 {password}）："))
        for role, username, note in ctx["logins"]:
            self.stdout.write(f"  {role:<12} {username:<16} {note}")
