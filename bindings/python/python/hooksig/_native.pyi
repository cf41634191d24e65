from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any, Final, Literal, Protocol, final

__all__ = [
    "Verifier",
    "Verified",
    "ReplayStore",
    "sign",
    "BUILT_IN_SCHEMES",
    "__version__",
    "EventMatcher",
    "UnknownPattern",
    "event_types",
    "tratta_decrypt",
    "tratta_encrypt",
    "ERROR_CODES",
    "HooksigError",
    "VerificationError",
    "InvalidSecret",
    "MissingHeader",
    "MalformedHeader",
    "TimestampTooOld",
    "TimestampInFuture",
    "NoSupportedSignature",
    "SignatureMismatch",
    "InvalidBody",
    "InvalidPattern",
    "DecryptionFailed",
    "InvalidScheme",
    "Replayed",
    "ReplayStoreUnavailable",
]

_Text = str | bytes
# A header value: str (by the header-text rule: Latin-1 when every character
# fits in a byte, else UTF-8), bytes-like as it is, or an int (not a bool) as
# its decimal text; several values for one name as a list or tuple.
_HeaderScalar = str | bytes | bytearray | memoryview | int
_HeaderValue = _HeaderScalar | Sequence[_HeaderScalar]

class _HeaderItems(Protocol):
    # dict, Werkzeug EnvironHeaders, Starlette Headers, Django request.headers,
    # email.message.Message: anything whose items() yields (name, value).
    def items(self) -> Iterable[tuple[_Text, _HeaderValue]]: ...

# Request headers: any mapping with items(), or (name, value) pairs; names are case-insensitive.
_Headers = _HeaderItems | Iterable[tuple[_Text, _HeaderValue]]
# The raw request body, exactly as received (str is encoded as UTF-8).
_Body = bytes | bytearray | memoryview | str
# A built-in scheme name (see BUILT_IN_SCHEMES), or a custom-scheme definition (dict or JSON text).
_Scheme = str | Mapping[str, Any]

# A duration: seconds, or a timedelta.
_Seconds = int | float | timedelta

class _Store(Protocol):
    # A replay store written in Python (see ReplayStore.custom): each call one
    # atomic operation on one key, safe to call from several threads.
    def claim(self, key: str, ttl_seconds: float, /) -> Literal["claimed", "in_progress", "completed"]: ...
    def complete(self, key: str, ttl_seconds: float, /) -> object: ...
    def release(self, key: str, /) -> object: ...

BUILT_IN_SCHEMES: Final[tuple[str, ...]]
__version__: Final[str]

@final
class Verifier:
    """Verifies webhooks of one scheme against one or more secrets (newest first).

    Build one per endpoint at start-up and share it: key state is derived once,
    and the object is immutable and safe to use from any thread.
    """

    def __new__(
        cls,
        scheme: _Scheme,
        secrets: _Text | Sequence[_Text],
        *,
        tolerance: int = 300,
        replay: ReplayStore | _Store | None = None,
    ) -> Verifier: ...
    @property
    def scheme(self) -> str:
        """The scheme's name (``"custom"`` for a user-defined scheme)."""

    @property
    def tolerance(self) -> int:
        """How far, in seconds and in either direction, a signed timestamp may be from now."""

    @property
    def replay(self) -> ReplayStore | None:
        """The replay store given as ``replay=`` (a custom store wrapped by ``ReplayStore.custom``), or ``None``."""

    def verify(self, headers: _Headers, body: _Body, *, now: int | None = None) -> Verified:
        """Verifies a request; raises a ``VerificationError`` subclass when it fails.

        With a replay store, the delivery is then claimed: a copy raises
        ``Replayed``, a store that cannot answer ``ReplayStoreUnavailable``.
        Hand the result to ``complete`` once handled, or ``release`` if
        handling failed. ``now`` (Unix seconds) replaces the system clock, for tests.
        """

    def complete(self, verified: Verified) -> None:
        """Marks a claimed delivery handled: a later copy raises ``Replayed`` with ``completed=True``."""

    def release(self, verified: Verified) -> None:
        """Frees a claimed delivery whose handling failed, so that the sender's retry is handled."""

    def diagnose(self, headers: _Headers, body: _Body, *, now: int | None = None) -> str | None:
        """``None`` when the request verifies, else a sentence naming the likely mistake."""

@final
class Verified:
    """What a successful verification found."""

    @property
    def key_index(self) -> int:
        """Index of the secret that matched, in the order given to ``Verifier``."""

    @property
    def timestamp(self) -> int | None:
        """The signed timestamp (Unix seconds), for timestamped schemes."""

    @property
    def webhook_id(self) -> str | None:
        """The message / delivery id, where the request carries one (an empty id header is ``None``)."""

    @property
    def id_signed(self) -> bool:
        """Whether the signature covers ``webhook_id``: only then is it safe to deduplicate on.

        True for Standard Webhooks / Svix (and a custom scheme whose message has
        ``{id}``); False for GitHub, Shopify and Tratta, whose id header is outside
        the signature (use it for logging only), and when there is no id.
        """

    @property
    def replay_key(self) -> str | None:
        """The key the replay store holds for this delivery (``hooksig:replay:`` and a
        SHA-256, never the id or signature itself); ``None`` without a store, or when a
        fail-open store could not be reached."""

    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class ReplayStore:
    """Where a ``Verifier`` remembers the deliveries it accepted, so that a copy is refused.

    Give it as ``Verifier(..., replay=store)``; one store may serve several verifiers.
    """

    @staticmethod
    def memory(*, max_entries: int = 100000, retention: _Seconds | None = None) -> ReplayStore:
        """A store in this process's memory: at most ``max_entries`` deliveries (the oldest
        is dropped to make room), each forgotten once its timestamp is out of the window, or
        after ``retention`` (7 days) for schemes without a signed timestamp. Never unavailable."""

    @staticmethod
    def redis(
        url: str, *, retention: _Seconds | None = None, timeout: _Seconds | None = None, fail_open: bool = False
    ) -> ReplayStore:
        """A Redis server every receiver process shares (``redis://host:port[/db]``).

        A claim is one ``SET key NX PX ttl``, with the GIL released. Connecting and each
        command time out after ``timeout`` (2 s); then ``verify`` raises
        ``ReplayStoreUnavailable``, or with ``fail_open=True`` accepts the delivery unguarded.
        """

    @staticmethod
    def custom(store: _Store, *, retention: _Seconds | None = None, fail_open: bool = False) -> ReplayStore:
        """A store written in Python: ``claim(key, ttl_seconds)`` answering ``"claimed"``,
        ``"in_progress"`` or ``"completed"`` atomically, ``complete(key, ttl_seconds)``,
        ``release(key)``. An exception from it is ``ReplayStoreUnavailable``."""

    @property
    def kind(self) -> Literal["memory", "redis", "custom"]:
        """Which kind of store this is."""

    @property
    def retention(self) -> float:
        """How long, in seconds, a delivery without a signed timestamp is remembered."""

    @property
    def fail_open(self) -> bool:
        """Whether deliveries are accepted unguarded while the store cannot be reached."""

def sign(
    scheme: _Scheme,
    secret: _Text,
    body: _Body,
    *,
    timestamp: int | None = None,
    webhook_id: str | None = None,
    event_type: str | None = None,
) -> dict[str, str]:
    """Signs ``body`` as a sender of ``scheme`` would; returns the headers to attach, in order."""

def event_types(scheme: _Scheme | Verifier, headers: _Headers, body: _Body) -> list[str]:
    """The event types of a (verified) request, one per event, in payload order.

    ``scheme`` may be the ``Verifier`` that accepted the request. Raises
    ``InvalidBody`` or ``MissingHeader`` when the request does not carry one.
    """

@final
class EventMatcher:
    """Event-type patterns compiled once, for routing.

    ``*`` alone matches everything; a pattern with ``*`` is a glob whose ``*``
    spans dots (``card*``, ``card.*``, ``kyc.*.success``); a pattern without
    one matches that type exactly, and with ``scope=True`` every type below
    it too (``connection`` matches ``connection.synced.successful``).
    Raises ``InvalidPattern`` for a pattern that cannot be compiled.
    """

    def __new__(cls, patterns: str | Iterable[str], *, scope: bool = False) -> EventMatcher: ...
    def matches(self, event_type: str) -> bool:
        """True when at least one pattern matches ``event_type``."""

    def matching(self, event_type: str) -> list[int]:
        """The indexes (ascending) of every pattern that matches ``event_type``."""

    @property
    def patterns(self) -> list[str]:
        """The patterns, in the order given."""

    @property
    def scope(self) -> bool:
        """Whether patterns without ``*`` also match the types below them."""

    def unknown_patterns(self, provider: str) -> list[UnknownPattern]:
        """The patterns that match no event type ``provider`` documents (``"quiltt"``, ``"bond"``, ``"tratta"``)."""

@final
class UnknownPattern:
    """A subscription pattern that matches no event type the provider documents."""

    @property
    def index(self) -> int:
        """Index of the pattern in the list given to ``EventMatcher``."""

    @property
    def pattern(self) -> str:
        """The pattern itself."""

    @property
    def suggestion(self) -> str | None:
        """The nearest known type, when the pattern looks like a typo of one."""

def tratta_decrypt(secret: _Text, data: _Text) -> bytes: ...
def tratta_encrypt(secret: _Text, plaintext: _Text) -> str: ...

ERROR_CODES: Final[tuple[tuple[str, str, int, bool], ...]]
"""The core's error table: ``(class name, code, http_status, is_verification_error)``
per code, in the core's order; the classes below are made from it."""

class HooksigError(Exception):
    """Base class of every error hooksig raises; ``code`` is its stable machine-readable code.

    ``http_status`` is what a webhook receiver answers the error with: 401 when
    the request does not prove its origin, 400 when it is malformed, 500 for a
    configuration error (secret, pattern, scheme).
    """

    code: str
    http_status: int

class VerificationError(HooksigError):
    """A request that cannot be trusted: answer it with 400/401, never process it."""

class InvalidSecret(HooksigError):
    """The secret is empty, too short for the scheme, or not valid for its key format."""

class InvalidPattern(HooksigError):
    """An event-type pattern that cannot be compiled."""

class InvalidScheme(HooksigError):
    """An unknown scheme name, or a custom-scheme definition that is not valid."""

class ReplayStoreUnavailable(HooksigError):
    """The replay store cannot be reached: never a silent accept."""

class Replayed(VerificationError):
    """This delivery was accepted before, or is being handled now (a replay guard's claim).

    ``completed`` tells the two apart: True for a copy of a delivery handled to
    completion (adapters answer it 200, so the sender stops), False for one still
    being handled (409: the sender retries later).
    """

    completed: bool

class MissingHeader(VerificationError):
    """A header the scheme requires is absent."""

class MalformedHeader(VerificationError):
    """A header is present but unusable (bad format, or repeated with different values)."""

class TimestampTooOld(VerificationError):
    """The signed timestamp is older than the tolerance allows (a replay, or a clock ahead)."""

class TimestampInFuture(VerificationError):
    """The signed timestamp is further ahead than the tolerance allows."""

class NoSupportedSignature(VerificationError):
    """The signature header carries only signature versions hooksig cannot check."""

class SignatureMismatch(VerificationError):
    """No signature in the request matches any of the secrets."""

class InvalidBody(VerificationError):
    """The body is not raw bytes or text (for example JSON that was already parsed)."""

class DecryptionFailed(VerificationError):
    """An encrypted payload could not be decrypted; the reason says nothing about the key."""
