"""Word banks for the local lyric writer: a neutral core, one bank per mood, flavour nouns per genre.

Mood banks are disjoint from each other and from the neutral core, so a refine such as 'darker' can be measured by
the words it brings in. Everything here is clean: no profanity, slurs, drugs or violence beyond mild 'fight'/'war'
metaphors (the test suite checks the banks against BLOCKED).
"""

from __future__ import annotations

from dataclasses import dataclass


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Bank:
    nouns: tuple[str, ...]
    adjectives: tuple[str, ...]
    verbs: tuple[str, ...]  # transitive, base form: 'I {verb} the light'
    moves: tuple[str, ...]  # intransitive, base form: 'we {move} into the night'

    def words(self) -> frozenset[str]:
        return frozenset((*self.nouns, *self.adjectives, *self.verbs, *self.moves))


NEUTRAL = Bank(
    nouns=_w('night light city road sky heart mind time way home dream fire rain moon sun star street world wave '
             'door window river ocean sea shore morning evening radio rhythm echo signal mirror highway skyline '
             'story memory moment corner headlights horizon garden island picture melody glass gold silver '
             'paper canvas compass lantern planet avenue rooftop subway midnight daylight sunrise sunset station '
             'harbor mountain valley desert stone crown throne flame name game frame place space face grace line '
             'sign soul voice air ground sound town hand land sand crew view chance dance train lane plane tree key '
             'song sight flight height day bay start art control goal chrome snow flow show phone tone side stream '
             'tune wall call year mark wheel core'),
    adjectives=_w('new young true real open clear deep wide free'),
    verbs=_w('chase hold find keep follow carry light paint call take build see need make turn open cross catch '
             'pull write trust want show raise read reach leave wear draw bring send'),
    moves=_w('run ride rise go stay move shine fly breathe walk roll burn glow drive climb swim dream stand grow '
             'sail land begin roam return dance wake travel arrive'),
)

MOOD_BANKS: dict[str, Bank] = {
    'dark': Bank(
        nouns=_w('shadow ash storm ghost ruin thorn raven ember abyss fog cellar static eclipse cage frost dust rust '
                 'silence cliff cavern serpent wolves crow nightmare omen scar tempest blackout mask void phantom '
                 'maze spiral gutter wire fear cave disguise underground'),
        adjectives=_w('cold hollow bleak black broken restless silent haunted frozen heavy grim bitter sleepless '
                      'crooked buried stormy nameless wicked pale rusted numb sinister jagged ashen dim dark blind '
                      'unknown'),
        verbs=_w('haunt bury shatter swallow summon curse twist unravel darken corrode splinter scar cage veil shroud '
                 'blind bend smother forsake'),
        moves=_w('sink crawl linger howl vanish descend wither creep decay lurk smolder freeze hide disappear shiver '
                 'tremble stumble brood wane'),
    ),
    'sad': Bank(
        nouns=_w('tears letter photograph goodbye pillow voicemail heartbreak rearview sorrow distance absence '
                 'promise apology raindrops umbrella reflection suitcase doorway hallway sweater winter pain'),
        adjectives=_w('lonely empty blue fragile tired lost quiet grey weary heartbroken torn aching wistful '
                      'forgotten unspoken unfinished hopeless tearful sorry old wrong undone'),
        verbs=_w('miss remember lose forget replay regret break erase abandon mourn waste doubt rewind fold release'),
        moves=_w('cry weep wait ache fade sigh grieve crumble fall remain heal falter wilt slip'),
    ),
    'happy': Bank(
        nouns=_w('sunshine smile party summer balloon confetti laughter picnic rainbow sunflower beach holiday '
                 'weekend festival parade lemonade daisies carnival jukebox playground sunbeam kite vacation '
                 'birthday cherry blossom fun spring surprise'),
        adjectives=_w('golden sunny bright sweet lucky shiny joyful cheerful colorful happy carefree radiant merry '
                      'playful giddy proud grateful'),
        verbs=_w('celebrate share greet brighten welcome decorate hug cheer color sweeten lift'),
        moves=_w('smile laugh bloom beam sing play whistle giggle skip twirl hop grin clap'),
    ),
    'chill': Bank(
        nouns=_w('breeze tide coffee hammock sunday tea lake porch afternoon blanket balcony bicycle backyard '
                 'ripples shade couch patio meadow puddles kettle park'),
        adjectives=_w('easy slow mellow calm soft lazy cool gentle steady smooth peaceful breezy cozy still warm low'),
        verbs=_w('sip savor stretch hum ease brew water steep soften pour'),
        moves=_w('unwind sway rest lounge cruise coast idle settle relax slide sleep swing yawn stroll nap wander'),
    ),
    'energetic': Bank(
        nouns=_w('engine lightning crowd speed rocket fireworks heartbeat stadium racetrack voltage spotlight '
                 'adrenaline jet turbo siren amplifier pulse spark energy comet rush drums marathon race zone heat '
                 'fame'),
        adjectives=_w('electric wild loud fast alive unstoppable bold awake dizzy vivid rapid extreme fiery blazing '
                      'supersonic'),
        verbs=_w('ignite shake push pump electrify rock spark launch boost flip blast'),
        moves=_w('jump race bounce sprint spin blaze dash leap soar scream collide zoom rush shout'),
    ),
    'romantic': Bank(
        nouns=_w('kiss rose eyes lips embrace candle valentine perfume honey velvet moonlight touch whisper lover '
                 'darling sweetheart arms love paradise serenade petals locket bouquet devotion romance desire dove '
                 'bliss dress one'),
        adjectives=_w('tender lovely beautiful precious intimate devoted heavenly rosy dear divine gorgeous faithful '
                      'breathless'),
        verbs=_w('adore cherish treasure caress embrace love kiss whisper serenade court'),
        moves=_w('melt blush belong surrender yearn kiss whisper swoon cuddle'),
    ),
    'aggressive': Bank(
        nouns=_w('war fight thunder iron lion steel hammer battle arena titan beast dragon tornado avalanche '
                 'earthquake fury rage pressure grind hustle empire armor concrete victory champion warrior volcano '
                 'furnace anvil trophy pride king'),
        adjectives=_w('relentless fearless fierce raw hungry unbreakable furious ruthless mighty rough rugged '
                      'unbroken hard solid tough brave strong prime'),
        verbs=_w('conquer claim own rule defy topple crush command seize dominate grip grind hammer outrun overpower'),
        moves=_w('roar charge stomp rumble advance prevail march battle fight thunder grind clash'),
    ),
    'dreamy': Bank(
        nouns=_w('clouds haze galaxy nebula daydream mist feather bubble halo stardust aurora lullaby satellite '
                 'cosmos kaleidoscope snowfall glitter orbit constellation lagoon lilac moonbeam cloud cocoon wing '
                 'dew'),
        adjectives=_w('weightless dreamy hazy floating starry misty glowing shimmering faraway celestial translucent '
                      'sleepy luminous cosmic lavender infinite'),
        verbs=_w('cradle borrow sketch unfold weave scatter gather hush blur'),
        moves=_w('float drift glide hover sparkle dissolve swirl shimmer twinkle glisten explore orbit flutter '
                 'levitate ripple'),
    ),
}

# Flavour nouns per genre; they may repeat words from the banks above.
GENRE_NOUNS: dict[str, tuple[str, ...]] = {
    'hip hop': _w('mic cypher block notebook crew anthem sneakers boombox microphone skyline legacy beat team'),
    'trap': _w('diamonds drip ice chain penthouse studio jet designer engine skyline'),
    'boom bap': _w('vinyl crates cassette boombox turntable drumbeat cypher notebook subway brownstone sample rhyme'),
    'lo-fi': _w('tape window coffee static notebook lamp headphones bedroom afternoon cassette streetlamp raindrops'),
    'pop': _w('radio spotlight heartbeat mirror summer headlines neon glitter camera stage'),
    'r&b': _w('silk velvet candle satin pillow midnight perfume lace moonlight honey'),
    'house': _w('floor strobe speaker sunrise warehouse groove lights drum disco weekend rhythm'),
    'drill': _w('road block estate streets winter concrete hoodie rooftop pressure grind'),
    'afrobeats': _w('rhythm sunshine waist drum groove party sunset palm beach market lagoon'),
}

# Words that end a line on their own: 'we drift away', 'carry me tonight'.
ADVERB_ENDS = _w('tonight away again alone below above forever together inside behind tomorrow today apart around '
                 'before outside somewhere higher soon here near')

OPENERS: dict[str, tuple[str, ...]] = {
    'rap': ('yeah,', 'look,', 'uh,', 'okay,', 'now', 'so', 'and', 'still', 'yeah, yeah,', 'real talk,', 'listen,',
            'and now', 'right now,', 'but still', 'you know,', 'one more time,', 'yeah, you know,'),
    'sung': ('oh,', 'ooh,', 'and', 'so', 'now', 'baby,', 'yeah,', 'oh, oh,', 'hey,', 'tonight,', 'and now',
             'but still', 'oh, baby,', 'and maybe', 'so tell me,'),
}

TIMES = _w('night morning summer evening weekend season moment hour sunday heartbeat winter minute')
BODY = _w('chest hands head bones lungs eyes pocket shoes heart')
PREPOSITIONS = _w('under through over into across beneath beyond inside along past around above below toward')
SENSES = _w('feel hear see taste')
DETERMINERS = ('the', 'the', 'the', 'my', 'this', 'our', 'your')
PLURAL_DETERMINERS = ('the', 'the', 'the', 'my', 'our', 'your', 'these')

# Kept out of the writer's output, including words taken from an artist's theme.
BLOCKED = frozenset(_w(
    'fuck fucking fucked fucker shit shitty bitch bitches bastard asshole cunt dick pussy whore slut damn goddamn '
    'nigga nigger faggot fag retard retarded kike spic chink tranny '
    'cocaine coke crack heroin meth weed blunt joint molly xanax lean codeine pills dope opioid fentanyl '
    'kill killing killer murder murderer gun guns glock pistol rifle shoot shooting shot stab stabbing knife '
    'blood bleed suicide rape corpse dead death die dying opps opp'))
