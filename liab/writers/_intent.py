"""What a refine instruction asks for, from free English: 'make the chorus shorter', 'darker', 'remove verse 2',
'replace "night" with "day"', 'rewrite the second verse'."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_INSTRUCTION_CHARS = 500

CAN_DO = ('make the chorus shorter or longer; add more rhymes; make it darker, happier, sadder, calmer, more '
          'energetic, more romantic, harder or dreamier; add a bridge; remove a section ("remove verse 2", "remove '
          'the intro"); replace a word ("replace night with day"); or rewrite a section ("rewrite verse 1")')


@dataclass(frozen=True)
class Target:
    kind: str  # 'chorus', 'pre-chorus', 'verse', 'bridge', 'intro', 'outro'
    number: int | None = None  # verse number; -1 for 'the last verse'
    every: bool = False  # 'the verses'

    def label(self) -> str:
        if self.kind == 'verse' and self.number and self.number > 0:
            return f'verse {self.number}'
        if self.kind == 'verse' and self.every:
            return 'the verses'
        return f'the {"last verse" if self.number == -1 else self.kind}'


@dataclass(frozen=True)
class Intent:
    action: str  # 'shorter', 'longer', 'rhymes', 'mood', 'add', 'remove', 'replace', 'rewrite'
    target: Target | None = None
    mood: str = ''
    old: str = ''
    new: str = ''


_MOODS = (
    ('dark', r'dark(er)?|grim(mer)?|gloom(y|ier)|bleak(er)?|moodier|edgier|sinister|ominous'),
    ('happy', r'happ(y|ier)|bright(er)?|upbeat|cheer(ful|ier)|joyful|positive|uplifting|sunn(y|ier)|lighter'),
    ('sad', r'sad(der)?|melanchol(y|ic)|heartbroken|sorrowful|bluer|gloomy'),
    ('chill', r'chill(er)?|calm(er)?|mellow(er)?|relaxed|laid[- ]back|softer|gentler'),
    ('energetic', r'energetic|(more )?energy|hype(r)?|livelier|lively|punchier'),
    ('romantic', r'romantic|sweeter|tender(er)?|more love|lovelier'),
    ('aggressive', r'aggressive|harder|angr(y|ier)|fierce(r)?|tougher|grittier|rawer|more raw'),
    ('dreamy', r'dream(y|ier)|ethereal|spac(ey|ier)|floatier|hazier'),
)
_SECTION = re.compile(
    r'\b(?:(?P<ord>first|second|third|fourth|last|final|1st|2nd|3rd|4th)\s+)?'
    r'(?P<kind>pre[\s-]*(?:chorus|hook)|chorus|hook|refrain|verses?|bridge|breakdown|middle\s*(?:8|eight)|intro|outro)'
    r'(?:\s*(?P<num>\d+|one|two|three|four))?\b')
_ORDINALS = {'first': 1, 'second': 2, 'third': 3, 'fourth': 4, '1st': 1, '2nd': 2, '3rd': 3, '4th': 4, 'one': 1,
             'two': 2, 'three': 3, 'four': 4, 'last': -1, 'final': -1}
_REPLACE = re.compile(
    r'^(?:please\s+)?(?:can you\s+)?(?:replace|change|swap|switch|substitute)\s+(?:(?:the|every|all|each)\s+)?'
    r'(?:(?:word|words|phrase|line)\s+)?(?P<q1>["\'])?(?P<old>.+?)(?(q1)(?P=q1))\s+(?:with|to|for|into|by|->|→)\s+'
    r'(?:the\s+word\s+)?(?P<q2>["\'])?(?P<new>.+?)(?(q2)(?P=q2))\s*(?:please)?[.!]*$', re.IGNORECASE)
_INSTEAD = re.compile(r'^(?:please\s+)?(?:use|say|put)\s+(?P<q2>["\'])?(?P<new>.+?)(?(q2)(?P=q2))\s+instead\s+of\s+'
                      r'(?P<q1>["\'])?(?P<old>.+?)(?(q1)(?P=q1))\s*[.!]*$', re.IGNORECASE)
_QUOTES = str.maketrans({'\u201c': '"', '\u201d': '"', '\u2018': "'", '\u2019': "'"})
_NOT_A_WORD = re.compile(r'^(it|this|that|the (song|lyrics|words|mood|vibe|tone|feel|track)|everything)$')
_SHORTER = re.compile(r'\b(short(er|en)?|trim|tighten|cut\b.*\b(down|in half)|fewer lines|less lines|reduce|'
                      r'condense|smaller)\b')
_LONGER = re.compile(r'\b(long(er)?|lengthen|extend|expand|more lines|add (a )?(few |couple (of )?)?lines?|stretch|'
                     r'bigger)\b')
_REMOVE = re.compile(r'\b(remove|delete|drop|cut|lose|take out|get rid of|scrap|ditch|kill|leave out|no)\b')
_ADD = re.compile(r'\b(add|put|insert|include|give|need|needs|want|write|stick)\b')
_REWRITE = re.compile(r'\b(rewrite|re-write|redo|re-do|rework|new|another|different|change|refresh|regenerate|'
                      r'write again|try again)\b')


def parse_instruction(text: str) -> Intent | None:
    """The first reading that fits, most specific first: a word swap, a resize, a bridge to add, a section to remove,
    rhymes, a mood, a section to rewrite. None when nothing fits."""
    raw = ' '.join((text or '')[:MAX_INSTRUCTION_CHARS].translate(_QUOTES).split())
    lower = raw.lower().rstrip('.! ')
    target = _target(lower)
    chorus = target or (Target('chorus') if re.search(r'\b(chorus|hook)\b', lower) else None)
    mood = next((m for m, pattern in _MOODS if re.search(rf'\b({pattern})\b', lower) and
                 not re.search(rf'\b(less|not|too)\s+(so\s+)?({pattern})\b', lower)), '')
    readings = (
        lambda: _replacement(raw),
        lambda: Intent('shorter', chorus) if chorus and _SHORTER.search(lower) else None,
        lambda: Intent('longer', chorus) if chorus and _LONGER.search(lower) else None,
        lambda: Intent('add', target) if target and target.kind == 'bridge' and _ADD.search(lower) and
        not _REMOVE.search(lower) else None,
        lambda: Intent('remove', target) if target and _REMOVE.search(lower) else None,
        lambda: Intent('rhymes', target) if re.search(r'\brhym', lower) and
        not re.search(r'\b(less|fewer|no|not|stop)\b', lower) else None,
        lambda: Intent('mood', target, mood=mood) if mood else None,
        lambda: Intent('rewrite', target) if target and _REWRITE.search(lower) else None,
    )
    return next((intent for read in readings if (intent := read()) is not None), None)


def _replacement(raw: str) -> Intent | None:
    match = _REPLACE.match(raw) or _INSTEAD.match(raw)
    if not match:
        return None
    old, new = match.group('old').strip(), match.group('new').strip()
    quoted = bool(match.group('q1'))
    if not quoted and (_NOT_A_WORD.match(old.lower()) or _target(old.lower())):
        return None  # 'change the chorus to something darker' is not a word swap
    if not old or not new or len(old) > 80 or len(new) > 80:
        return None
    return Intent('replace', old=old, new=new)


def _target(lower: str) -> Target | None:
    match = _SECTION.search(lower)
    if not match:
        return None
    word = re.sub(r'\s+', ' ', match.group('kind'))
    if word.startswith('pre'):
        kind = 'pre-chorus'
    elif word in ('hook', 'refrain'):
        kind = 'chorus'
    elif word.startswith(('breakdown', 'middle')):
        kind = 'bridge'
    else:
        kind = word.rstrip('s') if word.startswith('verse') else word
    number = _ORDINALS.get(match.group('ord') or '') or _number(match.group('num'))
    return Target(kind, number if kind == 'verse' else None, every=word == 'verses' and not number)


def _number(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) if text.isdigit() else _ORDINALS.get(text)
