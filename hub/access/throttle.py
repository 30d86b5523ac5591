"""Login throttling per client and per account-and-client, with backoff instead of a hard lock.

Two limits, both over a sliding window (default 15 minutes):

- per client (IP address): at most ``per_client`` failed logins, whatever the account, so one
  machine cannot spray a password over many accounts;
- per account *and* client: after ``free_per_pair`` failures each further failure doubles the
  wait (``base_delay``, 2x, 4x, ... up to ``max_delay``), so guessing one account is slow.

An account is never locked for everyone: someone who types a colleague's name with wrong
passwords slows down only their own machine, and the colleague still logs in from theirs. A
success clears that account-and-client's count. Hand-written rather than a rate-limit library
because those count requests in fixed quotas and have no per-key exponential backoff; the state
is in memory per web process (a restart forgets it; Argon2id keeps each guess expensive).
"""

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass


@dataclass(frozen=True)
class ThrottlePolicy:
    window_seconds: float = 15 * 60
    per_client: int = 10
    free_per_pair: int = 5
    base_delay: float = 30.0
    max_delay: float = 15 * 60
    max_keys: int = 100_000
    """Memory bound: the oldest keys are forgotten beyond this many."""


@dataclass
class _Pair:
    failures: int
    last: float


class LoginThrottle:
    """Thread-safe, in-process counters; ``clock`` is injectable for tests."""

    def __init__(self, policy: ThrottlePolicy | None = None, clock=time.monotonic) -> None:  # noqa: ANN001
        self.policy = policy or ThrottlePolicy()
        self._clock = clock
        self._clients: OrderedDict[str, deque[float]] = OrderedDict()
        self._pairs: OrderedDict[tuple[str, str], _Pair] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._clients.get(client) or deque()
        while times and now - times[0] >= self.policy.window_seconds:
            times.popleft()
        return times

    def wait_seconds(self, client: str, username: str) -> float:
        """How long this client must wait before trying this account (0: go ahead)."""
        now = self._clock()
        p = self.policy
        with self._lock:
            times = self._recent(client, now)
            wait = 0.0
            if len(times) >= p.per_client:
                wait = times[len(times) - p.per_client] + p.window_seconds - now
            pair = self._pairs.get((client, username))
            if pair is not None:
                if now - pair.last >= p.window_seconds + p.max_delay:
                    del self._pairs[(client, username)]
                elif pair.failures >= p.free_per_pair:
                    delay = min(p.base_delay * 2 ** (pair.failures - p.free_per_pair),
                                p.max_delay)
                    wait = max(wait, pair.last + delay - now)
            return max(wait, 0.0)

    def failed(self, client: str, username: str) -> None:
        now = self._clock()
        with self._lock:
            times = self._recent(client, now)
            times.append(now)
            self._clients[client] = times
            self._clients.move_to_end(client)
            pair = self._pairs.get((client, username)) or _Pair(0, now)
            pair.failures, pair.last = pair.failures + 1, now
            self._pairs[(client, username)] = pair
            self._pairs.move_to_end((client, username))
            for store in (self._clients, self._pairs):
                while len(store) > self.policy.max_keys:
                    store.popitem(last=False)

    def succeeded(self, client: str, username: str) -> None:
        with self._lock:
            self._pairs.pop((client, username), None)
