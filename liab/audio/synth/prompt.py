"""parse_prompt: genre, mood, tempo, key and length out of free text such as 'dark trap beat 140 bpm in F minor'."""

from __future__ import annotations

import re

from .spec import MAX_BPM, MAX_LENGTH_S, MIN_BPM, MIN_LENGTH_S, canonical_key

_GENRE_WORDS = {
    'boom bap': r'boom[\s-]?bap',
    'lo-fi': r'lo[\s-]?fi',
    'drill': r'drill',
    'trap': r'trap',
    'afrobeats': r'afro[\s-]?beats?|afro[\s-]?pop|afro',
    'house': r'(?:deep |tech )?house',
    'r&b': r'r\s?&\s?b|r\s?n\s?b|r and b|rhythm and blues',
    'pop': r'pop',
    'hip hop': r'hip[\s-]?hop|rap',
}
_MOOD_WORDS = {
    'energetic': r'energetic|energy|hype[ds]?|bouncy|upbeat|driving|party',
    'chill': r'chill(?:ed|y)?|relax(?:ed|ing)?|laid[\s-]?back|mellow|calm|smooth',
    'dark': r'dark|sinister|menacing|evil|eerie|gritty|moody',
    'happy': r'happy|joyful|uplifting|cheerful|bright|sunny|feel[\s-]?good',
    'sad': r'sad|melanchol(?:y|ic)|emotional|depress(?:ed|ing)|somber|sombre|heartbreak',
    'romantic': r'romantic|love|sensual|sexy|intimate',
    'aggressive': r'aggressive|angry|hard(?:[\s-]hitting)?|intense|heavy|gangsta',
    'dreamy': r'dreamy|ethereal|atmospheric|ambient|spacey|spacy|floaty|hazy',
}
_NOTE = r'([a-g])(?:\s*(#|♯|b(?![a-ln-z])|♭|-?sharp|-?flat))?'
# 'F minor', 'Bb maj', 'c#m', 'A min'; a bare 'am' or 'em' only after 'in' or 'key (of)'.
_KEY_WITH_QUALITY = re.compile(rf'(?<![\w#]){_NOTE}\s*(major|maj|minor|min)(?![a-z])', re.IGNORECASE)
_KEY_SHORT = re.compile(rf'(?<![\w#]){_NOTE}(m)(?![a-z])', re.IGNORECASE)
_KEY_AFTER_IN = re.compile(rf'\b(?:in|key(?:\s+of)?)\s+{_NOTE}(m)?(?![\w#♯♭])(?!\s*(?:major|maj|minor|min)\b)',
                           re.IGNORECASE)
_BPM = re.compile(r'(\d{2,3}(?:\.\d+)?)\s*(?:bpm|beats per minute)\b|\b(?:bpm|tempo)\s*:?\s*(\d{2,3})\b',
                  re.IGNORECASE)
_CLOCK = re.compile(r'\b(\d{1,2}):([0-5]\d)\b')
_MINUTES = re.compile(r'(\d+(?:\.\d+)?)\s*(?:minutes?|mins?)\b(?:\s*(?:and\s*)?(\d+)\s*(?:seconds?|secs?|s)\b)?',
                      re.IGNORECASE)
# '90s' is a length, but not "'90s", '90s style' (decades) or '808s' (drums).
_SECONDS = re.compile(r"(?<!['\u2019\d.])(?!(?:808|909)s)(\d+(?:\.\d+)?)\s*(?:seconds?|secs?|s)\b"
                      r'(?!\s*(?:style|vibe|era|sound|feel))', re.IGNORECASE)


def parse_prompt(text: str) -> dict[str, object]:
    """Fill the fields a free-text prompt mentions: 'dark trap beat 140 bpm in F minor' -> {'mood': 'dark',
    'genre': 'trap', 'bpm': 140, 'key': 'F minor'}. The first genre or mood named wins; a tempo out of range is
    halved or doubled into it (the same groove), a length is held within range; unknown words are ignored and
    nothing raises."""
    if not isinstance(text, str):
        return {}
    found: dict[str, object] = {}
    genre = _first(text, _GENRE_WORDS)
    if genre:
        found['genre'] = genre
    mood = _first(text, _MOOD_WORDS)
    if mood:
        found['mood'] = mood
    bpm = _bpm(text)
    if bpm:
        found['bpm'] = bpm
    key = _key(text)
    if key:
        found['key'] = key
    length = _length(_BPM.sub(' ', text))
    if length:
        found['length_s'] = length
    return found


def _first(text: str, words: dict[str, str]) -> str | None:
    best: tuple[int, str] | None = None
    for name, pattern in words.items():
        match = re.search(rf'(?<![\w&])(?:{pattern})(?![\w&])', text, re.IGNORECASE)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), name)
    return best[1] if best else None


def _bpm(text: str) -> int | None:
    match = _BPM.search(text)
    if not match:
        return None
    value = float(match.group(1) or match.group(2))
    if value <= 0:
        return None
    while value > MAX_BPM:
        value /= 2
    while value < MIN_BPM:
        value *= 2
    return min(MAX_BPM, max(MIN_BPM, round(value)))


def _key(text: str) -> str | None:
    candidates = []
    for priority, pattern in enumerate((_KEY_WITH_QUALITY, _KEY_SHORT, _KEY_AFTER_IN)):
        for match in pattern.finditer(text):
            letter, accidental, quality = match.group(1), match.group(2) or '', match.group(3) or ''
            if pattern is _KEY_SHORT and not accidental and not _after_in(text, match.start()):
                continue  # 'am', 'fm', 'cm' are words and units before they are keys
            if letter == 'a' and not accidental and pattern is not _KEY_SHORT and not quality:
                continue  # 'in a minute'
            if letter == 'a' and not accidental and quality and not _after_in(text, match.start()):
                continue  # 'a minor detail' reads as the article; 'in a minor' and 'A minor' are keys
            quality = 'minor' if quality.lower() in {'m', 'min', 'minor'} else 'major'
            accidental = accidental.lower().lstrip('-')
            key = canonical_key(f'{letter}{"#" if accidental in {"#", "♯", "sharp"} else "b" if accidental else ""}'
                                f' {quality}')
            if key:
                candidates.append((match.start(1), priority, key))
    return min(candidates)[2] if candidates else None


def _after_in(text: str, start: int) -> bool:
    return re.search(r'\b(?:in|key(?:\s+of)?)\s+$', text[:start], re.IGNORECASE) is not None


def _length(text: str) -> float | None:
    seconds = None
    if match := _CLOCK.search(text):
        seconds = int(match.group(1)) * 60 + int(match.group(2))
    elif match := _MINUTES.search(text):
        seconds = float(match.group(1)) * 60 + float(match.group(2) or 0)
    elif match := _SECONDS.search(text):
        seconds = float(match.group(1))
    if not seconds:
        return None
    return float(min(MAX_LENGTH_S, max(MIN_LENGTH_S, seconds)))
