"""Cheaper element construction in NiceGUI: the answer of `expects_arguments` kept per method.

Every NiceGUI element makes three observable collections (props, classes, style), and each asks
`nicegui.helpers.expects_arguments` about its change handler, the element's bound `_update` method. That calls
`inspect.signature` every time: about a third of the CPU of building a stage, all of it on the event loop (measured
with tests/bench/bench_load.py; see tests/bench/RESULTS.md). NiceGUI 3.15 stopped asking on every change (PR #6108),
not on every construction.

A bound method's signature is its function's minus the first parameter, so the answer depends on the function alone.
It is kept per function, weakly (a function that goes, goes from the table too). Anything else (a plain function, a
lambda, a partial, a callable object) is asked as before.
"""

from __future__ import annotations

import types
import weakref
from collections.abc import Callable

from nicegui import helpers

_answers: weakref.WeakKeyDictionary[Callable, bool] = weakref.WeakKeyDictionary()
_niceguis_own: Callable[[Callable], bool] = helpers.expects_arguments


def install() -> None:
    """Put the remembering `expects_arguments` in place of NiceGUI's (a second call changes nothing)."""
    helpers.expects_arguments = expects_arguments


def expects_arguments(func: Callable) -> bool:
    """NiceGUI's `expects_arguments`, remembered per function for bound methods."""
    if not isinstance(func, types.MethodType):
        return _niceguis_own(func)
    function = func.__func__
    try:
        return _answers[function]
    except KeyError:
        answer = _answers[function] = _niceguis_own(func)
        return answer
    except TypeError:  # a function that cannot be weakly referenced: ask every time
        return _niceguis_own(func)
