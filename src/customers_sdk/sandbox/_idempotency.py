"""`Idempotency-Key` support: a retried write replays the first reply instead of writing twice."""

from __future__ import annotations

from dataclasses import dataclass

from ._http import Reply, Request

Fingerprint = tuple[str, str, bytes]


@dataclass(frozen=True)
class _Remembered:
    fingerprint: Fingerprint
    reply: Reply
    request_id: str


class IdempotencyKeyReused(Exception):
    """The key was first used for a different request."""


class IdempotencyCache:
    """Replies to keyed writes, scoped per dialect and API key as Stripe scopes them.

    A reply is remembered as soon as the write commits, before the connection can fail, so a
    client retrying after a dropped connection gets the original reply.

    >>> cache = IdempotencyCache()
    >>> request = Request.parse("POST", "/v1/customers", "", {}, b"name=Ada")
    >>> cache.remember(("stripe", "sk", "k1"), request, Reply(200, {"id": "cus_1"}), "req_1")
    >>> cache.replay(("stripe", "sk", "k1"), request).body
    {'id': 'cus_1'}
    """

    def __init__(self) -> None:
        self._replies: dict[tuple[str, str, str], _Remembered] = {}

    def replay(self, scope: tuple[str, str, str], request: Request) -> Reply | None:
        """The remembered reply marked as replayed, None if the key is new.

        Raises IdempotencyKeyReused when the key was used for another method, path or body.
        """
        remembered = self._replies.get(scope)
        if remembered is None:
            return None
        if remembered.fingerprint != _fingerprint(request):
            raise IdempotencyKeyReused(scope[2])
        headers = (
            *remembered.reply.headers,
            ("Idempotent-Replayed", "true"),
            ("Original-Request", remembered.request_id),
        )
        return Reply(remembered.reply.status, remembered.reply.body, headers)

    def remember(
        self, scope: tuple[str, str, str], request: Request, reply: Reply, request_id: str
    ) -> None:
        self._replies[scope] = _Remembered(_fingerprint(request), reply, request_id)


def _fingerprint(request: Request) -> Fingerprint:
    return (request.method, request.path, request.body)
