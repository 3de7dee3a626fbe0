"""Syllables and rhymes from the CMU pronouncing dictionary, with a spelling fallback for words it does not know.

The dictionary is read once per process, on first use (about half a second), under a lock so worker threads can
share it.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence

RAP_GENRES = frozenset({'hip hop', 'trap', 'boom bap', 'drill'})
HALF_TIME_GENRES = frozenset({'trap', 'drill'})
# NOTE: the same tempi as liab.audio.synth.spec.DEFAULT_BPM, copied so this module stays free of numpy.
DEFAULT_BPM = {'hip hop': 92, 'trap': 140, 'boom bap': 90, 'lo-fi': 80, 'pop': 110, 'r&b': 95, 'house': 124,
               'drill': 142, 'afrobeats': 105}
_RAP_RATE, _SUNG_RATE = 4.0, 3.2  # syllables per second that sit comfortably on a bar

APOSTROPHES = "'\u2019"
_WORD = re.compile(rf"[^\W_]+(?:[{APOSTROPHES}][^\W_]+)*'?")
_TRAILING_ADLIB = re.compile(r'\s*\([^()]*\)\s*$')
_LOCK = threading.Lock()
_CMU: dict[str, dict[str, list[str]]] = {}


def syllables(line: str) -> int:
    return sum(word_syllables(word) for word in words_of(line))


def syllable_range(genre: str, bpm: float | None) -> tuple[int, int]:
    """Rap lines fill a bar at about 4 syllables a second, sung lines at about 3.2; trap and drill at 130 BPM or
    more are felt in half time, so their bar is twice as long."""
    rap = genre in RAP_GENRES
    tempo = float(bpm) if bpm is not None and math.isfinite(bpm) and bpm > 0 else DEFAULT_BPM.get(genre, 100)
    tempo = min(max(tempo, 40.0), 240.0)
    if genre in HALF_TIME_GENRES and tempo >= 130:
        tempo /= 2
    bar_s = 240 / tempo
    centre = (_RAP_RATE if rap else _SUNG_RATE) * bar_s
    low_cap, high_cap = (7, 15) if rap else (6, 12)
    centre = round(min(max(centre, low_cap), high_cap))
    spread = max(2, round(centre * 0.15))
    return centre - spread, centre + spread


def rhymes(a: str, b: str) -> bool:
    """True when the last words of a and b share a rhyming part in some pronunciation (primary and secondary stress
    count alike); words the dictionary lacks are compared by the spelling of their last vowel and what follows."""
    first, second = last_word(a), last_word(b)
    if not first or not second:
        return False
    return bool(rhyme_keys(first) & rhyme_keys(second))


def line_rhymes(lines: Sequence[str]) -> list[bool]:
    """For each line, whether its last word rhymes with the line one or two before or after it."""
    keys = [rhyme_keys(last_word(line)) if last_word(line) else frozenset() for line in lines]
    flags = []
    for index, key in enumerate(keys):
        near = (index - 1, index + 1, index - 2, index + 2)
        flags.append(bool(key) and any(0 <= other < len(keys) and key & keys[other] for other in near))
    return flags


def rhyme_share(sections: Iterable[Sequence[str]]) -> float:
    flags = [flag for lines in sections for flag in line_rhymes(lines)]
    return sum(flags) / len(flags) if flags else 0.0


def words_of(line: str) -> list[str]:
    return _WORD.findall(line)


def last_word(line: str) -> str:
    found = words_of(_TRAILING_ADLIB.sub('', line)) or words_of(line)
    return found[-1] if found else ''


def phones(word: str) -> list[str]:
    """CMU pronunciations of a word ('' apostrophes and "runnin'" spellings included), or []."""
    lookup = _cmu()
    key = word.lower().replace('\u2019', "'")
    found = lookup.get(key) or lookup.get(key.strip("'"))
    if not found and key.endswith("in'"):
        found = lookup.get(key[:-1] + 'g')
    return found or []


def rhyming_part(word: str) -> str:
    """The strict CMU rhyming part of the first pronunciation: what the writer matches when it picks end words."""
    import pronouncing

    found = phones(word)
    return pronouncing.rhyming_part(found[0]) if found else ''


@functools.lru_cache(maxsize=8192)
def rhyme_keys(word: str) -> frozenset[str]:
    found = phones(word)
    if found:
        import pronouncing

        return frozenset(re.sub(r'2', '1', pronouncing.rhyming_part(p)) for p in found)
    plain = _plain(word.lower())
    match = re.search(r'[aeiouy]+[^aeiouy]*$', plain)
    return frozenset({f'~{match.group(0)}'}) if match and len(plain) > 1 else frozenset()


@functools.lru_cache(maxsize=16384)
def word_syllables(word: str) -> int:
    found = phones(word)
    if found:
        return sum(phone[-1].isdigit() for phone in found[0].split())
    return _spelled_syllables(word)


def _cmu() -> dict[str, list[str]]:
    if 'lookup' not in _CMU:
        with _LOCK:
            if 'lookup' not in _CMU:
                import pronouncing

                pronouncing.init_cmu()
                _CMU['lookup'] = pronouncing.lookup
    return _CMU['lookup']


_LATIN_VOWELS = 'aeiouy'
_GREEK_VOWELS = 'αεηιουω'
_CYRILLIC_VOWELS = 'аеёиоуыэюяіїє'
_SMALL_KANA = set('ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮー')


def _spelled_syllables(word: str) -> int:
    """Vowel groups for Latin and Greek spellings (accents stripped), vowel letters for Cyrillic, one per kana or
    CJK character, and about one per two letters for scripts that do not write short vowels (Arabic, Hebrew)."""
    count, latin, greek, other = 0, [], [], 0
    for char in word.lower():
        name = unicodedata.name(char, '')
        if name.startswith('LATIN'):
            latin.append(char)
        elif name.startswith('GREEK'):
            greek.append(char)
        elif name.startswith('CYRILLIC'):
            count += char in _CYRILLIC_VOWELS
        elif name.startswith(('CJK', 'HIRAGANA', 'KATAKANA', 'HANGUL')):
            count += char not in _SMALL_KANA
        elif char.isalpha():
            other += 1
        elif char.isdigit():
            count += 1
    if latin:
        spelled = ''.join(latin)
        plain = _plain(spelled)
        groups = len(re.findall(f'[{_LATIN_VOWELS}]+', plain))
        if spelled.endswith('e') and not spelled.endswith(('le', 'ee')) and groups > 1:  # a silent e, not 'café'
            groups -= 1
        count += max(groups, 1)
    if greek:
        count += max(len(re.findall(f'[{_GREEK_VOWELS}]+', _plain(''.join(greek)))), 1)
    count += (other + 1) // 2
    return max(count, 1)


def _plain(text: str) -> str:
    return ''.join(c for c in unicodedata.normalize('NFKD', text) if not unicodedata.combining(c))
