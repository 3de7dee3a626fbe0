"""Release details: the fields a distributor asks for, checked the way stores check them.

`parse_details` turns a form or JSON dict into `ReleaseDetails`, refusing anything a store would refuse with a
message naming the field; `detail_checks` gives the pre-flight rows; `ai_disclosure` says who or what made each part.
Numbers and rules come from ../shared/REFERENCE.md (Metadata, AI disclosure).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from liab.errors import BadInput

ROLES = ('main', 'featured', 'producer', 'composer', 'lyricist', 'mixer', 'mastering')
ROLE_LABELS = {'main': 'Main artist', 'featured': 'Featured artist', 'producer': 'Producer', 'composer': 'Composer',
               'lyricist': 'Lyricist', 'mixer': 'Mixing engineer', 'mastering': 'Mastering engineer'}
DISCLOSED_PARTS = {'music': 'beat', 'vocals': 'vocal', 'lyrics': 'lyrics', 'artwork': 'cover_art', 'mastering': 'mix'}
MAX_TITLE, MAX_NAME, MAX_LINE, MAX_WORD, MAX_CREDITS = 200, 100, 200, 50, 50
PITCH_DAYS = 7  # REFERENCE: pitch to Spotify editors at least 7 days before release, ideally 2 to 4 weeks
FRIDAY = 4

_ROLE_ALIASES = {'main artist': 'main', 'primary': 'main', 'artist': 'main', 'feature': 'featured', 'feat': 'featured',
                 'featuring': 'featured', 'mix engineer': 'mixer', 'mixing': 'mixer', 'mixing engineer': 'mixer',
                 'mastering engineer': 'mastering', 'master engineer': 'mastering', 'songwriter': 'composer',
                 'writer': 'composer', 'lyrics': 'lyricist', 'music': 'composer'}
_TRUE, _FALSE = {'true', 'yes', 'on', '1', 'explicit'}, {'false', 'no', 'off', '0', '', 'clean'}
_ISRC = re.compile(r'^[A-Z]{2}[A-Z0-9]{3}[0-9]{2}[0-9]{5}$')  # ASCII only: \d would take Arabic-Indic digits
_ISO_DATE = re.compile(r'^[0-9]{4}-[0-9]{2}-[0-9]{2}$')
_YEAR_FIRST = re.compile(r'^[0-9]{4}\b')
_ALLOWED_FORMAT = {'\u200c', '\u200d'}  # zero-width (non-)joiner: emoji sequences, Persian and Indic scripts
_CREDIT_MARKER = re.compile(r'(?<!\w)(feat\.?|ft\.|featuring|prod\.|produced by)(?=\s)|[(\[]\s*with\s', re.IGNORECASE)
_VERSION_WORDS = (r'live|acoustic|instrumental|radio edit|extended|edit|remix|mix|remaster(?:ed)?|clean|explicit|'
                  r'demo|sped up|slowed|version|a ?cappella|karaoke')
# '(Radio Edit)', '(Club Mix)', ' - Live at Wembley', but not '(Live Forever)': the version word ends the bracket
# or dash part, or it starts with 'live at/in/from'
_VERSION_PART = rf'[^)\]\-\u2013\u2014]*\b(?:{_VERSION_WORDS})|live (?:at|in|from)\b[^)\]]*'
_VERSION_IN_TITLE = re.compile(rf'(?:[(\[]\s*({_VERSION_PART})\s*[)\]]|\s[-\u2013\u2014]\s*({_VERSION_PART}))\s*$',
                               re.IGNORECASE)
_EMOJI = re.compile('[\u2600-\u27bf\ufe0f\U0001f000-\U0001faff]')
# ISO 639-1, and 'zxx' (ISO 639-2: no linguistic content), which distributors use for instrumentals.
LANGUAGES = frozenset((
    'aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el '
    'en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu '
    'ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na '
    'nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so '
    'sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu '
    'zxx').split())


class FieldError(BadInput):
    """BadInput that also names the form field, so a form can mark it ('title', 'credits', 'isrc', ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Credit:
    name: str
    role: str  # one of ROLES
    share: float  # percent of ownership, 0..100; 0 for people who do not own a part (a mixer, say)


@dataclass(frozen=True)
class ReleaseDetails:
    title: str
    artist: str
    genre: str
    mood: str
    release_date: date
    explicit: bool
    language: str  # ISO 639-1, e.g. 'en'; 'zxx' for an instrumental
    label: str
    p_line: str  # '2025 Nova Reyes': the stores print the (P) and (C) symbols themselves
    c_line: str
    isrc: str | None
    upc: str | None
    credits: tuple[Credit, ...]
    version: str | None = None  # 'Radio Edit', 'Live', 'Instrumental': never in the title

    def to_json(self) -> dict[str, Any]:
        """A dict `parse_details` reads back: the shape stored in project memory and sent to the browser."""
        return {**asdict(self), 'release_date': self.release_date.isoformat(),
                'credits': [asdict(credit) for credit in self.credits]}

    def owners(self) -> tuple[Credit, ...]:
        return tuple(credit for credit in self.credits if credit.share > 0)


def parse_details(values: dict) -> ReleaseDetails:
    """Release details from a form or JSON dict; FieldError (a BadInput) naming the field for anything wrong."""
    if not isinstance(values, dict):
        raise BadInput('Release details must be an object of fields.')
    title = _text(values, 'title', 'Title', MAX_TITLE, required=True)
    artist = _text(values, 'artist', 'Artist', MAX_NAME, required=True)
    release_date = _date(values.get('release_date'))
    label = _text(values, 'label', 'Label', MAX_NAME) or artist  # REFERENCE: the artist's own name when independent
    p_line = _symbol_free(_text(values, 'p_line', '(P) line', MAX_LINE), ('\u2117', '(p)'))
    c_line = _symbol_free(_text(values, 'c_line', '(C) line', MAX_LINE), ('\u00a9', '(c)'))
    credits = _credits(values.get('credits'))
    details = ReleaseDetails(
        title=title, artist=artist, genre=_text(values, 'genre', 'Genre', MAX_WORD, required=True),
        mood=_text(values, 'mood', 'Mood', MAX_WORD), release_date=release_date,
        explicit=_flag(values.get('explicit')), language=_language(values.get('language')), label=label,
        p_line=p_line or f'{release_date.year} {label}', c_line=c_line or f'{release_date.year} {label}',
        isrc=_optional_code(values.get('isrc'), 'isrc', normalise_isrc, check_isrc),
        upc=_optional_code(values.get('upc'), 'upc', _digits, check_upc),
        credits=credits, version=_text(values, 'version', 'Version', MAX_NAME) or None)
    _check_title(details)
    return details


def suggest_release_date(today: date) -> date:
    """The first Friday (the industry release day) at least 7 days out, so there is time to pitch to editors."""
    earliest = today + timedelta(days=PITCH_DAYS)
    return earliest + timedelta(days=(FRIDAY - earliest.weekday()) % 7)


def normalise_isrc(text: Any) -> str:
    """'us-s1z-99-00001' -> 'USS1Z9900001': hyphens and spaces are not part of the code (REFERENCE)."""
    cleaned = re.sub(r'[\s\-\u2010-\u2015]', '', str(text or ''))
    cleaned = ''.join(char.upper() if char.isascii() else char for char in cleaned)  # '\u0131'.upper() is 'I'
    return cleaned.removeprefix('ISRC:').removeprefix('ISRC')


def check_isrc(text: Any) -> None:
    code = normalise_isrc(text)
    if not _ISRC.match(code):
        raise BadInput(f'"{_shown(text)}" is not an ISRC: it has 12 characters, CC-XXX-YY-NNNNN (country letters, '
                       'registrant code, two-digit year, five-digit number), e.g. US-S1Z-25-00001.')


def check_upc(text: Any) -> None:
    digits = _digits(text)
    if not (digits.isascii() and digits.isdigit()) or len(digits) not in (12, 13):
        raise BadInput(f'"{_shown(text)}" is not a UPC or EAN: a UPC has 12 digits, an EAN 13.')
    if _check_digit(digits[:-1]) != int(digits[-1]):
        raise BadInput(f'The {"UPC" if len(digits) == 12 else "EAN"} {digits} has a wrong last (check) digit: '
                       f'it should be {_check_digit(digits[:-1])}. Copy it again from your distributor.')


def detail_checks(details: ReleaseDetails, today: date) -> list[tuple[str, str, str]]:
    """Pre-flight rows (name, 'pass' | 'warn' | 'fail', reason) for the release details."""
    missing = [name for name, value in (('title', details.title), ('artist', details.artist),
                                        ('genre', details.genre), ('language', details.language),
                                        ('label', details.label), ('(P) line', details.p_line),
                                        ('(C) line', details.c_line)) if not str(value or '').strip()]
    rows = [('Required fields', 'fail', f'Missing: {", ".join(missing)}.') if missing else
            ('Required fields', 'pass', 'Title, artist, genre, language, label, (P) and (C) lines are filled in.')]
    rows.append(_code_row('ISRC', details.isrc, check_isrc,
                          'None yet: optional here; your distributor assigns one if you have none.'))
    rows.append(_code_row('UPC/EAN', details.upc, check_upc,
                          'None yet: optional here; your distributor assigns one if you have none.'))
    rows.append(_splits_row(details))
    mains = [credit.name for credit in details.credits if credit.role == 'main']
    rows.append(('Main artist credit', 'pass', f'Main artist: {", ".join(mains)}.') if mains else
                ('Main artist credit', 'fail', 'Add a credit with the role "main" for the main artist.'))
    rows.append(_date_row(details.release_date, today))
    rows.append(_title_row(details))
    rows.append(('Language', 'pass', f'Language code "{details.language}".') if details.language in LANGUAGES else
                ('Language', 'fail', f'"{_shown(details.language)}" is not an ISO 639-1 language code such as "en".'))
    years = all(_YEAR_FIRST.match(line or '') for line in (details.p_line, details.c_line))
    rows.append(('(P) and (C) lines', 'pass', 'Both start with the year.') if years else
                ('(P) and (C) lines', 'warn', 'Start each with the year and the owner, e.g. "2025 Nova Reyes".'))
    return rows


def ai_disclosure(assets: dict) -> dict[str, dict]:
    """Who or what made each part, from the assets' recorded sources: 'person' (uploaded), 'local generator' or
    'outside AI service', with the tool's name; a part the project does not have is 'not in this release'."""
    out: dict[str, dict] = {}
    for part, key in DISCLOSED_PARTS.items():
        asset = (assets or {}).get(key)
        if not asset:
            out[part] = {'made_by': 'not in this release', 'tool': None}
            continue
        source = asset.get('source') if isinstance(asset, dict) else None
        kind = source.get('kind') if isinstance(source, dict) else None
        if kind not in ('uploaded', 'local', 'service'):
            # a wrong disclosure is worse than none: stores act on it (REFERENCE: AI disclosure)
            raise BadInput(f'The origin of the {part} is not recorded, so the AI disclosure cannot be written. '
                           f'Add the {part} again in its stage.')
        name = source.get('name')
        tool = str(name)[:MAX_NAME] if kind != 'uploaded' and name else None
        made_by = {'uploaded': 'person', 'local': 'local generator', 'service': 'outside AI service'}[kind]
        out[part] = {'made_by': made_by, 'tool': tool}
    return out


def hidden_character(text: str) -> str | None:
    """'U+202E' for the first invisible or control character in `text` (direction overrides, NUL, line
    separators, private use), None when it has none; the zero-width joiners of emoji and some scripts are fine."""
    for char in text:
        category = unicodedata.category(char)
        if category in ('Cc', 'Co', 'Cs', 'Cn', 'Zl', 'Zp') or (category == 'Cf' and char not in _ALLOWED_FORMAT):
            return f'U+{ord(char):04X}'
    return None


def _text(values: dict, key: str, label: str, limit: int, *, required: bool = False, field: str | None = None) -> str:
    field = field or key
    raw = values.get(key)
    if raw is None:
        raw = ''
    if not isinstance(raw, str):
        raise FieldError(field, f'{label}: expected text.')
    text = unicodedata.normalize('NFC', raw).strip()
    hidden = hidden_character(text)
    if hidden:
        raise FieldError(field, f'{label}: remove the invisible or control character {hidden}.')
    text = ' '.join(text.split())
    if required and not text:
        raise FieldError(field, f'{label}: this cannot be empty.')
    if len(text) > limit:
        raise FieldError(field, f'{label}: at most {limit} characters (this has {len(text)}).')
    return text


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str) or not _ISO_DATE.match(raw.strip()):
        raise FieldError('release_date', 'Release date: give it as YYYY-MM-DD, e.g. 2025-03-14.')
    try:
        parsed = date.fromisoformat(raw.strip())
    except ValueError:
        raise FieldError('release_date', f'Release date: {_shown(raw)} is not a day in the calendar.') from None
    if not 1900 <= parsed.year <= 2100:
        raise FieldError('release_date', 'Release date: the year must be between 1900 and 2100.')
    return parsed


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool) or raw is None:
        return bool(raw)
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    word = raw.strip().lower() if isinstance(raw, str) else None
    if word in _TRUE or word in _FALSE:
        return word in _TRUE
    raise FieldError('explicit', 'Explicit: answer yes or no.')


def _language(raw: Any) -> str:
    code = raw.strip().lower() if isinstance(raw, str) else ''
    if not code:
        raise FieldError('language', 'Language: choose the language of the lyrics ("zxx" for an instrumental).')
    if code not in LANGUAGES:
        raise FieldError('language', f'Language: "{_shown(raw)}" is not a two-letter ISO 639-1 code such as "en".')
    return code


def _symbol_free(line: str, symbols: tuple[str, ...]) -> str:
    for symbol in symbols:
        if line.lower().startswith(symbol):
            return line[len(symbol):].strip()
    return line


def _optional_code(raw: Any, key: str, normalise: Any, check: Any) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise FieldError(key, f'{key.upper()}: expected text.')
    try:
        check(raw)
    except BadInput as exc:
        raise FieldError(key, f'{key.upper()}: {exc.message}') from None
    return normalise(raw)


def _credits(raw: Any) -> tuple[Credit, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list | tuple) or len(raw) > MAX_CREDITS:
        raise FieldError('credits', f'Credits: expected a list of at most {MAX_CREDITS} credits.')
    credits, seen = [], set()
    for number, item in enumerate(raw, 1):
        entry = asdict(item) if isinstance(item, Credit) else item
        if not isinstance(entry, dict):
            raise FieldError('credits', f'Credit {number}: expected a name, a role and a share.')
        name = _text(entry, 'name', f'Credit {number} name', MAX_NAME, required=True, field='credits')
        role = ' '.join(str(entry.get('role') or '').lower().split())
        role = _ROLE_ALIASES.get(role, role)
        if role not in ROLES:
            raise FieldError('credits', f'Credit {number} ({name}): the role must be one of {", ".join(ROLES)}.')
        share = _share(entry.get('share', 0), f'Credit {number} ({name})')
        if (name.casefold(), role) in seen:
            raise FieldError('credits', f'Credit {number}: {name} is already credited as {role}.')
        seen.add((name.casefold(), role))
        credits.append(Credit(name, role, share))
    total = sum(credit.share for credit in credits)
    if credits and abs(total - 100) > 0.01:
        raise FieldError('credits', f'Credits: the ownership shares add up to {total:g}%, not 100%. Give each owner '
                                    'a share (0 for people who do not own a part) so they add up to 100%.')
    return tuple(credits)


def _share(raw: Any, label: str) -> float:
    if isinstance(raw, str):
        text = raw.strip().removesuffix('%').strip()
        try:
            raw = float(text) if text else 0.0
        except ValueError:
            raise FieldError('credits', f'{label}: the share must be a number of percent, not "{_shown(raw)}".') \
                from None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise FieldError('credits', f'{label}: the share must be a number of percent.')
    if not 0 <= raw <= 100:
        raise FieldError('credits', f'{label}: the share must be between 0 and 100%.')
    return float(raw)


def _check_title(details: ReleaseDetails) -> None:
    """REFERENCE: each artist in its own field, no artist names in titles, version info in the version field."""
    title = details.title
    if _CREDIT_MARKER.search(title):
        raise FieldError('title', 'Title: put featured artists and producers in the credits, not the title: stores '
                                  'list each artist in its own field.')
    version = _VERSION_IN_TITLE.search(title)
    if version:
        words = (version.group(1) or version.group(2) or '').strip()
        raise FieldError('title', f'Title: put "{words}" in the version field, not the title.')
    for credit in details.credits:
        if credit.role == 'featured' and _has_name(title, credit.name):
            raise FieldError('title', f'Title: take "{credit.name}" out of the title; they are credited as a '
                                      'featured artist, and stores show that from the credits.')
    for name in {details.artist, *(c.name for c in details.credits if c.role == 'main')}:
        escaped = re.escape(name)
        separated = rf'^{escaped}\s*[-\u2013\u2014:|]|[-\u2013\u2014:|(\[]\s*{escaped}\s*[)\]]?$|\bby\s+{escaped}$'
        if len(name) >= 2 and re.search(separated, title, re.IGNORECASE):
            raise FieldError('title', f'Title: take the artist name "{name}" out of the title: stores show the '
                                      'artist from its own field.')


def _code_row(name: str, value: str | None, check: Any, absent: str) -> tuple[str, str, str]:
    if not value:
        return name, 'warn', absent
    try:
        check(value)
    except BadInput as exc:
        return name, 'fail', exc.message
    return name, 'pass', f'{value} is well formed.'


def _splits_row(details: ReleaseDetails) -> tuple[str, str, str]:
    owners = details.owners()
    total = sum(credit.share for credit in owners)
    if not owners:
        return 'Splits', 'fail', 'No ownership splits yet: give each owner a share so they add up to 100%.'
    if abs(total - 100) > 0.01:
        return 'Splits', 'fail', f'The ownership shares add up to {total:g}%, not 100%.'
    return 'Splits', 'pass', f'{len(owners)} owner{"s" if len(owners) != 1 else ""}, shares add up to 100%.'


def _date_row(release: date, today: date) -> tuple[str, str, str]:
    days = (release - today).days
    friday = '' if release.weekday() == FRIDAY else ' Friday is the industry release day.'
    if days < 0:
        return 'Release date', 'fail', f'{release.isoformat()} has passed: choose a date from ' \
                                       f'{suggest_release_date(today).isoformat()} on.'
    if days < PITCH_DAYS:
        return 'Release date', 'warn', f'Only {days} day{"s" if days != 1 else ""} away: pitching to playlist ' \
                                       f'editors needs 7 days or more, ideally 2 to 4 weeks.{friday}'
    return 'Release date', 'pass', f'{days} days away (ideally 2 to 4 weeks, to pitch to editors).{friday}'


def _title_row(details: ReleaseDetails) -> tuple[str, str, str]:
    title = details.title
    if title.casefold() != details.artist.casefold() and _has_name(title, details.artist):
        return 'Title', 'warn', f'The title contains the artist name "{details.artist}": stores refuse artist ' \
                                'names in titles unless the song is really called that.'
    if _EMOJI.search(title):
        return 'Title', 'warn', 'Emoji in the title: some stores refuse them.'
    if len(title) > 3 and title.isupper():
        return 'Title', 'warn', 'The title is in capitals: stores ask for normal title case.'
    return 'Title', 'pass', 'No artist names, version words or emoji in the title.'


def _has_name(title: str, name: str) -> bool:
    return len(name) >= 2 and re.search(rf'(?<!\w){re.escape(name)}(?!\w)', title, re.IGNORECASE) is not None


def _digits(text: Any) -> str:
    return re.sub(r'[\s\-]', '', str(text if text is not None else ''))


def _check_digit(body: str) -> int:
    """GTIN check digit: from the right, weights 3, 1, 3, 1, ... (UPC-A and EAN-13 alike)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def _shown(text: Any) -> str:
    """User text quoted back in a message: printable, short."""
    shown = ''.join(c for c in str(text) if unicodedata.category(c)[0] != 'C')
    return shown[:40] + ('...' if len(shown) > 40 else '')
