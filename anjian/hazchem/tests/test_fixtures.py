"""The demo of 危险化学品单元 and 重大危险源 in the test world (its 殷行化工 plus a petrol
station, an LPG station, a chemicals trader and a 涉氨制冷 cold store added in 杨浦区), built
once for the module: thirteen major hazard sources of all four grades, each graded by the
engine from its lines as the grade's figures say; every other unit below its critical
quantities; each unit on an enterprise of its kind and entered by its account where it has
one; a second run builds nothing."""

from collections import Counter
from decimal import Decimal

from auditlog.context import set_actor
from django.test import TestCase
from django.utils import timezone

from anjian.enterprises.services import enterprise_create
from anjian.hazchem import identification as engine
from anjian.hazchem.choices import SourceState
from anjian.hazchem.evaluation import STORED, engine_line
from anjian.hazchem.fixtures import MAJOR, build_demo_hazchem, kind_of
from anjian.hazchem.models import ChemicalUnit, MajorHazardSource, UnitEvaluation
from anjian.regions.models import Industry, Region
from testsupport import world

# The grades the plans' figures give (fixtures.MAJOR's comments, by hand).
EXPECTED = {
    "液氯储罐区": "1",  # R = 2·4·16 = 128
    "液氯钢瓶库": "2",  # R = 2·4·7 = 56
    "有毒气体钢瓶库": "2",  # R = 2·(20 + 6 + 1) = 54
    "液氨储罐区": "2",  # R = 2·2·13 = 52
    "氨制冷系统": "3",  # R = 2·2·4 = 16
    "氯化反应装置": "3",  # R = 2·(9.6 + 1.2 + 0.8) = 23.2
    "甲类储罐区": "3",  # R = 2·10.6 = 21.2
    "油品储罐区": "3",  # R = 2·6.6 = 13.2
    "液化石油气储配站储罐区": "3",  # R = 2·1.5·4 = 12
    "液化石油气储罐区": "4",  # R = 1.5·1.5·2.4 = 5.4
    "LNG储罐区": "4",  # R = 1.2·1.5·2.4 = 4.32
    "甲类仓库": "4",  # R = 2·2 = 4
    "胺化反应装置": "4",  # R = 2·2.17 = 4.34
}
ADDED = (  # name, industry, economic code, ammonia refrigeration
    ("殷行石化加油站", "hazchem", "F5265", False),
    ("上海殷行液化气供应站", "gas", "F5265", False),
    ("上海殷行化学品贸易有限公司", "hazchem", "F5162", False),
    ("上海殷行冷链食品有限公司", "light_industry", "C1351", True),
)


class DemoHazchemTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        admin = world.actor("admin")
        with set_actor(admin):
            for seed, (name, industry, code, ammonia) in enumerate(ADDED, start=801):
                data = world.enterprise_data(
                    name=name,
                    credit_code=world.credit_code(seed),
                    industry=Industry.objects.get(code=industry),
                    economic_code=code,
                    ammonia_refrigeration=ammonia,
                )
                enterprise_create(by=admin, data=data)
        cls.built = build_demo_hazchem(
            district=Region.objects.get(code=world.YANGPU),
            official=world.actor("district_official"),
        )

    def units(self):
        return ChemicalUnit.objects.filter(pk__in=[unit.pk for unit in self.built.units])

    def test_thirteen_sources_of_all_four_grades_each_graded_as_its_figures_say(self):
        sources = MajorHazardSource.objects.filter(unit__in=self.units()).select_related("unit")

        assert len(self.built.sources) == len(MAJOR) == sources.count() == 13
        assert {source.unit.name: source.grade for source in sources} == EXPECTED
        current = [source for source in sources if source.state != SourceState.CLOSED]
        assert all(source.grade == source.unit.grade and source.qualifies for source in current)

    def test_the_sources_life_so_far_most_filed_one_overdue_one_new_one_closed(self):
        sources = MajorHazardSource.objects.filter(unit__in=self.units())
        today = timezone.localdate()
        states = Counter(sources.values_list("state", flat=True))

        assert states == {SourceState.FILED: 10, SourceState.IDENTIFIED: 2, SourceState.CLOSED: 1}
        waiting = sources.filter(state=SourceState.IDENTIFIED).order_by("filing_due_on")
        assert waiting[0].filing_due_on < today < waiting[1].filing_due_on  # overdue, new
        for source in sources.exclude(state=SourceState.IDENTIFIED):
            assert 3 <= (source.filed_on - source.identified_on).days <= 14
            assert source.assessment_due_on == source.filed_on.replace(
                year=source.filed_on.year + 3
            )
            assert source.transitions.get(action="identify").at.date() == source.identified_on
        for source in sources.exclude(state=SourceState.CLOSED):
            # The unit's history led to its identification: none of it comes after.
            identified_at = source.transitions.get(action="identify").at
            assert source.unit.evaluations.latest("at").at == identified_at
        closed = sources.get(state=SourceState.CLOSED)
        assert not closed.qualifies and not closed.unit.is_major and closed.closed_on == today

    def test_every_units_stored_figures_are_a_fresh_identification_of_its_lines(self):
        for unit in self.units().prefetch_related("lines__chemical"):
            lines = [engine_line(line) for line in unit.lines.order_by("id")]
            fresh = engine.identify(lines, population=unit.population_500m)

            assert unit.s_value == fresh.s.quantize(STORED), unit.name
            assert unit.r_value == fresh.r.quantize(STORED), unit.name
            assert unit.alpha == fresh.alpha and unit.is_major == fresh.is_major, unit.name
            assert unit.grade == (str(fresh.grade.grade) if fresh.grade else ""), unit.name
            assert unit.evaluation["explain"] == list(fresh.explain()), unit.name
            cut = MajorHazardSource.objects.filter(unit=unit, state=SourceState.CLOSED).exists()
            expected = 1 + len(lines) * (2 if cut else 1)  # the closed one's lines were cut
            assert UnitEvaluation.objects.filter(unit=unit).count() == expected, unit.name

    def test_every_other_unit_is_below_its_critical_quantities(self):
        ordinary = self.units().filter(is_major=False, source__isnull=True)

        assert ordinary.count() == len(self.built.units) - len(MAJOR) == 1  # the station
        assert all(unit.s_value < 1 and not unit.grade for unit in ordinary)
        assert not MajorHazardSource.objects.filter(unit__in=ordinary).exists()
        station = ordinary.get(enterprise__name="殷行石化加油站")
        held = {line.chemical.name for line in station.lines.all()}
        assert held == {"汽油(乙醇汽油、甲醇汽油)", "柴油[闭杯闪点≤60℃]"}

    def test_each_unit_sits_on_an_enterprise_of_its_kind(self):
        where = {unit.name: unit.enterprise.name for unit in self.units()}

        assert where["氨制冷系统"] == "上海殷行冷链食品有限公司"
        assert where["甲类储罐区"] == where["油品储罐区"] == "上海殷行化学品贸易有限公司"
        assert where["LNG储罐区"] == "上海殷行液化气供应站"  # no town-gas company: LPG next
        # no industrial-gas company in the world: its chlorine goes to the chemical plant
        assert where["液氯钢瓶库"] == where["液氯储罐区"] == "上海殷行化工有限公司"
        assert kind_of(world.enterprise("yinhang_chemical")) == "plant"

    def test_a_unit_with_an_account_enters_its_own_units_the_district_the_others(self):
        by = {unit.enterprise.name: unit.created_by.username for unit in self.units()}

        assert by["上海殷行化工有限公司"] == "enterprise_manager"
        assert by["殷行石化加油站"] == by["上海殷行液化气供应站"] == "district_official"

    def test_the_catalogue_gives_the_shipped_rows_held_their_class_for_beta(self):
        petrol = self.units().get(name="油品储罐区").evaluation["terms"][0]

        assert petrol["critical_basis"].endswith("表1第66行（汽油(乙醇汽油、甲醇汽油)）")
        assert petrol["beta"] == "1" and "W5.3" in petrol["beta_basis"]
        assert Decimal(petrol["critical"]) == 200

    def test_a_second_run_builds_nothing(self):
        counts = (ChemicalUnit.objects.count(), MajorHazardSource.objects.count())

        again = build_demo_hazchem(
            district=Region.objects.get(code=world.YANGPU),
            official=world.actor("district_official"),
        )

        assert again.units == [] and again.sources == []
        assert (ChemicalUnit.objects.count(), MajorHazardSource.objects.count()) == counts
