"""The artist's theme, reduced to a few salient words the writer can place in lines.

Theme text is untrusted: only the first 500 characters are read, markup and emoji are dropped, and words from
BLOCKED never reach the lyrics. Words in other scripts are kept as typed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from . import _rhyme, _words
from ._rhyme import APOSTROPHES

MAX_THEME_CHARS = 500
MAX_WORDS = 6
_MAX_WORD_SYLLABLES = 4

_SCRIPT_BLOCKS = re.compile(r'<(script|style)\b[^>]*>.*?(</\1\s*>|$)', re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r'<[^>]*(>|$)')
_TOKEN = re.compile(rf'[^\W\d_]+(?:[{APOSTROPHES}-][^\W\d_]+)*')
_STOPWORDS = frozenset(_words._w(
    'a about above after again against all am an and any are as at be because been before being below between '
    'both but by can could did do does doing down during each few for from further had has have having he her here '
    'hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of '
    'off on once only or other our ours ourselves out over own same she should so some such than that the their '
    'theirs them themselves then there these they this those through to too under until up very was we were what '
    'when where which while who whom why will with would you your yours yourself yourselves also maybe really '
    'something anything everything nothing someone anyone everyone thing things stuff lot lots kind sort type style '
    'song songs track tracks lyric lyrics verse verses chorus hook bridge intro outro beat beats bars write written '
    'writing make makes making want wants wanted get gets got getting go goes going gone like likes please let lets '
    'could would should might must shall may can cannot dont im ive youre theyre its thats '
    'feel feels vibe vibes mood genre bpm tempo yeah oh ok okay hey one two three first second new old much many '
    'way ways back still even ever never always every yet well late early big little small good bad great best '
    'better worst last next sent went left felt made told said gave took came saw knew thought brought kept held '
    'found lost became began ran did had got gotten seen been done gone come comes coming came say says tell tells '
    'know knows think thinks look looks give gives take takes live long wanna gonna gotta cause till'))


@dataclass(frozen=True)
class ThemeWord:
    text: str
    kind: str  # 'noun', 'proper' (names and other scripts, used bare), 'gerund', 'adj', 'verb'
    plural: bool = False

    def surface(self) -> str:
        """The form the word takes in a line: 'running' for the verb 'run', else as it is."""
        return ing(self.text) if self.kind == 'verb' else self.text

    def phrase(self, determiner: str, noun: str) -> str:
        """The word as a noun phrase: 'the summer', 'Lagos', 'dancing', 'the lonely night', 'running'."""
        if self.kind in ('proper', 'gerund'):
            return self.text
        if self.kind == 'verb':
            return ing(self.text)
        if self.kind == 'adj':
            return f'{determiner} {self.text} {noun}'
        return f'{determiner} {self.text}'

    def bare(self, noun: str) -> str:
        """The word without a determiner: 'summer', 'Lagos', 'lonely nights', 'running'."""
        if self.kind == 'verb':
            return ing(self.text)
        if self.kind == 'adj':
            return f'{self.text} {noun}'
        return self.text


def theme_words(theme: str, limit: int = MAX_WORDS) -> tuple[ThemeWord, ...]:
    """Up to `limit` salient words, the most salient first (it becomes the hook), then in the theme's order."""
    text = clean_text(theme or '')
    seen: dict[str, ThemeWord] = {}
    order: list[str] = []
    counts: Counter[str] = Counter()
    for match in _TOKEN.finditer(text):
        word = _theme_word(match.group(0), sentence_start=_starts_sentence(text, match.start()))
        if word is None:
            continue
        key = word.text.lower()
        counts[key] += 1
        if key not in seen:
            seen[key] = word
            order.append(key)
    def salience(key: str) -> tuple[int, int]:
        word = seen[key]
        image = word.kind == 'proper' or key in _NOUNS or (word.kind == 'noun' and not key.endswith('ing'))
        return -(2 * counts[key] + (word.kind == 'proper') + (key in _NOUNS) + image), order.index(key)

    scored = sorted(order, key=salience)
    chosen = set(scored[:limit])
    rest = [k for k in order if k in chosen and k != scored[0]] if scored else []
    return tuple(seen[k] for k in ([scored[0], *rest] if scored else []))


def clean_text(text: str) -> str:
    """The first 500 characters with entities decoded and tags, script bodies and angle brackets removed."""
    text = html.unescape(text[:MAX_THEME_CHARS])
    text = _SCRIPT_BLOCKS.sub(' ', text)
    text = _TAG.sub(' ', text)
    return text.replace('<', ' ').replace('>', ' ')


def is_plural(word: str) -> bool:
    lower = word.lower()
    return lower.endswith('s') and not lower.endswith(('ss', 'us', 'is', 'ics')) and lower not in _SINGULAR_S


def ing(verb: str) -> str:
    if verb in _ING:
        return _ING[verb]
    if verb.endswith('ie'):
        return verb[:-2] + 'ying'
    if verb.endswith('e') and not verb.endswith(('ee', 'ye', 'oe')):
        return verb[:-1] + 'ing'
    one_syllable = len(re.findall('[aeiou]+', verb)) == 1
    if verb in _DOUBLED or (one_syllable and re.search(r'(^|[^aeiou])[aeiou][^aeiouwxy]$', verb)):
        return verb + verb[-1] + 'ing'
    return verb + 'ing'


def third_person(verb: str) -> str:
    if verb.endswith(('s', 'sh', 'ch', 'x', 'z', 'o')):
        return verb + 'es'
    if verb.endswith('y') and verb[-2:-1] not in 'aeiou':
        return verb[:-1] + 'ies'
    return verb + 's'


_ING = {'be': 'being', 'see': 'seeing', 'free': 'freeing'}
_DOUBLED = frozenset(_words._w('run swim spin stop drop win skip grab hum sit get let set cut begin forget regret '
                               'shop plan step slip drum jam strum wrap trip dig nod rob'))
_ING_NOUNS = frozenset(_words._w('wedding morning evening ceiling building king ring thing string spring wing swing '
                                 'sibling pudding darling feeling painting meeting clothing ending beginning '
                                 'lightning blessing offering nothing something everything anything'))
_Y_NOUNS = frozenset(_words._w('lady body army jury party story memory energy honey money country journey city baby '
                               'family melody harmony symphony destiny galaxy fantasy'))
_SINGULAR_S = frozenset(_words._w('canvas chaos atlas cosmos bass lens news always perhaps'))
_ADJECTIVES = frozenset(w for bank in (_words.NEUTRAL, *_words.MOOD_BANKS.values()) for w in bank.adjectives)
_VERBS = frozenset(w for bank in (_words.NEUTRAL, *_words.MOOD_BANKS.values()) for w in (*bank.verbs, *bank.moves))
_NOUNS = frozenset(w for bank in (_words.NEUTRAL, *_words.MOOD_BANKS.values()) for w in bank.nouns)


def _theme_word(token: str, *, sentence_start: bool) -> ThemeWord | None:
    token = re.sub(f'[{APOSTROPHES}]s$', '', token).strip(f'-{APOSTROPHES}')
    lower = token.lower()
    latin = all(not c.isalpha() or 'LATIN' in unicodedata.name(c, '') for c in token)
    unusable = (not token or lower in _STOPWORDS or _blocked(lower) or (latin and len(token) < 2) or len(token) > 24
                or _rhyme.word_syllables(token) > _MAX_WORD_SYLLABLES)
    if unusable:
        return None
    kind = _kind(token, lower, latin=latin, sentence_start=sentence_start)
    if kind is None:
        return None
    text = token if kind == 'proper' else lower
    return ThemeWord(text, kind, plural=kind == 'noun' and is_plural(lower))


def _kind(token: str, lower: str, *, latin: bool, sentence_start: bool) -> str | None:
    """The first rule that fits: names and other scripts are used as typed; past tenses ('missed') and adverbs
    ('slowly') are dropped; '-ing' words of our verbs are gerunds; 'rainy', 'restless', 'famous' are adjectives."""
    banked = lower in _NOUNS | _ADJECTIVES | _VERBS
    capital = token[:1].isupper() and not token.isupper()
    rules: tuple[tuple[Callable[[], object], str | None], ...] = (
        (lambda: not latin, 'proper'),
        (lambda: capital and not banked and (not sentence_start or not _rhyme.phones(lower)), 'proper'),
        (lambda: lower in _ADJECTIVES, 'adj'),
        (lambda: lower in _VERBS and lower not in _NOUNS, 'verb'),
        (lambda: lower in _NOUNS, 'noun'),
        (lambda: lower.endswith('ed'), None),
        (lambda: lower.endswith('ly') and _rhyme.phones(lower[:-2]), None),
        (lambda: lower.endswith('ing') and lower not in _ING_NOUNS and (
            {lower[:-3], lower[:-3] + 'e', lower[:-4]} & _VERBS or _rhyme.phones(lower[:-3])), 'gerund'),
        (lambda: lower.endswith(('ful', 'less', 'ous')), 'adj'),
        (lambda: lower.endswith('y') and len(lower) > 4 and lower not in _Y_NOUNS and _rhyme.phones(lower[:-1]),
         'adj'),
    )
    return next((kind for test, kind in rules if test()), 'noun')


def _blocked(lower: str) -> bool:
    return lower in _words.BLOCKED or lower.rstrip('s') in _words.BLOCKED or lower.removesuffix('es') in _words.BLOCKED


def _starts_sentence(text: str, index: int) -> bool:
    before = text[:index].rstrip()
    return not before or before[-1] in '.!?:;\n"\u201c'
