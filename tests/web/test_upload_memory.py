import gc
import weakref

from nicegui.testing import User


async def test_a_closed_stage_leaves_its_upload_and_page_to_the_garbage_collector(user: User) -> None:
    await user.open('/')
    user.find(marker='stage-mix').click()
    await user.should_see('with Tone')
    upload = weakref.ref(user.find(marker='mix-song-upload').elements.pop())
    body = weakref.ref(upload().parent_slot.parent)
    user.find(marker='stage-close').click()
    await user.should_not_see('with Tone')
    gc.collect()
    assert upload() is None and body() is None  # FastAPI's cache of route functions no longer holds them
