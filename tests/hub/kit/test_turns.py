"""Writers take their turn in the order they came; one that gives up leaves the queue as it found it."""

from __future__ import annotations

import threading
import time

import pytest

from hub.kit.turns import Turns


def _wait_until(condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_waiters_are_served_in_the_order_they_came() -> None:
    turns = Turns()
    assert turns.acquire()
    served: list[int] = []

    def writer(n: int) -> None:
        assert turns.acquire(timeout=10)
        served.append(n)
        turns.release()

    threads = []
    for n in range(20):
        thread = threading.Thread(target=writer, args=(n,))
        thread.start()
        threads.append(thread)
        _wait_until(lambda n=n: turns.queued == n + 1)  # each is queued before the next one comes
    turns.release()
    for thread in threads:
        thread.join(timeout=10)
    assert served == list(range(20))


def test_a_waiter_that_times_out_leaves_the_queue_and_the_next_one_is_served() -> None:
    turns = Turns()
    assert turns.acquire()
    assert not turns.acquire(timeout=0.05)
    assert turns.queued == 0
    got: list[bool] = []
    thread = threading.Thread(target=lambda: got.append(turns.acquire(timeout=10)))
    thread.start()
    _wait_until(lambda: turns.queued == 1)
    turns.release()
    thread.join(timeout=10)
    assert got == [True]
    turns.release()
    assert turns.acquire(timeout=0)  # free again


def test_release_by_another_thread_hands_the_turn_on() -> None:
    turns = Turns()
    assert turns.acquire()
    releaser = threading.Thread(target=turns.release)
    releaser.start()
    releaser.join()
    assert turns.acquire(timeout=1)


def test_releasing_a_free_turn_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError):
        Turns().release()
