"""anjian regions — load the GB/T 2260 region tree and district outlines from the data packages.

anjian regions                      # the tree under ANJIAN_REGION_ROOT (default 31 上海市)
anjian regions --root 3201          # another city
anjian regions --with-communities   # also 社区/村 (12-digit codes)
anjian regions --seed-departments 310110   # default departments for a district
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from anjian.regions import services
from anjian.regions.choices import RegionLevel
from anjian.regions.levels import level_of
from anjian.regions.models import Region

# --root names a province, a city or a district.
ROOT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT)


class Command(BaseCommand):
    help = "从数据包载入行政区划（GB/T 2260）、区界，并可为区县生成默认部门"

    def add_arguments(self, parser):
        parser.add_argument("--root", default=settings.REGION_ROOT, help="区划代码（2/4/6位）")
        parser.add_argument("--with-communities", action="store_true", help="同时载入社区/村")
        parser.add_argument(
            "--seed-departments", metavar="CODE", help="为该区县（或市）生成默认部门及监管行业"
        )

    def handle(self, *args, **options):
        root = options["root"]
        if not root.isdigit() or level_of(root) not in ROOT_LEVELS:
            raise CommandError("--root 应为 2、4 或 6 位数字区划代码")
        try:
            count = services.regions_load(root=root, with_communities=options["with_communities"])
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        outlines = services.regions_load_boundaries(root=root)
        self.stdout.write(self.style.SUCCESS(f"已载入 {count} 个区划，{outlines} 个区县轮廓"))
        code = options["seed_departments"]
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise CommandError(f"区划 {code} 不存在，请先载入")
            departments = services.departments_seed(region=region)
            self.stdout.write(self.style.SUCCESS(f"{region.full_name}：{len(departments)} 个部门"))
