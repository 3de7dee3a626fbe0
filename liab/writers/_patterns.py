"""The grammar's phrase patterns. A line is [opener] [hook phrase,] [lead phrase,] final clause.

Slots: {N} noun, {A} adjective, {a?} an optional adjective, {V} transitive verb, {M} intransitive verb (':ing' and
':s' forms; ':s' agrees with the last noun), {P} preposition, {D} determiner, {TIME}, {BODY}, {SENSE}, {be} and {s}
agree with the last noun, {Ibeen} is 'I been' in rap and "I've been" when sung. {E} is the rhyme word that ends the
line, {T} the theme word as a noun phrase ('the summer', 'Lagos') and {Tb} the theme word bare ('summer').
"""

from __future__ import annotations

LEADS = (
    '{P} the {a?}{N}',
    '{M:ing} {P} the {N}',
    '{V:ing} the {a?}{N}',
    'every {TIME}',
    'when the {N} {M:s}',
    'with the {N} in my {BODY}',
    '{Ibeen} {M:ing} {P} the {N}',
    '{A} {N} and {A} {N}',
    'out here in the {a?}{N}',
    'far from the {a?}{N}',
    'you and me {P} the {N}',
    'now the {N} {be} {A}',
    'since the {a?}{N} {M:s}',
    'every {TIME} I {V} the {N}',
    'I {V} the {N} and {V} the {N}',
    'all the {A} {N}',
    '{A} {N}',
    '{V:ing} {D} {N}',
)

THEME_LEADS = (
    '{Tb} on my mind',
    'thinking of {T}',
    'dreaming of {T}',
    'me and {T}',
    '{V:ing} {T}',
    'every {TIME} with {T}',
    '{T} {P} the {a?}{N}',
    'holding on to {T}',
    'back to {T}',
    'all I know is {T}',
    'for {T} I {V} the {N}',
)

FINALS: dict[str, tuple[str, ...]] = {
    'n': (
        'I {V} the {a?}{E}',
        'we {M} {P} the {a?}{E}',
        '{M:ing} {P} the {a?}{E}',
        'lost in the {a?}{E}',
        'nothing but the {a?}{E}',
        'I can {SENSE} the {a?}{E}',
        'you {V} {D} {a?}{E}',
        'the {N} {M:s} {P} the {E}',
        'still {V:ing} the {a?}{E}',
        '{A} {N} and {a?}{E}',
        'we {V} the {N} {P} the {E}',
        'like the {N} {P} the {E}',
        'all I need is {D} {a?}{E}',
        '{Ibeen} {V:ing} the {a?}{E}',
    ),
    'a': (
        'I feel so {E}',
        'we stay {E}',
        'the {a?}{N} {be} {E}',
        'keep it {E}',
        'everything is {E}',
        'you make me feel {E}',
        'never been this {E}',
        'the {N} got me {E}',
        'we were young and {E}',
        '{M:ing} {E}',
        'we {M} {E}',
        'the {N} {M:s} {E}',
    ),
    'v': (
        'I just wanna {E}',
        'watch me {E}',
        'we were born to {E}',
        'let it {E}',
        'tell me how to {E}',
        'I was made to {E}',
        'the {a?}{N} will {E}',
        'we {V} the {N} and {E}',
        'learn to {E}',
        'never gonna {E}',
    ),
    'x': (
        'we {M} {E}',
        '{M:ing} {E}',
        'I {V} the {a?}{N} {E}',
        'the {a?}{N} {M:s} {E}',
        'you and I {M} {E}',
        '{V} me {E}',
    ),
}

THEME_FINALS: dict[str, tuple[str, ...]] = {
    'n': ('{T} {P} the {a?}{E}', '{T} and the {a?}{E}', 'I {V} {T} {P} the {E}', 'me and {T} in the {E}'),
    'a': ('{T} {be} so {E}', '{T} got me {E}', 'with {T} I feel {E}'),
    'v': ('{T} will {E}', 'with {T} we {E}', '{T} make{s} me wanna {E}'),
    'x': ('{T} {M:s} {E}', 'I {V} {T} {E}'),
}

# Short tails after a hook phrase ('Summer on my mind, chase the light'); the last of each kind has no choice of
# words in it, so it is used only when nothing else fits the syllable range.
HOOK_TAILS: dict[str, tuple[str, ...]] = {
    'n': ('{P} the {E}', '{V} the {E}', 'in the {E}'),
    'a': ('{M} {E}', 'we {M} {E}', 'forever {E}'),
    'v': ('the {N} will {E}', 'let the {N} {E}', 'let it {E}'),
    'x': ('we {M} {E}', '{V} me {E}', 'take me {E}'),
}

HOOKS = (
    '{Tb} on my mind',
    '{Tb} tonight',
    '{Tb} forever',
    'all about {T}',
    'me and {T}',
    'only {T}',
    'here comes {T}',
    '{A} {Tb}',
    'meet me in {T}',
    'long live {T}',
    'we call it {Tb}',
    'still {V:ing} {T}',
    'nothing like {T}',
    '{Tb} in my {BODY}',
    'hold on to {T}',
)
HOOK_ALONE = '{Tb}'  # the last resort for a long theme word at a fast tempo: the word itself is the hook
