import pytest

from liab.content.score import MAX_SCORE, Score, viral_score

LYRICS = '[Verse 1]\nStreetlights hum along the harbour road\n\n[Chorus]\nHold the summer, never let it go\n'
FULL = {'title': 'Love You Like Summer', 'caption': 'A song for every summer night you spend on the harbour road, '
        'singing with your friends.', 'hashtags': ['#HarbourLights', '#newmusic'], 'hook': 'Wait for the chorus line'}


def terms(score: Score) -> dict[str, bool]:
    return {t.name: t.earned for t in score.terms}


def test_nothing_chosen_scores_the_base_50_with_every_term_missed() -> None:
    score = viral_score()
    assert score.score == 50
    assert terms(score) == {'caption': False, 'hashtags': False, 'hook': False, 'title': False}
    assert len(score.improvements) == 4
    assert 'Missed' in score.summary


def test_every_term_earned_is_the_maximum_80_not_95() -> None:
    score = viral_score(**FULL)
    assert score.score == MAX_SCORE == 80
    assert all(t.earned for t in score.terms) and score.improvements == ()
    assert [t.points for t in score.terms] == [10, 5, 10, 5]


@pytest.mark.parametrize(('missing', 'points'), [('caption', 10), ('hashtags', 5), ('hook', 10), ('title', 5)])
def test_each_term_missed_alone_costs_its_points_and_names_an_improvement(missing: str, points: int) -> None:
    score = viral_score(**{**FULL, missing: ''})
    assert score.score == 80 - points
    assert [t.name for t in score.terms if not t.earned] == [missing]
    assert len(score.improvements) == 1 and f'(+{points})' in score.improvements[0]


@pytest.mark.parametrize(('length', 'earned'), [(60, False), (61, True)])
def test_the_caption_must_be_longer_than_60_characters(length: int, earned: bool) -> None:
    score = viral_score(caption='a' * length)
    assert terms(score)['caption'] is earned and score.score == 50 + 10 * earned
    if not earned:
        assert '1 more' in score.improvements[0]


def test_markup_does_not_count_towards_the_caption() -> None:
    assert not terms(viral_score(caption='<b>' * 30 + 'short'))['caption']


@pytest.mark.parametrize(('length', 'earned'), [(20, False), (21, True)])
def test_the_hook_must_be_longer_than_20_characters(length: int, earned: bool) -> None:
    assert terms(viral_score(hook='h' * length))['hook'] is earned


@pytest.mark.parametrize(('hashtags', 'earned'), [('#one', True), (['#a', 'b'], True), ('', False), ([], False),
                                                  ('# \U0001f525', False)])
def test_hashtags_count_when_there_is_at_least_one(hashtags: object, earned: bool) -> None:
    assert terms(viral_score(hashtags=hashtags))['hashtags'] is earned  # type: ignore[arg-type]


@pytest.mark.parametrize(('title', 'earned'), [('Love You', True), ('YOU and me', True), ('you\u2019re mine', True),
                                               ('Young Hearts', False), ('Yours', False), ('Bayou', False)])
def test_the_title_must_have_the_word_you(title: str, earned: bool) -> None:
    assert terms(viral_score(title=title))['title'] is earned


def test_without_a_hook_the_transcripts_opening_line_is_the_hook() -> None:
    score = viral_score(transcript='This is the one I wrote on the night bus home. Then the beat comes in.')
    assert terms(score)['hook'] and 'transcript' in next(t.why for t in score.terms if t.name == 'hook')
    assert not terms(viral_score(transcript='Hey. I wrote a very long song about the night bus.'))['hook']
    assert not terms(viral_score(transcript='[Transcript not available - OpenAI API key required]'))['hook']


def test_a_caption_is_never_made_up_from_the_transcript() -> None:
    assert not terms(viral_score(transcript='word ' * 100))['caption']


def test_the_suggested_hook_is_a_short_line_of_the_song() -> None:
    assert viral_score(lyrics=LYRICS).suggested_hook == 'Hold the summer, never let it go'
    from_transcript = viral_score(transcript='Hi. So tonight I want to play you something new.').suggested_hook
    assert from_transcript == 'So tonight I want to play you something new.'
    short = viral_score(lyrics='[Chorus]\nGo go go\n').suggested_hook
    assert '\u201cGo go go\u201d' in short and len(short) > 20
    for suggested in (viral_score().suggested_hook, viral_score(title='X').suggested_hook):
        assert 20 < len(suggested) <= 80


def test_the_hook_improvement_offers_the_suggested_hook() -> None:
    score = viral_score(lyrics=LYRICS, hook='Too short')
    assert any('Hold the summer, never let it go' in tip for tip in score.improvements)


def test_the_score_reads_as_json() -> None:
    data = viral_score(**FULL).to_json()
    assert data['score'] == 80 and data['max_score'] == 80 and len(data['terms']) == 4
    assert set(data) >= {'score', 'summary', 'improvements', 'suggested_hook'}
