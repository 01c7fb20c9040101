"""The 风险分级标准 page cites standards and local rules, never the web pages behind them.

The research notes (web domains, confidence marks, "未核实") stay in
docs/development/risk-grading.md; users see the documents the values follow or
"平台默认值，请按本地规定调整". Migration risks 0003 rewords tables seeded before.
"""

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from anjian.risks import defaults
from anjian.risks.models import RiskBandTable

RESEARCH_TRACES = re.compile(
    r"未核实|置信度|\.com|\.cn\b|\.info|\.net|https?://|www\.|xiaomilidoc|zgmkw|aqrzj|mtoou|taowenge"
)
LOCAL_DEFAULT = "平台默认值，请按本地规定调整"
MIGRATION = "anjian.risks.migrations.0003_band_table_sources"


def test_the_page_shows_no_web_domains_or_research_notes(client_for, leader):
    html = client_for(leader).get(reverse("risks:band_table_list")).content.decode()
    assert not RESEARCH_TRACES.search(html), RESEARCH_TRACES.search(html).group(0)


def test_every_band_table_names_its_basis(client_for, leader):
    html = client_for(leader).get(reverse("risks:band_table_list")).content.decode()
    cards = html.split('data-band-table="')[1:]
    assert [card.split('"', 1)[0] for card in cards] == ["lec", "ls"]
    for card in cards:
        basis = re.search(r"data-basis>(.*?)</dd>", card, re.S).group(1)
        source = re.search(r"data-source>(.*?)</dd>", card, re.S).group(1)
        assert "安委办〔2016〕11号" in basis
        assert source.strip()
        assert LOCAL_DEFAULT in source  # the cut-offs have no national text
    assert "GB/T 13861-2022" in html and "GB 6441-1986" in html


def test_the_defaults_cite_no_web_page():
    for table in defaults.BAND_TABLES:
        for text in (table["source"], table["edition"]):
            assert not RESEARCH_TRACES.search(text), text


@pytest.mark.django_db
def test_the_migration_rewords_tables_seeded_with_web_sources_and_only_those():
    migration = import_module(MIGRATION)
    old_source, old_edition = migration.OLD["ls"]
    copied = RiskBandTable.objects.create(
        **{
            **next(t for t in defaults.BAND_TABLES if t["method"] == "ls"),
            "version": 2,
            "source": old_source,
            "edition": old_edition,
        }
    )
    own = RiskBandTable.objects.create(
        **{
            **next(t for t in defaults.BAND_TABLES if t["method"] == "ls"),
            "version": 3,
            "source": "按某区指南（zgmkw.com 转载）",
            "edition": "区里的版本",
        }
    )

    migration.forwards(django_apps, None)

    copied.refresh_from_db()
    assert (copied.source, copied.edition) == migration.NEW["ls"]
    assert copied.bands == next(t for t in defaults.BAND_TABLES if t["method"] == "ls")["bands"]
    own.refresh_from_db()
    assert (own.source, own.edition) == ("按某区指南（zgmkw.com 转载）", "区里的版本")

    migration.backwards(django_apps, None)
    copied.refresh_from_db()
    assert (copied.source, copied.edition) == (old_source, old_edition)
