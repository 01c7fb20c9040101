"""Pinyin of Chinese names: the spellings a name is found by, and the key it sorts by.

Officials type enterprise names the way their input method spells them: in full
("huagong", "hua gong") or by initials ("hg", "shsh" for 上海石化). ``spellings`` gives
those strings for a name; ``core.search.document`` adds them to a row's search
document, so the bigram search finds them like any other text (ADR 0006). ``sort_key``
gives the tone-less pinyin ("shanghaishihua") that lists sort by, so that names come in
the order of a Chinese dictionary rather than of Unicode code points.

Readings come from pypinyin, which picks a character's reading from the words around it
(重庆 → chongqing, 银行 → yinhang) and otherwise from its dictionary. A character read
more than one way in names (重 zhong/chong, 长 chang/zhang, 行 xing/hang) is listed in
``COMMON_READINGS``: where pypinyin cannot tell from the words, the first reading there is
the name's reading, and each other reading there adds one more spelling of the name, so a
search finds 长宁 as "changning" and as "zhangning". Rare readings pypinyin also knows
(区 ou, 厂 an) are left out: they would only make the document longer and find more
wrong rows. The document stays bounded: the first ``MAX_CHARACTERS`` characters of a
name are spelled, with alternative readings for at most ``MAX_POLYPHONIC`` of them.
"""

import functools
import re
from typing import NamedTuple

from pypinyin import Style, load_phrases_dict, pinyin

from anjian.core.text import normalize

# Characters read more than one way in names of enterprises and places: the readings
# pypinyin knows for them that names use, the usual one in a name first. A test checks
# each against pypinyin's own list. Add a character when users cannot find a name by
# the reading they know; a data migration then recomputes the rows' columns.
COMMON_READINGS: dict[str, tuple[str, ...]] = {
    "长": ("chang", "zhang"),
    "重": ("zhong", "chong"),
    "行": ("xing", "hang"),
    "乐": ("le", "yue"),
    "单": ("dan", "shan"),
    "曾": ("zeng", "ceng"),
    "厦": ("xia", "sha"),
    "藏": ("cang", "zang"),
    "传": ("chuan", "zhuan"),
    "朝": ("chao", "zhao"),
    "调": ("tiao", "diao"),
    "都": ("du", "dou"),
    "解": ("jie", "xie"),
    "强": ("qiang", "jiang"),
    "降": ("jiang", "xiang"),
    "会": ("hui", "kuai"),
    "车": ("che", "ju"),
    "大": ("da", "dai"),
    "和": ("he", "huo"),
    "省": ("sheng", "xing"),
    "宿": ("su", "xiu"),
    "朴": ("pu", "piao"),
    "查": ("cha", "zha"),
    "盛": ("sheng", "cheng"),
    "阿": ("a", "e"),
    "柏": ("bai", "bo"),
    "泊": ("bo", "po"),
    "蚌": ("bang", "beng"),
    "堡": ("bao", "bu", "pu"),
    "种": ("zhong", "chong"),
    "便": ("bian", "pian"),
    "薄": ("bo", "bao"),
    "校": ("xiao", "jiao"),
    "角": ("jiao", "jue"),
    "率": ("lv", "shuai"),
    "弹": ("dan", "tan"),
    "奇": ("qi", "ji"),
    "番": ("fan", "pan"),
    "莞": ("guan", "wan"),
    "六": ("liu", "lu"),
    "莘": ("xin", "shen"),
    "系": ("xi", "ji"),
    "尉": ("wei", "yu"),
    "仇": ("qiu", "chou"),
    "差": ("cha", "chai"),
    "卡": ("ka", "qia"),
    "露": ("lu", "lou"),
    "色": ("se", "shai"),
    "模": ("mo", "mu"),
    "参": ("can", "shen"),
    "塞": ("sai", "se"),
    "蔚": ("wei", "yu"),
    "茜": ("qian", "xi"),
    "秘": ("mi", "bi"),
}

# Place names whose reading pypinyin gets wrong from its dictionary alone (闵行 is read
# min-hang, not min-xing). Loaded into pypinyin's phrase table once, at import.
PHRASES: dict[str, list[list[str]]] = {
    "闵行": [["mǐn"], ["háng"]],
    "殷行": [["yīn"], ["háng"]],
    "长宁": [["cháng"], ["níng"]],
}
load_phrases_dict(PHRASES)

MAX_CHARACTERS = 64  # of a name spelled for search; enterprise names are ~10–20
MAX_POLYPHONIC = 4  # characters of a name whose other common readings are spelled too
SORT_KEY_LENGTH = 200  # the sort-key column's width; ties beyond it are broken by id


_HAN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")


class Syllable(NamedTuple):
    readings: tuple[str, ...]  # the name's reading first
    chinese: bool  # False: other text, spelt as itself (normalised)


@functools.lru_cache(maxsize=1024)  # a name's spellings and sort key are computed together
def readings(name: str) -> tuple[Syllable, ...]:
    """The name's syllables in order, each with its readings (the name's reading first).

    Text that is not Chinese stays one item, normalised (lower-case, half-width, no spaces
    or punctuation): "ABC科技" → abc, ke, ji.
    """
    items: list[Syllable] = []
    position = 0
    for run in _HAN.finditer(name):
        items.extend(_other(name[position : run.start()]))
        chars = run.group()
        found = pinyin(chars, style=Style.NORMAL, heteronym=True, errors="default")
        if len(found) != len(chars):  # pypinyin answers one item per character; if not,
            chars = " " * len(found)  # no character is taken for a polyphonic one
        items.extend(
            Syllable(_choices(c, f), chinese=True) for c, f in zip(chars, found, strict=True)
        )
        position = run.end()
    items.extend(_other(name[position:]))
    return tuple(items)


def _other(text: str) -> list[Syllable]:
    spelt = normalize(text).replace(" ", "")
    return [Syllable((spelt,), chinese=False)] if spelt else []


def _choices(char: str, found: list[str]) -> tuple[str, ...]:
    """pypinyin's readings of ``char``: its first, or those of ``COMMON_READINGS``."""
    known = COMMON_READINGS.get(char)
    if known is None:
        return (found[0],)
    # One reading from pypinyin: it read the word (重庆 → chong); else the usual one.
    usual = found[0] if len(found) == 1 else known[0]
    return (usual, *(r for r in known if r != usual))


def spellings(name: str) -> list[str]:
    """Full pinyin and initials of ``name`` (no spaces), first with each syllable's usual
    reading, then once more for each other common reading of its first ``MAX_POLYPHONIC``
    polyphonic characters: 上海长宁 → shanghaichangning, shcn, shanghaizhangning, shzn."""
    syllables = readings(name[:MAX_CHARACTERS])
    usual = [syllable.readings[0] for syllable in syllables]
    variants = [usual]
    polyphonic = [i for i, syllable in enumerate(syllables) if len(syllable.readings) > 1]
    for index in polyphonic[:MAX_POLYPHONIC]:
        for other in syllables[index].readings[1:]:
            variants.append([*usual[:index], other, *usual[index + 1 :]])
    found: dict[str, None] = {}
    for variant in variants:
        found["".join(variant)] = None
        initials = (
            spelt[0] if syllable.chinese else spelt
            for spelt, syllable in zip(variant, syllables, strict=True)
        )
        found["".join(initials)] = None
    return [text for text in found if text]


def sort_key(name: str) -> str:
    """Tone-less pinyin of the whole name, lower-case, for sorting: 上海石化 → shanghaishihua.

    Pinyin is ASCII letters, so both databases order it alike under any collation; text
    that is not Chinese is kept as ``readings`` normalises it.
    """
    return "".join(syllable.readings[0] for syllable in readings(name))[:SORT_KEY_LENGTH]
