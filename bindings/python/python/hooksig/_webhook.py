"""What the framework adapters hand a handler, and how they answer a rejected request."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._native import Verified, Verifier, event_types

if TYPE_CHECKING:
    from ._native import _Headers

class Webhook:
    """A request that passed verification.

    ``verified`` says which secret matched and the signed timestamp and id;
    ``body`` is the raw body that was verified; ``event_types`` lists the
    request's event types (read from the body or headers the first time it is
    used) for routing with :class:`hooksig.EventMatcher`.
    """

    __slots__ = ("_event_types", "_headers", "_verifier", "body", "verified")

    def __init__(self, verifier: Verifier, verified: Verified, headers: _Headers, body: bytes) -> None:
        self.verified = verified
        self.body = body
        self._verifier = verifier
        self._headers = headers
        self._event_types: tuple[str, ...] | None = None

    @property
    def event_types(self) -> tuple[str, ...]:
        """The event types the request carries, in payload order (several for a Quiltt batch).

        Raises ``InvalidBody`` or ``MissingHeader`` when the request does not say.
        """
        if self._event_types is None:
            self._event_types = tuple(event_types(self._verifier, self._headers, self.body))
        return self._event_types

    def json(self) -> Any:
        """The body parsed as JSON (after verification, never before)."""
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"Webhook({self.verified!r}, body=<{len(self.body)} bytes>)"
