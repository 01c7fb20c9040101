"""Finding enterprises by pinyin (anjian/core/pinyin.py into core/search.py, ADR 0006).

"hg", "huagong" and "hua gong" find 化工 units; "shsh" finds 上海石化; a polyphonic
character is found by each of its common readings. The expected sets are fixed, so the
same assertions passing on SQLite and PostgreSQL (the bigram index path) proves both agree.
"""

import pytest
from auditlog.context import set_actor
from django.db import connection
from pypinyin import Style, pinyin

from anjian.core import pinyin as names
from anjian.core.search import document, search, terms
from anjian.enterprises.models import Enterprise, recompute_search_columns
from anjian.enterprises.services import enterprise_create, enterprise_update
from testsupport import world

# --- spellings and sort keys -------------------------------------------------------------------


def test_a_name_is_spelt_in_full_and_by_initials():
    assert names.spellings("上海石化") == ["shanghaishihua", "shsh"]


def test_pypinyin_reads_a_polyphonic_character_from_its_word():
    assert names.spellings("重庆")[:2] == ["chongqing", "cq"]
    assert names.sort_key("银行") == "yinhang"


def test_each_common_reading_of_a_polyphonic_character_is_spelt_too():
    spelt = names.spellings("重型机械")
    assert spelt[:2] == ["zhongxingjixie", "zxjx"]
    assert {"chongxingjixie", "cxjx"} <= set(spelt)


def test_where_the_words_do_not_tell_the_usual_reading_in_a_name_comes_first():
    # pypinyin's dictionary reads a lone 长 zhang; in names it is mostly chang (长江, 长风).
    assert names.spellings("长风机械")[:2] == ["changfengjixie", "cfjx"]
    assert "zhangfengjixie" in names.spellings("长风机械")


def test_shanghai_place_names_are_read_as_shanghai_reads_them():
    assert names.sort_key("闵行区") == "minhangqu"
    assert names.sort_key("殷行街道") == "yinhangjiedao"
    assert names.sort_key("长宁区") == "changningqu"


def test_rare_readings_are_left_out():
    # 区 ou (a surname) and 厂 an are readings pypinyin knows; no name is searched by them.
    assert names.spellings("区机械厂") == ["qujixiechang", "qjxc"]


def test_other_text_stays_whole_in_the_initials():
    assert names.spellings("ABC科技（上海）") == ["abckejishanghai", "abckjsh"]
    assert names.spellings("1号仓库") == ["1haocangku", "1hck"]
    assert names.spellings("Acme Ltd.") == ["acmeltd"]


def test_the_spellings_are_bounded():
    long_name = "重长行乐" * 40
    spelt = names.spellings(long_name)
    # The usual spelling plus one per other reading of the first four polyphonic characters,
    # each in full and by initials.
    assert len(spelt) <= 2 * (1 + 4)
    assert all(len(text) <= 6 * names.MAX_CHARACTERS for text in spelt)


def test_the_sort_key_is_the_tone_less_pinyin_of_the_whole_name():
    assert names.sort_key("上海石化") == "shanghaishihua"
    assert names.sort_key("ＡＢＣ科技") == "abckeji"
    assert len(names.sort_key("化" * 300)) == names.SORT_KEY_LENGTH


@pytest.mark.parametrize("char", sorted(names.COMMON_READINGS))
def test_every_common_reading_is_one_pypinyin_knows(char):
    known = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
    assert set(names.COMMON_READINGS[char]) <= set(known)
    assert len(names.COMMON_READINGS[char]) >= 2


# --- the query ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hua gong", ["huagong"]),
        ("Hua  Gong", ["huagong"]),
        ("ＨＵＡ ｇｏｎｇ", ["huagong"]),
        ("上海 化工", ["上海", "化工"]),  # Chinese terms stay separate, both required
        ("hua gong 上海", ["huagong", "上海"]),
        ("abc 上海 shi hua", ["abc", "上海", "shihua"]),
        ("a1 b2", ["a1", "b2"]),  # codes with digits are not pinyin
    ],
)
def test_spaces_between_pinyin_syllables_are_dropped(query, expected):
    assert terms(query) == expected


def test_the_document_holds_the_pinyin_of_the_spoken_values_only():
    doc, tokens = document("上海石化", "王五", spoken=["上海石化"])
    assert doc == "上海石化 王五 shanghaishihua shsh"
    assert "hs" in tokens.split(" ")
    assert "wangwu" not in doc


# --- search() on real rows ---------------------------------------------------------------------

ROWS = {
    "chemical": "上海殷行化工有限公司",
    "petrochemical": "上海石化有限公司",
    "heavy": "重庆长江重型机械厂",
    "bank": "长宁银行大楼物业管理有限公司",
    "shop": "上海虹口超市有限公司",
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
                    credit_code=world.credit_code(800 + number),
                    address=f"国和路{number}号",
                    legal_representative="张三",
                    principal_name="张三",
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
        ("huagong", {"chemical"}),  # full pinyin
        ("hg", {"chemical"}),  # initials
        ("hua gong", {"chemical"}),  # spaced pinyin
        ("HuaGong", {"chemical"}),
        ("shsh", {"petrochemical"}),
        ("shanghaishihua", {"petrochemical"}),
        ("shanghai", {"chemical", "petrochemical", "shop"}),
        ("yinhang", {"chemical", "bank"}),  # 殷行 and 银行: the name's reading
        ("yinxing", {"chemical", "bank"}),  # and the other common reading of 行
        ("chongqing", {"heavy"}),  # 重庆, read from the word
        ("zhongxing", {"heavy"}),  # 重型
        ("chongxing", {"heavy"}),  # 重 read chong, though not here
        ("changjiang", {"heavy"}),
        ("zhangjiang", {"heavy"}),
        ("changning", {"bank"}),
        ("cn", {"bank"}),  # 长宁's initials
        ("hg 上海", {"chemical"}),  # pinyin and Chinese terms together
        ("化工 yx", {"chemical"}),
        ("hgg", set()),
        ("zhangsan", set()),  # only the name is spelt, not the people
    ],
)
def test_pinyin_finds_the_enterprise(rows, query, expected):
    assert found(rows, query) == expected


def test_chinese_queries_find_what_they_found_before(rows):
    assert found(rows, "化工") == {"chemical"}
    assert found(rows, "上海 有限") == {"chemical", "petrochemical", "shop"}
    assert found(rows, "国和路3号") == {"heavy"}


def test_a_renamed_enterprise_is_found_by_its_new_pinyin(rows, admin):
    shop = rows["shop"]
    with set_actor(admin):
        enterprise_update(
            by=admin,
            enterprise_id=shop.pk,
            data={"name": "上海虹口物流有限公司"},
            expected_version=shop.version,
        )
    assert found(rows, "wuliu") == {"shop"}
    assert found(rows, "chaoshi") == set()


def test_postgresql_answers_a_pinyin_query_from_the_bigram_index(rows):
    sql = str(search(Enterprise.objects.all(), "hua gong").query)
    if connection.vendor == "postgresql":
        assert "to_tsquery" in sql
    assert "huagong" in sql


# --- the data migration's backfill -------------------------------------------------------------


def test_the_backfill_recomputes_the_columns_of_every_row(rows):
    Enterprise.objects.update(search_document="", search_tokens="", name_sort_key="")
    assert found(rows, "hg") == set()
    count = recompute_search_columns(Enterprise, batch_size=2)
    assert count == Enterprise.objects.count()
    assert found(rows, "hg") == {"chemical"}
    assert found(rows, "化工") == {"chemical"}
    stored = Enterprise.objects.get(pk=rows["petrochemical"].pk)
    assert stored.name_sort_key == "shanghaishihuayouxiangongsi"
    assert not Enterprise.objects.filter(name_sort_key="").exists()
