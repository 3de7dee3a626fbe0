import functools
import gc
import weakref

from nicegui import helpers
from nicegui.helpers.functions import expects_arguments as niceguis_own
from nicegui.testing import User

from liab.web import speedups


class Handlers:
    def none(self) -> None: ...

    def one(self, event: object) -> None: ...

    def defaulted(self, event: object = None) -> None: ...

    def rest(self, *args: object, **kwargs: object) -> None: ...

    @classmethod
    def of_class(cls, event: object) -> None: ...

    def __call__(self, event: object) -> None: ...


def some_function(event: object) -> None: ...


def test_every_kind_of_handler_gets_niceguis_answer_the_first_time_and_every_time_after() -> None:
    first, second = Handlers(), Handlers()
    handlers = [first.none, first.one, first.defaulted, first.rest, first.of_class, first, some_function,
                lambda: None, lambda event: None, functools.partial(some_function), print, [].append]
    expected = [niceguis_own(handler) for handler in handlers]
    assert expected == [False, True, False, False, True, True, True, False, True, True, False, True]
    for _ in range(3):
        assert [speedups.expects_arguments(handler) for handler in handlers] == expected
    # Another instance's methods share the answer of their function.
    assert [speedups.expects_arguments(m) for m in (second.none, second.one, second.of_class)] == [False, True, True]


def test_the_table_holds_no_function_alive() -> None:
    def make() -> type:
        class Passing:
            def handle(self, event: object) -> None: ...
        return Passing

    kind = make()
    assert speedups.expects_arguments(kind().handle) is True
    function = weakref.ref(kind.handle)
    assert function() in speedups._answers
    del kind
    gc.collect()
    assert function() is None


async def test_the_app_builds_its_elements_with_the_remembering_answer(user: User) -> None:
    assert helpers.expects_arguments is speedups.expects_arguments
    speedups.install()  # a second call keeps NiceGUI's own as the one asked
    assert speedups._niceguis_own is niceguis_own
    await user.open('/')
    user.find(marker='stage-mix').click()
    await user.should_see('with Tone')
    # Each element's props, classes and style told NiceGUI of their changes through the remembered answers.
    remembered = {function.__qualname__ for function in speedups._answers.keys()}
    assert {'Props._update', 'Classes._update', 'Style._update'} <= remembered
    user.find(marker='mix-preset').elements.pop().set_value('warm')
    await user.should_see('Warm sets', retries=100)
