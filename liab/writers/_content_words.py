"""Word banks and the small grammar of the local content writer (`content.py`).

Slots: {T} the title in quotes (or 'this song'), {A} the artist (or 'the artist'), {G} the genre, {line} and {line2}
two different lines of the song's own lyrics, {theme} a salient word of the lyrics, {bpm} the tempo; from the mood:
{adj} {adj2} two adjectives, {q} a quality, {move} a motion, {scene} {scene2} two scenes (liab.writers.copy.MOODS),
{light} a light, {place} a place, {colour} a colour; from the craft banks: {shot} a camera move, {cut} an edit,
{text} an on-screen text style. 'a:' puts 'a' or 'an' before a slot; a capital first letter capitalises the word.
A pattern is used only when every slot it names is known, so an idea never claims a line or a tempo it lacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace


@dataclass(frozen=True)
class Format:
    name: str
    ideas: tuple[str, ...]
    hooks: tuple[str, ...]
    beats: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]  # opening, middle, ending
    visuals: tuple[str, ...]


# a mood without a bank (none given, or one we do not know): the same shape as liab.writers.copy.MOODS' entries
ANY_MOOD = SimpleNamespace(adjectives=('vivid', 'focused', 'bold', 'fresh', 'striking'),
                           qualities=('pulse', 'groove', 'glow', 'edge', 'drive'),
                           motions=('moves', 'rolls', 'builds', 'glides', 'pushes on'),
                           scenes=('headphones', 'long drives', 'late nights', 'quiet evenings'))
LOOKS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {  # light, place, colour per mood
    'energetic': (('strobing', 'hard noon', 'flashing neon', 'stadium'), ('a parking garage', 'a running track',
                  'a packed rehearsal room', 'a rooftop at noon'), ('electric blue', 'hot orange', 'acid green')),
    'chill': (('soft window', 'late-afternoon', 'warm lamp', 'golden-hour'), ('a sunlit kitchen', 'a quiet park bench',
              'a bedroom studio', 'a slow bus ride'), ('sage green', 'faded cream', 'dusty pink')),
    'dark': (('single-bulb', 'sodium streetlight', 'cold blue', 'flickering'), ('an empty underpass',
             'a rain-wet street at night', 'a stairwell', 'a car park after midnight'),
             ('deep navy', 'black', 'steel grey')),
    'happy': (('bright morning', 'sun-flare', 'golden-hour', 'daylight'), ('a sunny street corner', 'a beach boardwalk',
              'a rooftop party', 'a market stall'), ('sunflower yellow', 'coral', 'sky blue')),
    'sad': (('overcast', 'rain-streaked window', 'dim lamp', 'blue-hour'), ('an empty train platform',
            'a bedroom floor', 'a bus window in the rain', 'a quiet shoreline'), ('slate blue', 'grey', 'pale white')),
    'romantic': (('candle', 'warm tungsten', 'sunset', 'fairy-light'), ('a small kitchen at night', 'a balcony',
                 'a slow-dance living room', 'a seaside promenade'), ('wine red', 'rose', 'warm amber')),
    'aggressive': (('hard red', 'strobe', 'harsh flash', 'backlit'), ('a gym', 'a concrete wall', 'a boxing ring',
                   'a warehouse'), ('blood orange', 'red', 'black')),
    'dreamy': (('hazy', 'soft-focus', 'pastel dawn', 'star-lit'), ('a field at dusk', 'a rooftop under the stars',
               'a foggy lake', 'a slow carousel'), ('lavender', 'pale pink', 'misty teal')),
}
ANY_LOOK = (('natural', 'window', 'golden-hour', 'lamp'), ('a bedroom studio', 'a city street', 'a rooftop',
            'a car at night'), ('warm white', 'deep blue', 'amber'))

SHOTS = ('a slow push-in', 'a handheld close-up', 'a locked-off wide shot', 'an overhead shot', 'a whip pan',
         'a low-angle shot', 'a mirror shot', 'a tracking shot from behind')
CUTS = ('a cut on every kick', 'a hard cut on the downbeat', 'a jump cut every bar', 'a match cut on the drop',
        'one unbroken take', 'a speed ramp into the chorus')
TEXTS = ('big white captions', 'handwritten captions', 'typewriter captions', 'bold centred lyrics',
         'karaoke-style highlighted words')

FORMATS: tuple[Format, ...] = (
    Format('lyric reveal',
           ('Lyric reveal: {T} line by line over {adj} shots of {place}',
            'A lyric video for the phone: the words of {T} appear one at a time over {place}'),
           ('Wait for the line \u201c{line}\u201d', 'This line still gets me: \u201c{line}\u201d',
            'Read this before the beat drops: \u201c{line}\u201d'),
           (('On screen, {text}: \u201c{line}\u201d, held for a beat of silence',
             'Black screen, then \u201c{line}\u201d types itself out'),
            ('The song starts; {shot} of {place} as each word lands with {cut}',
             'Cut to {place}; the lyric follows the vocal word for word'),
            ('End on \u201c{line2}\u201d and the title {T}', 'Freeze on the last word and ask which line stays')),
           ('{Light} light on {place}, {text} in {colour}, {cut}',
            '{Place} in {light} light, {shot}, lyrics in {text}')),
    Format('POV',
           ('POV: {scene}, and {T} comes on', 'A POV clip for {scene}, scored by {T}'),
           ('POV: {scene} and \u201c{line}\u201d starts playing', 'POV: you needed a song for {scene}',
            'POV: {scene} hits different with this one'),
           (('Text on screen: \u201cPOV: {scene}\u201d over {place}', 'Open on {place} with the caption POV: {scene}'),
            ('{Shot} as the {adj} part of {T} comes in', 'Let the song play; {cut}, no talking'),
            ('Land the chorus on \u201c{line}\u201d and cut to black', 'Hold the last frame as the beat stops')),
           ('{Place}, {light} light, {shot}, {colour} tones', '{Light} light, {place}, phone held at eye level')),
    Format('story behind the line',
           ('The story behind one line of {T}: where \u201c{line}\u201d came from',
            'Talk to camera about {theme}, the heart of {T}'),
           ('The story behind one line of {T}', 'There is a reason this song keeps coming back to {theme}',
            'Where this line came from: \u201c{line}\u201d'),
           (('Face to camera: \u201cHere is where this line came from\u201d',
             'Start mid-sentence about {theme}, no intro'),
            ('Tell the story in three sentences while {T} plays low underneath',
             'Show the lyric in your notes app, then {shot} back to you'),
            ('Play \u201c{line}\u201d at full volume and stop talking', 'Sing \u201c{line}\u201d once, unaccompanied')),
           ('A close-up in {light} light at {place}, {text}', '{Light} light, {place}, {colour} wall behind you')),
    Format('making of',
           ('From first loop to finished song: how {T} was made', 'Making {T}: the {adj} {G} build, layer by layer'),
           ('How {a:adj} {G} song starts', 'This started as a {bpm} BPM loop', 'Watch this loop become {T}'),
           (('Play the first loop alone, {bpm} BPM on screen', 'Show the empty session, then press play'),
            ('Add one layer per bar: drums, bass, then the vocal on \u201c{line}\u201d',
             'Stack the layers with {cut} until the {q} is there'),
            ('Switch to the finished mix of {T}', 'Cut from the session to the final chorus')),
           ('Screen recording and {shot} of hands on the keys in {light} light',
            '{Place} set up as a studio, {light} light, {text}')),
    Format('transition',
           ('A transition clip on the drop of {T}: everyday to {adj} on one beat',
            'Outfit switch on the beat of {T}, {scene} edition'),
           ('Wait for the switch on \u201c{line}\u201d', 'One beat, two worlds: watch the drop',
            'Everyday me until {T} drops'),
           (('Start plain: an everyday moment, {place}', 'Open on a still shot with the quiet intro'),
            ('On \u201c{line}\u201d, cover the lens and switch', 'Build with {shot}, then {cut}'),
            ('Reveal the {adj} look as the chorus lands', 'End with a smile to camera on the last beat')),
           ('Before in flat daylight, after in {light} light with {colour} accents',
            '{Place} both times, {cut}, {colour} after the switch')),
    Format('finish the line',
           ('An open duet: you sing the first half of a line of {T}, fans sing the rest',
            'Finish-the-line challenge with {T}'),
           ('Finish this line: \u201c{line}\u2026\u201d', 'Only real ones know the next line',
            'Sing the next line in a duet'),
           (('Sing \u201c{line}\u201d to camera, then stop', 'Start with a quiet count-in and the first words'),
            ('Leave the space open with the beat of {T} running', 'Point to the camera and hold the silence'),
            ('Text on screen: duet this with the next line', 'End with the words \u201cyour turn\u201d on screen')),
           ('One mic, {light} light, {place}, {shot}', 'Selfie angle, {colour} background, {text}')),
    Format('mood reel',
           ('A {adj} mini-vlog of {scene}, cut to {T}', 'Five shots of {scene}, scored by {T}'),
           ('This is what {a:adj} {G} looks like', 'If you need a song for {scene}, save this',
            'A song for {scene} and {scene2}'),
           (('Open on {place}, no words, the intro of {T} only', 'Text on screen: a song for {scene}'),
            ('Five short shots of {scene}, {cut}', '{Shot} through {place} as the {q} builds'),
            ('End on \u201c{line}\u201d as text over the last shot', 'Close on the title {T} and the artist name')),
           ('{Light} light, {colour} grade, {shot}', '{Place}, {light} light, {colour} grade, {cut}')),
    Format('reaction',
           ('First listen: a friend hears {T} for the first time', 'Play {T} to someone who has never heard it'),
           ('I played my new song to my friend', 'Watch the face when \u201c{line}\u201d hits',
            'Their reaction to the {adj} part of {T}'),
           (('Headphones on, press play, face in frame', 'Hand over the phone: just listen'),
            ('Split screen: their face and the lyric \u201c{line}\u201d', 'Let the reaction play out, {cut}'),
            ('Ask them for one word about {T}', 'End on their honest verdict, unedited')),
           ('Two faces, {light} light, {place}', 'A close-up of the listener, {colour} background, {text}')),
)

CAPTIONS = (
    '\u201c{line}\u201d, from {T} by {A}: {a:adj} {G} song for {scene}. Which line stays with you?',
    'Made for {scene}: {T}, {a:adj}, {adj2} {G} song by {A}. Save it for the next time you need it.',
    'A song about {theme}, {adj} from the first bar. {T} by {A}, sound on.',
    'If you need a soundtrack for {scene} or {scene2}, try {T} by {A}. Tell me where you would play it.',
    '{T} by {A} {move}, all {q} and {adj2} {G}. Sound on and tell me what it reminds you of.',
    'The line \u201c{line}\u201d is the whole mood of {T}. {Adj} {G} by {A} for {scene}.',
    '{Adj} {G} at {bpm} BPM: {T} by {A}. Would you play it for {scene}?',
)
HOOKS = (
    'Wait for \u201c{line}\u201d', 'Sound on for the {adj} part', 'If you need a song for {scene}, this is it',
    'This is what {a:adj} {G} song sounds like', 'Nobody talks about {theme} like this', 'Save this for {scene}',
    'The line that says it all: \u201c{line}\u201d', 'Play this for {scene}', '{Adj} {G} for {scene}, starting now',
    'Which line hits hardest: \u201c{line}\u201d?', 'You have felt this: \u201c{line}\u201d',
)
STRATEGY_LEADS = (
    'Open every clip on the \u201c{line}\u201d hook within the first second',
    'Lead with the {fmt} clip and keep the first frame loud and clear',
    'Put the chorus of {T} in the first three seconds of every clip',
    'Start with the {fmt} idea, since it shows the {adj} side of {T} fastest',
)
STRATEGY_CADENCES = (
    'post one short a day for the first week on TikTok, Reels and Shorts',
    'post three clips in the first week, the same cut on all three platforms',
    'post every other day for two weeks, rotating the three hooks',
    'post twice in the first week, then again when one clip starts getting saves',
)
STRATEGY_TIMES = {'energetic': 'in the morning commute hours', 'chill': 'in the late afternoon',
                  'dark': 'late in the evening', 'happy': 'around lunchtime', 'sad': 'late in the evening',
                  'romantic': 'in the evening', 'aggressive': 'before the evening gym rush',
                  'dreamy': 'just before bed'}
STRATEGY_ENDS = (
    'pin a comment asking which line hits hardest',
    'answer the best comments with new clips',
    'reuse whichever hook gets the most saves as the opener of the next clip',
    'invite duets and reply to every one in the first week',
)
GENERIC_TAGS = ('newmusic', 'originalsong', 'indieartist', 'songwriter', 'newsong', 'independentartist', 'musician',
                'unsignedartist')
MOOD_TAGS = {'energetic': 'hypemusic', 'chill': 'chillvibes', 'dark': 'latenight', 'happy': 'goodvibes',
             'sad': 'sadsongs', 'romantic': 'lovesongs', 'aggressive': 'workoutmusic', 'dreamy': 'dreamymusic'}
