"""Drum and bass patterns, three or more per genre, one 16th step per character (one or two bars per row).

Drum rows: '.' rest, 'o' ghost, 'x' hit, 'X' accent, 'r' two 1/32 hits, 't' three quick hits, 'R' a four-hit buzz;
'perc' uses 'h'/'H' (high conga) and 'l'/'L' (low conga). Bass rows: 'x' root, 'o' octave up, '5' fifth, 'g' glide
to the root from the previous note, 'u' glide up to the octave, '-' hold, '.' silence.
"""

from __future__ import annotations

from dataclasses import dataclass

DRUMS = ('kick', 'snare', 'clap', 'hat', 'ohat', 'rim', 'shaker', 'perc', 'tom')


@dataclass(frozen=True)
class DrumPattern:
    name: str
    rows: dict[str, str]  # instrument (DRUMS or 'bass') -> steps; spaces between bars are for reading only

    def bar(self, row: str, index: int) -> str | None:
        """The 16 steps of `row` for the `index`-th bar of a section, or None if the pattern leaves it out."""
        steps = self.rows.get(row, '').replace(' ', '')
        if not steps:
            return None
        start = (index * 16) % len(steps)
        return steps[start:start + 16]


def _p(name: str, **rows: str) -> DrumPattern:
    for row, steps in rows.items():
        assert len(steps.replace(' ', '')) in {16, 32}, (name, row)
    return DrumPattern(name, rows)


PATTERNS: dict[str, tuple[DrumPattern, ...]] = {
    # Half-time: the snare and clap land on beat 3 at 130-150 BPM; hats carry 1/16-1/32 rolls; the 808 follows the kick.
    'trap': (
        _p('trap-1', kick='X.....x...x..... X.....x.x.....x.', snare='........X....... ........X.......',
           clap='........X.......', hat='x.xox.xrx.xox.x. x.xox.x.x.xtx.RR',
           bass='x-----x---x----- x-----x-o-----x-', rim='............x... ................'),
        _p('trap-2', kick='X.........x..x.. X.x.......X.....', snare='........X....... ........X.....o.',
           clap='........X.......', hat='xoxoxoxoxoxoxrxo xoxoxotoxoxoRRRR', ohat='................ ..............x.',
           bass='x---------x--x-- x-x-------o-----'),
        _p('trap-3', kick='X......x..X..... X......x.X....x.', snare='........X.......', clap='........X.......',
           hat='x..x..x..x..x.x. x..x..x..x..rrrr', bass='x------x--x----- x------x-x----5-',
           perc='.......h.......l'),
        _p('trap-4', kick='X..x......x..... X..x....x.x.....', snare='........X.......', clap='........X.......',
           hat='x.x.x.x.xrx.x.x. x.x.x.t.x.x.RxRx', ohat='......x.........',
           bass='x--o------x----- x--o----x-g-----'),
    ),
    # UK/NY drill: sparse kicks, a second syncopated snare late in bar two, bouncing hats, sliding 808s.
    'drill': (
        _p('drill-1', kick='X.........X..... X.....x.........', snare='........X....... ........X....X..',
           hat='x..x..x...x..x.. x..x..x..x..x.rr', bass='x--------g------ x-----u-----g---',
           rim='...o............'),
        _p('drill-2', kick='X..............x ..x.......X.....', snare='........X....... ......X.....X...',
           hat='x.x..x.x..x.x..x x.x..x.x..x.rRx.', bass='x-------o--g---- --x-------u--g--',
           perc='..........h.....'),
        _p('drill-3', kick='X.......x....... X..x......x.....', snare='........X....... ........X..o.X..',
           hat='x..x..x.x..x..x. x..x..x.x..xrrx.', bass='x-------g-----o- --g-------x--u--',
           ohat='................ ..............x.'),
    ),
    # Four on the floor, claps on 2 and 4, open hats on every offbeat; the bass sits between the kicks.
    'house': (
        _p('house-1', kick='X...X...X...X...', clap='....X.......X...', ohat='..x...x...x...x.',
           hat='xo.oxo.oxo.oxo.o', shaker='oxoxoxoxoxoxoxox', bass='..x-..x-..x-..x-'),
        _p('house-2', kick='X...X...X...X...', clap='....X.......X...', snare='.......o......o. .......o...o..o.',
           ohat='..x...x...x...x.', hat='x.x.x.x.x.x.x.x.', perc='h..l..h...l..h.. h..l..h...l.hh..',
           bass='..x...x-..x.x.x. ..x...x-..o.x.5.'),
        _p('house-3', kick='X...X...X...X..x', clap='....X.......X...', rim='...x..x....x..x.',
           ohat='..x...x...x...x.', hat='.x.x.x.x.x.x.x.x', shaker='xoxoxoxoxoxoxoxo',
           bass='..x--.x-..x--.x- ..x--.x-..o--.5-'),
    ),
    # Swung 16ths (the swing is applied when the steps become times), a dusty kick and a fat snare on 2 and 4.
    'boom bap': (
        _p('boom-bap-1', kick='X......x..X..... X.x....x..X..x..', snare='....X.......X... ....X..o....X.o.',
           hat='x.x.x.x.x.x.x.x.', ohat='..........x.....', bass='x------x--x----- x-x----x--x--x--'),
        _p('boom-bap-2', kick='X.X.......X..... X.......X.x.....', snare='....X.......X...',
           hat='x.xox.xox.xox.xo', bass='x-x-......x---.. x-------x-x-----', rim='.......o........'),
        _p('boom-bap-3', kick='X......X.X...... X.....x...X..x..', snare='....X..o....X... ....X.......X..o',
           hat='x.x.x.x.x.x.x.x.', ohat='..............x.', bass='x------x.x------ x-----x---x--x--'),
    ),
    # Heavy swing, soft kit; the crackle and the wobble come from the style.
    'lo-fi': (
        _p('lo-fi-1', kick='X......x..X..... X......x..X...x.', snare='....X.......X...',
           hat='x.xox.x.x.xox.x.', bass='x-------x-x----- x-------x-----x-'),
        _p('lo-fi-2', kick='X.........X..x.. X.x.......X.....', snare='....X.......X..o', hat='x.x.x.x.x.x.x.xo',
           rim='..o.......o.....', bass='x---------x--x-- x-x-------x-----'),
        _p('lo-fi-3', kick='X..x......X..... X..x....x.X.....', rim='....x.......x...', snare='....o.......X...',
           hat='x.x.xox.x.x.xox.', shaker='..x...x...x...x.', bass='x--x------x----- x--x----x-x-----'),
    ),
    # Tresillo (3-3-2) in kick and bass, a syncopated rim, a running shaker and talking congas.
    'afrobeats': (
        _p('afrobeats-1', kick='X.....x.X....... X.....x.X.....x.', clap='....x.......x...', rim='...x..x....x..x.',
           shaker='xoxXxoxXxoxXxoxX', perc='h..l.h..h.l..h.. h..l.h..hhl..h.l', bass='x--x--x-x--x--x-'),
        _p('afrobeats-2', kick='X..x..x.X....... X..x..x.X...x...', snare='............x...', rim='..x..x....x..x..',
           shaker='oxoxoxoxoxoxoxox', perc='l..h..h.l..h..h.', hat='x.x.x.x.x.x.x.x.',
           bass='x--x--x---x--x-- x--x--x---o--5--'),
        _p('afrobeats-3', kick='X...X...X...X...', clap='....x.......x...', rim='...x..x...x..x..',
           shaker='xoxXxoxXxoxXxoxX', perc='..h..l..h.h..l.. ..h..l..h.h.ll..', ohat='..x...x...x...x.',
           bass='x-.x-.x.x-.x-.x. x-.x-.x.o-.x-.5.'),
    ),
    # Straight, claps layered on the snare, an open hat into the next bar.
    'pop': (
        _p('pop-1', kick='X.......X.x..... X.......X.x...x.', snare='....X.......X...', clap='....X.......X...',
           hat='x.x.x.x.x.x.x.x.', ohat='..............x.', bass='x.x.x.x.x.x.x.x. x.x.x.x.5.5.o.o.'),
        _p('pop-2', kick='X..x..x.X....... X..x..x.X...x...', clap='....X.......X...', hat='xoxoxoxoxoxoxoxo',
           bass='x--x--x-x---x--- x--x--x-5---o---'),
        _p('pop-3', kick='X...X...X...X...', snare='....X.......X...', clap='....X.......X...',
           ohat='..x...x...x...x.', hat='x...x...x...x...', bass='x-x-x-x-x-x-x-x-'),
    ),
    # Laid-back straight groove, soft clap on 2 and 4, rim ghosts, quick hat rolls.
    'r&b': (
        _p('rnb-1', kick='X......x..x..... X.x.......x..x..', snare='....X.......X...', clap='....X.......X...',
           rim='.......o..o.....', hat='x.xox.x.x.xrx.x.', bass='x-----x---x----- x-x-------x-----'),
        _p('rnb-2', kick='X.........X..x.. X..x......X.....', clap='....X.......X...', hat='x..x..x..x..x.x.',
           rim='..o.....o.....o.', ohat='..............x.', bass='x---------x--x-- x--x------x-----'),
        _p('rnb-3', kick='X..x......x..... X..x...x..x.....', snare='....X.......X...', hat='x.x.x.x.xrx.x.x.',
           shaker='..x...x...x...x.', bass='x--x------x----- x--x---x--x-----'),
    ),
    # Classic: kick on 1 and the 'and' of 3, snare on 2 and 4, 8th hats, a light swing.
    'hip hop': (
        _p('hip-hop-1', kick='X.......X.x..... X.x.....X.x.....', snare='....X.......X...',
           hat='x.x.x.x.x.x.x.x.', ohat='..............x.', bass='x-------x-x----- x-x-----x-x-----'),
        _p('hip-hop-2', kick='X..x....X....... X.x.......X.....', snare='....X.......X...', clap='....X.......X...',
           hat='x.xox.x.x.xox.x.', bass='x--x----x------- x-x-------x-----'),
        _p('hip-hop-3', kick='X......x.x...... X......x.x...x..', snare='....X.......X..o', hat='x.x.x.x.x.x.x.x.',
           rim='..........o.....', ohat='......x.........', bass='x------x.x------ x------x.x---x--'),
    ),
}

# Fills over one beat (4 steps), per genre family: they replace the kick/snare/tom steps they name.
FILLS: dict[str, dict[str, str]] = {
    'trap': {'snare': 'oxxX', 'hat': 'RRRR', 'kick': '....'},
    'drill': {'snare': 'x.xX', 'hat': 'rrrr', 'kick': '....'},
    'house': {'snare': 'oxxX', 'kick': 'X...'},
    'boom bap': {'snare': 'o.xX', 'kick': 'X.x.'},
    'lo-fi': {'snare': '..oX', 'kick': 'X...'},
    'afrobeats': {'perc': 'hlhL', 'kick': 'X...'},
    'pop': {'tom': 'hmml', 'snare': '....', 'kick': 'X...'},
    'r&b': {'tom': 'h.ml', 'snare': '....', 'kick': 'X...'},
    'hip hop': {'snare': 'o.xX', 'kick': 'X.x.'},
}
