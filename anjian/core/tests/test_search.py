"""Chinese full-text search (anjian/core/search.py) — identical answers on SQLite and PostgreSQL.

The expected results below are fixed sets, so the same assertions passing on both
databases is what proves they agree; on PostgreSQL the GIN bigram path must be the
one that answered (ADR 0006).
"""

import pytest
from auditlog.context import set_actor
from django.db import connection

from anjian.core.search import bigrams, document, normalize, search
from anjian.enterprises.models import Enterprise, EnterpriseUser
from anjian.enterprises.services import enterprise_create
from testsupport import world

# --- normalize / bigrams / document ------------------------------------------------------------


def test_normalize_lowercases_and_folds_full_width_characters():
    assert normalize("ＡＢＣ１２３") == "abc123"
    assert normalize("Shanghai ABC") == "shanghai abc"


def test_normalize_turns_punctuation_and_spaces_into_single_spaces():
    assert normalize("上海·化工（集团）有限公司") == "上海 化工 集团 有限公司"
    assert normalize("  杨浦区，国和路　1号  ") == "杨浦区 国和路 1号"
    assert normalize("a_b-c") == "a b c"


def test_bigrams_are_overlapping_pairs_of_each_segment():
    assert bigrams("化工厂") == ["化工", "工厂"]
    assert bigrams("上海 化工") == ["上海", "化工"]


def test_bigrams_keep_one_character_segments_whole():
    assert bigrams("化") == ["化"]
    assert bigrams("A 化工") == ["a", "化工"]
    assert bigrams("") == []


def test_bigrams_mix_latin_digits_and_chinese():
    assert bigrams("ABC科技") == ["ab", "bc", "c科", "科技"]


def test_document_joins_normalised_parts_and_deduplicates_tokens():
    doc, tokens = document("化工化工", None, "", "ＡＢ")
    assert doc == "化工化工 ab"
    assert tokens.split(" ") == ["化工", "工化", "ab"]


# --- search() on real rows ---------------------------------------------------------------------

ROWS = {
    "factory": "上海化工厂有限公司",
    "lookalike": "化工工厂物流有限公司",  # every bigram of 化工厂, but not the word
    "latin": "ABC科技（上海）有限公司",
    "trade": "殷实贸易有限公司",
}


@pytest.fixture
def rows(admin):
    created = {}
    with set_actor(admin):
        for number, (key, name) in enumerate(ROWS.items(), start=1):
            created[key] = enterprise_create(
                by=admin,
                data=world.enterprise_data(
                    name=name,
                    credit_code=world.credit_code(700 + number),
                    address=f"杨浦区国和路{number}号",
                    legal_representative=f"王{number}",
                    principal_name=f"王{number}",
                    safety_manager_name="",
                    safety_manager_phone="",
                ),
            )
    return created


def found(rows, query: str) -> set[str]:
    queryset = Enterprise.objects.filter(pk__in=[e.pk for e in rows.values()])
    hits = set(search(queryset, query).values_list("pk", flat=True))
    return {key for key, enterprise in rows.items() if enterprise.pk in hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("化工", {"factory", "lookalike"}),  # two characters: the common case
        ("化工厂", {"factory"}),  # all bigrams present is not enough: substring only
        ("化", {"factory", "lookalike"}),  # one character
        ("殷", {"trade"}),
        ("上海 化工", {"factory"}),  # every term must match
        ("化，物流", {"lookalike"}),  # punctuation separates terms; 1- and 2-char mixed
        ("ＡＢＣ", {"latin"}),  # full-width latin
        ("abc 上海", {"latin"}),
        ("c科技", {"latin"}),  # latin–Chinese pairs
        ("王3", {"latin"}),  # people's names are searchable
        ("国和路4号", {"trade"}),  # addresses too
        ("不存在", set()),
    ],
)
def test_search_finds_exact_substrings(rows, query, expected):
    assert found(rows, query) == expected


def test_search_finds_a_credit_code_and_a_fragment_of_it(rows):
    code = rows["trade"].credit_code
    assert found(rows, code) == {"trade"}
    assert found(rows, code[-6:].lower()) == {"trade"}


@pytest.mark.parametrize("query", ["", "   ", "，。！"])
def test_an_empty_query_returns_everything(rows, query):
    assert found(rows, query) == set(ROWS)


def test_search_composes_with_scope(rows, street_officer, district_official):
    # The rows are in 殷行街道: the street officer sees them, the neighbouring district does not.
    assert search(Enterprise.objects.for_user(street_officer), "化工厂").count() == 1
    neighbour = world.actor("neighbour_official")
    assert search(Enterprise.objects.for_user(neighbour), "化工厂").count() == 0


def test_search_through_a_relation_uses_the_prefix(enterprise_manager):
    links = search(EnterpriseUser.objects.all(), "殷行化工", prefix="enterprise__")
    assert list(links.values_list("user__username", flat=True)) == ["enterprise_manager"]


def test_postgresql_answers_two_character_queries_from_the_bigram_index(rows):
    sql = str(search(Enterprise.objects.all(), "化工").query)
    if connection.vendor == "postgresql":
        assert "to_tsvector('simple'" in sql
    else:
        assert "to_tsvector" not in sql
    assert "search_document" in sql


def test_one_character_queries_use_the_substring_match_alone(rows):
    assert "to_tsvector" not in str(search(Enterprise.objects.all(), "化").query)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL-only")
def test_postgresql_has_the_gin_index_the_search_relies_on(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'enterprise_search_bigrams'"
        )
        row = cursor.fetchone()
    assert row is not None
    assert "gin" in row[0].lower()
    assert "to_tsvector('simple'" in row[0]
