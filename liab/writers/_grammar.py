"""Compose lines from the word banks and patterns: each ends on a chosen rhyme word and fits a syllable range."""

from __future__ import annotations

import functools
import random
import re
from collections import Counter
from dataclasses import dataclass

from . import _patterns as pat
from . import _rhyme, _words
from ._theme import ThemeWord, ing, is_plural, third_person

_ATTEMPTS = 48
_SIMPLE = {'P': _words.PREPOSITIONS, 'TIME': _words.TIMES, 'BODY': _words.BODY, 'SENSE': _words.SENSES}
_SLOT = re.compile(r'(\{[^}]+\})')
_FUNCTION_WORDS = frozenset(_words._w(
    'the a an and i me my we you your our us it is are so in on of to with for all every this that like now was '
    'were be been got will just how never still out here far from can feel make'))


@dataclass(frozen=True)
class EndWord:
    text: str
    parts: tuple[str, ...]  # which final patterns it can end: 'n' noun, 'a' adjective, 'v' verb, 'x' adverb
    phones: str
    mood: bool


class Composer:
    """Writes the lines of one song (or one refine) so no line repeats and end words are not reused."""

    def __init__(self, rng: random.Random, *, genre: str, mood: str, theme: tuple[ThemeWord, ...], low: int,
                 high: int, used: set[str] | None = None) -> None:
        self.rng, self.genre, self.mood = rng, genre, mood
        self.rap = genre in _rhyme.RAP_GENRES
        self.bank = _words.MOOD_BANKS[mood]
        self.flavour = _words.GENRE_NOUNS[genre]
        self.low, self.high = low, high
        self.used_lines: set[str] = {line.lower() for line in (used or ())}
        self.used_ends: set[str] = set()
        self.banned: set[str] = set()
        self.pool = rhyme_pool(mood, genre)
        fallback = ThemeWord(rng.choice([n for n in self.bank.nouns if not is_plural(n)]), 'noun')
        self.theme = theme or (fallback,)
        self.given_theme = bool(theme)
        self._turn = 0
        self._owed: list[ThemeWord] = []
        openers = _words.OPENERS['rap' if self.rap else 'sung']
        self.openers: dict[int, list[str]] = {0: ['']}
        for opener in openers:
            self.openers.setdefault(_rhyme.syllables(opener), []).append(opener)

    def hook_phrase(self) -> str:
        main = self.theme[0]
        patterns = [p for p in pat.HOOKS if main.kind in ('noun', 'proper') or '{A}' not in p]
        candidates = [self.render(self.rng.choice(patterns), theme=main) for _ in range(16)]
        fitting = [c for c in candidates if 2 <= _rhyme.syllables(c) <= self.high - 4 and _echo_free(c, main.text)]
        hook = fitting[0] if fitting else self.render(pat.HOOK_ALONE, theme=main)
        self.banned |= {w.lower() for w in _rhyme.words_of(hook)}  # 'Nothing like the tide, ... tide' reads badly
        return hook

    def section(self, letters: str, *, themed: int = 0, hook: str | None = None, hook_at: tuple[int, ...] = (),
                keys: dict[str, str] | None = None) -> list[str]:
        """Lines rhyming by `letters` ('AABB', 'ABAB'); `keys` forces a letter onto a given rhyming part."""
        ends = self.end_words(letters, keys or {}, short=hook is not None or self.high <= 9)
        free = [i for i in range(len(letters)) if i not in hook_at]
        theme_at = set(self.rng.sample(free, min(themed, len(free))))
        lines = []
        for index, end in enumerate(ends):
            word = self.next_theme() if index in theme_at else None
            lines.append(self.line(end, theme=word, hook=hook if index in hook_at else None))
            if word and word.surface().lower() not in lines[-1].lower():
                self._owed.append(word)  # it did not fit this line: the next themed line carries it
        return lines

    def owe(self, words: list[ThemeWord]) -> None:
        """Theme words the next themed lines should carry first (ones no line has carried yet)."""
        self._owed = [*words, *(w for w in self._owed if w not in words)]

    def next_theme(self) -> ThemeWord:
        if self._owed:
            return self._owed.pop(0)
        pick = self.theme[1:] or self.theme
        word = pick[self._turn % len(pick)]
        self._turn += 1
        return word

    def end_words(self, letters: str, keys: dict[str, str], *, short: bool = False) -> list[EndWord]:
        """End words for each letter; `short` keeps to words of one or two syllables (lines after a hook)."""
        counts = Counter(letters)
        chosen: dict[str, list[EndWord]] = {}
        taken: set[str] = set()
        for letter in dict.fromkeys(letters):
            key = keys.get(letter) or self._pick_group(counts[letter], taken, short=short)
            taken.add(key)
            chosen[letter] = self._pick_words(key, counts[letter], short=short)
        return [chosen[letter].pop(0) for letter in letters]

    def line(self, end: EndWord, *, theme: ThemeWord | None = None, hook: str | None = None) -> str:
        """One line ending on `end`, carrying the theme word or after the hook phrase when asked, within the range.
        If the usual grammar cannot fit, short tails are allowed, then the theme word is let go."""
        closest: list[tuple[int, str]] = []
        stages = ((theme, False, 2), (theme, True, 1), (theme, True, 0), (None, True, 0))
        if theme is not None and not self.given_theme:  # a stand-in theme word is let go before variety is
            stages = ((theme, False, 2), (None, False, 2), (None, True, 1), (None, True, 0))
        for carry, tails, enough in stages:
            text = self._attempts(end, carry, hook, tails=tails, enough=min(enough, 1) if hook else enough,
                                  closest=closest)
            if text:
                return self._keep(text, end)
        best = min(closest)[1] if closest else _join('', hook, '', end.text)
        while _rhyme.syllables(best) < self.low:  # not seen in tests: pad the closest line with a filler
            best = _join('yeah,' if self.rap else 'oh,', None, '', best[0].lower() + best[1:])
        return self._keep(best, end)

    def _attempts(self, end: EndWord, theme: ThemeWord | None, hook: str | None, *, tails: bool, enough: int,
                  closest: list[tuple[int, str]]) -> str | None:
        for _ in range(_ATTEMPTS):
            part = self.rng.choice(end.parts)
            themed_final = theme is not None and self.rng.random() < 0.5
            finals = pat.THEME_FINALS[part] if themed_final else \
                pat.FINALS[part] + (pat.HOOK_TAILS[part] if hook or tails else ())
            pattern = self.rng.choice(finals)
            final = self.render(pattern, end=end.text, theme=theme)
            lead_patterns = pat.THEME_LEADS if theme is not None and not themed_final else pat.LEADS
            picked = [self.rng.choice(lead_patterns) for _ in range(3)]
            if lead_patterns is pat.LEADS:
                picked.append('')
            # a line with few real choices of words in it would repeat across songs (a hook line has the hook
            # phrase for company); the relaxed rounds allow one rather than miss the syllable range
            leads = [(self.render(p, theme=theme), _choices(p) + _choices(pattern)) for p in picked
                     if _choices(p) + _choices(pattern) >= enough]
            base = _rhyme.syllables(final) + (_rhyme.syllables(hook) if hook else 0)
            options = []
            for lead, choices in leads:
                size = base + _rhyme.syllables(lead)
                for count, openers in self.openers.items():
                    # a bare line with little choice in it gets an opener for variety, unless nothing else fits
                    bare = not hook and choices < 2 and count == 0 and enough > 0
                    if self.low <= size + count <= self.high and (not hook or count == 0) and not bare:
                        options += [(lead, self.rng.choice(openers))] * (4 if count == 0 else 1)
                text = _join('', hook, lead, final)
                closest.append((max(self.low - size, size - self.high, 0) + 100 * (not self._fresh(text)), text))
            self.rng.shuffle(options)
            for lead, opener in dict.fromkeys(options):
                text = _join(opener, hook, lead, final)
                if self._fresh(text):
                    return text
        return None

    def render(self, pattern: str, *, end: str = '', theme: ThemeWord | None = None) -> str:
        out: list[str] = []
        plural = False
        determiners = _words.PLURAL_DETERMINERS if end and is_plural(end) else _words.DETERMINERS
        for piece in _SLOT.split(pattern):
            if not piece.startswith('{'):
                out.append(piece)
                continue
            slot = piece[1:-1]
            if slot == 'N':
                word = self.noun()
                plural = is_plural(word)
            elif slot == 'E':
                word = end
                plural = is_plural(end)
            elif slot == 'D':
                word = self.rng.choice(determiners)
            elif slot in ('T', 'Tb'):
                assert theme is not None
                noun = self.noun(singular=True)
                pick = _words.PLURAL_DETERMINERS if theme.plural else _words.DETERMINERS
                word = theme.phrase(self.rng.choice(pick), noun) if slot == 'T' else theme.bare(noun)
                plural = theme.plural
            else:
                word = self._slot(slot, plural)
            out.append(word)
        return re.sub(r'\s+', ' ', ''.join(out)).strip()

    def noun(self, *, singular: bool = False) -> str:
        roll = self.rng.random()
        source = self.bank.nouns if roll < 0.5 else self.flavour if roll < 0.7 else _words.NEUTRAL.nouns
        return self.rng.choice(_singular(source) or _words.NEUTRAL.nouns if singular else source)

    def _slot(self, slot: str, plural: bool) -> str:
        rng = self.rng
        kind, _, form = slot.partition(':')
        if slot in ('A', 'a?'):
            skip = slot == 'a?' and rng.random() < 0.55
            word = rng.choice(self.bank.adjectives if rng.random() < 0.65 else _words.NEUTRAL.adjectives)
            return '' if skip else word + ' ' if slot == 'a?' else word
        if kind in ('V', 'M'):
            bank = (self.bank.verbs, _words.NEUTRAL.verbs) if kind == 'V' else (self.bank.moves, _words.NEUTRAL.moves)
            verb = rng.choice(bank[0] if rng.random() < 0.6 else bank[1])
            return ing(verb) if form == 'ing' else verb if form != 's' or plural else third_person(verb)
        fixed = {'be': 'are' if plural else 'is', 's': '' if plural else 's',
                 'Ibeen': 'I been' if self.rap else "I've been"}
        if slot in fixed:
            return fixed[slot]
        return rng.choice(_SIMPLE[slot])

    def _pick_group(self, count: int, taken: set[str], *, short: bool = False) -> str:
        avoid = self.used_ends | self.banned

        def free(key: str) -> int:
            return len({w.phones for w in self.pool[key]
                        if w.text not in avoid and (not short or _rhyme.word_syllables(w.text) <= 2)})

        keys = [k for k in self.pool if k not in taken and free(k) >= count]
        if not keys:
            keys = [k for k in self.pool if k not in taken and len(self.pool[k]) >= count] or list(self.pool)
        weights = [1 + 2 * sum(w.mood for w in self.pool[k]) for k in keys]
        return self.rng.choices(keys, weights)[0]

    def _pick_words(self, key: str, count: int, *, short: bool = False) -> list[EndWord]:
        words = list(self.pool.get(key) or _all_groups(self.mood, self.genre).get(key, ()))
        words = [w for w in words if w.text not in self.banned] or words
        self.rng.shuffle(words)
        words.sort(key=lambda w: (w.text in self.used_ends, short and _rhyme.word_syllables(w.text) > 2,
                                  not w.mood and self.rng.random() < 0.5))
        picked: list[EndWord] = []
        for word in words:
            if all(word.phones != p.phones for p in picked):
                picked.append(word)
            if len(picked) == count:
                break
        while len(picked) < count:
            picked.append(picked[len(picked) % max(len(picked), 1)])
        return picked

    def _fresh(self, text: str) -> bool:
        if not text or text.lower() in self.used_lines:
            return False
        content = [w.lower() for w in _rhyme.words_of(text) if w.lower() not in _FUNCTION_WORDS]
        return len(content) == len(set(content))

    def _keep(self, text: str, end: EndWord) -> str:
        self.used_lines.add(text.lower())
        self.used_ends.add(end.text)
        return text


def _echo_free(phrase: str, word: str) -> bool:
    """False for 'Night tonight' or 'Mind on my mind': the theme word inside another word of the phrase."""
    key = word.lower()
    return all(key not in other.lower() or other.lower() == key for other in _rhyme.words_of(phrase)) and \
        sum(other.lower() == key for other in _rhyme.words_of(phrase)) == 1


@functools.cache
def _singular(nouns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in nouns if not is_plural(n))


@functools.cache
def _choices(pattern: str) -> int:
    """How many slots in a pattern offer a real choice of words (an optional adjective, a determiner or the theme
    word do not)."""
    fixed = ('{E}', '{be}', '{s}', '{Ibeen}', '{a?}', '{D}', '{T}', '{Tb}')
    return sum(slot not in fixed for slot in _SLOT.findall(pattern))


def _join(opener: str, hook: str | None, lead: str, final: str) -> str:
    parts = [opener, f'{hook},' if hook and (lead or final) else hook or '', f'{lead},' if lead else '', final]
    text = ' '.join(p for p in parts if p)
    return text[:1].upper() + text[1:]


@functools.lru_cache(maxsize=128)
def rhyme_pool(mood: str, genre: str) -> dict[str, tuple[EndWord, ...]]:
    """End words for this mood and genre grouped by their strict CMU rhyming part; groups of one are dropped."""
    return {k: v for k, v in _all_groups(mood, genre).items() if len({w.phones for w in v}) >= 2}


@functools.lru_cache(maxsize=128)
def _all_groups(mood: str, genre: str) -> dict[str, tuple[EndWord, ...]]:
    bank, neutral = _words.MOOD_BANKS[mood], _words.NEUTRAL
    parts: dict[str, set[str]] = {}
    for words, part in ((bank.nouns, 'n'), (neutral.nouns, 'n'), (_words.GENRE_NOUNS[genre], 'n'),
                        (bank.adjectives, 'a'), (neutral.adjectives, 'a'), (bank.moves, 'v'), (neutral.moves, 'v'),
                        (_words.ADVERB_ENDS, 'x')):
        for word in words:
            parts.setdefault(word, set()).add(part)
    groups: dict[str, list[EndWord]] = {}
    mood_words = bank.words()
    for word, kinds in parts.items():
        found = _rhyme.phones(word)
        if not found or not word.isalpha():
            continue
        key = _rhyme.rhyming_part(word)
        groups.setdefault(key, []).append(EndWord(word, tuple(sorted(kinds)), found[0], word in mood_words))
    return {k: tuple(v) for k, v in sorted(groups.items())}


def partners(word: str, mood: str, genre: str) -> list[EndWord]:
    """Bank words that rhyme with `word` by the strict CMU rhyming part, this mood's first, then any mood's."""
    key = _rhyme.rhyming_part(word)
    if not key:
        return []
    phones = set(_rhyme.phones(word))
    found = [w for w in _all_groups(mood, genre).get(key, ()) if w.phones not in phones]
    for other in _words.MOOD_BANKS:
        found += [w for w in _all_groups(other, genre).get(key, ())
                  if w.phones not in phones and all(w.text != f.text for f in found)]
    return found
