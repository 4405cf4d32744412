"""A lock that hands itself to its waiters in the order they came (first come, first served).

`threading.Lock` lets any waiter win when it is released, so under a few dozen waiters one can lose
again and again until its timeout. Writers of a SQLite database queue on this instead: the n-th writer
waits for the n−1 before it, never longer.
"""

from __future__ import annotations

import threading
from collections import deque


class Turns:
    """A first-come-first-served lock; `acquire(timeout)` and `release()` as `threading.Lock`'s.

    Any thread may release it (a transaction can end on another thread than the one that began it).
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiting: deque[threading.Event] = deque()

    def acquire(self, timeout: float | None = None) -> bool:
        with self._mutex:
            if not self._held and not self._waiting:
                self._held = True
                return True
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn in self._waiting:  # still queued: leave the queue
                self._waiting.remove(turn)
                return False
        # Handed over between the timeout and the mutex: the turn is ours.
        return True

    def release(self) -> None:
        with self._mutex:
            if not self._held:
                raise RuntimeError("release of a turn nobody holds")
            if self._waiting:
                self._waiting.popleft().set()  # ownership passes straight on; _held stays True
            else:
                self._held = False

    @property
    def queued(self) -> int:
        """Waiters in the queue now (for tests and diagnostics)."""
        with self._mutex:
            return len(self._waiting)
