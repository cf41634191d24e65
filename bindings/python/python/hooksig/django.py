"""Django adapter: a view decorator that verifies ``request.body`` before the view runs.

Usage (``views.py``)::

    import hooksig
    from hooksig.django import verify_webhook, webhook_of

    verifier = hooksig.Verifier("stripe", settings.STRIPE_WEBHOOK_SECRET)

    @verify_webhook(verifier)
    def stripe_webhook(request):
        for event_type in webhook_of(request).event_types:
            ...
        return HttpResponse(status=204)

The decorated view is CSRF-exempt (a provider cannot send a CSRF token; the
signature is what authenticates it) and may be sync or async. The body is
read up to ``max_body`` bytes (5 MiB) or Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``
(2.5 MiB unless set), whichever is smaller; a larger body is answered 413.
"""

from __future__ import annotations

import functools
import inspect
import io
from typing import Any, Callable, TypeVar, cast

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from ._native import Verified, Verifier
from ._webhook import (
    DEFAULT_MAX_BODY,
    RAISE_MAX_BODY,
    REFUSED,
    Webhook,
    check_max_body,
    consumed,
    declared_length,
    handled,
    is_chunked,
    read_capped,
    refusal,
    settle,
    store_blocks,
    too_large,
    unframed,
)

__all__ = ["DEFAULT_MAX_BODY", "Webhook", "verify_webhook", "webhook_of"]

_View = TypeVar("_View", bound=Callable[..., Any])
_F = TypeVar("_F", bound=Callable[..., Any])

_ATTRIBUTE = "webhook"


_CONSUMED = (
    "request.POST or request.FILES parsed a multipart body, or something called "
    "request.read() / iterated the request (a middleware, another decorator); put "
    "@verify_webhook right above the view function and read request.POST inside the view "
    "(it works there: hooksig keeps the raw body), or read request.body before anything parses it"
)


def _cap(max_body: int | None) -> tuple[int | None, str]:
    """The cap in force and how to raise it: max_body, or Django's own limit when smaller."""
    django_cap = getattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", None)
    if django_cap is not None and (max_body is None or django_cap < max_body):
        return django_cap, "the DATA_UPLOAD_MAX_MEMORY_SIZE setting (None: no limit of Django's)"
    return max_body, RAISE_MAX_BODY


def _read_body(request: HttpRequest, max_body: int | None) -> bytes:
    cap, how = _cap(max_body)
    cached: bytes | None = getattr(request, "_body", None)  # request.body was read already
    if cached is not None:
        if cap is not None and len(cached) > cap:
            raise too_large(cap, how)
        return cached
    if getattr(request, "_read_started", False):
        raise consumed(_CONSUMED)  # what request.body would raise RawPostDataException for
    declared = declared_length(request.META.get("CONTENT_LENGTH"))
    # OSError includes Django's UnreadablePostError.
    body = read_capped(request.read, cap, declared, lambda limit: too_large(limit, how))
    if not body and declared is None and is_chunked(request.META.get("HTTP_TRANSFER_ENCODING")):
        if "wsgi.input" in request.META:
            raise unframed("Django under WSGI")
    # What request.body leaves behind, so that the view can read request.body / request.POST.
    request._body = body
    request._stream = io.BytesIO(body)
    return body


def _check(verifier: Verifier, max_body: int | None, request: HttpRequest) -> HttpResponse | Webhook:
    """The request's verified webhook (claimed, with a replay store), or the answer refusing it."""
    try:
        body = _read_body(request, max_body)
        verified = verifier.verify(request.headers, body)
    except REFUSED as error:
        status, code = refusal(error)
        return HttpResponse(code, status=status, content_type="text/plain")
    webhook = Webhook(verifier, verified, request.headers, body)
    setattr(request, _ATTRIBUTE, webhook)
    return webhook


# A claim or settle waits on the store's I/O: outside the event loop, and not
# on the one thread that thread-sensitive sync_to_async calls share.
_check_in_thread = sync_to_async(_check, thread_sensitive=False)
_settle_in_thread = sync_to_async(settle, thread_sensitive=False)


async def _settle_async(verifier: Verifier, verified: Verified, done: bool) -> None:
    if store_blocks(verifier):
        await _settle_in_thread(verifier, verified, done)
    else:
        settle(verifier, verified, done)


def _csrf_exempt(view: _F) -> _F:
    # What django.views.decorators.csrf.csrf_exempt does, minus the wrapper
    # that Django < 5 puts around async views (turning them into sync ones).
    setattr(view, "csrf_exempt", True)
    return view


def verify_webhook(verifier: Verifier, *, max_body: int | None = DEFAULT_MAX_BODY) -> Callable[[_View], _View]:
    """Decorates a Django view so it runs only for requests ``verifier`` accepts.

    The accepted request gets ``request.webhook`` (also :func:`webhook_of`, for
    typed code); a rejected one is answered 401 (signature, timestamp, missing
    header) or 400 (malformed header or body) with the error code as its body.

    The body is read up to ``max_body`` bytes (5 MiB; ``None`` for no cap of
    hooksig's own) or ``settings.DATA_UPLOAD_MAX_MEMORY_SIZE``, whichever is
    smaller: a larger one is answered 413 ``invalid_body`` once its
    Content-Length, or the part read so far, says so. A body that
    ``request.POST`` (multipart) or ``request.read()`` consumed before the
    decorator ran, and an upload the client abandoned, get 400 ``invalid_body``;
    the reason is logged on the ``hooksig`` logger.

    With a replay store on the verifier (``Verifier(..., replay=store)``), a
    delivery is claimed before the view runs, completed when the view answers
    2xx and released when it raises or answers anything else; a copy is
    answered 409 ``replayed`` while the first is handled, 200 ``replayed``
    (without calling the view) once it was, and a store that cannot be reached
    503 ``replay_store_unavailable``. An async view claims and settles in a
    worker thread unless the store is in memory.
    """
    cap = check_max_body(max_body)

    def decorate(view: _View) -> _View:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def verified_async_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                blocks = store_blocks(verifier)
                checked = await _check_in_thread(verifier, cap, request) if blocks else _check(verifier, cap, request)
                if isinstance(checked, HttpResponse):
                    return checked
                verified = checked.verified
                if verified.replay_key is None:
                    return await view(request, *args, **kwargs)
                try:
                    response = await view(request, *args, **kwargs)
                except BaseException:
                    await _settle_async(verifier, verified, False)
                    raise
                await _settle_async(verifier, verified, handled(response.status_code))
                return response

            return cast(_View, _csrf_exempt(verified_async_view))

        @functools.wraps(view)
        def verified_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            checked = _check(verifier, cap, request)
            if isinstance(checked, HttpResponse):
                return checked
            verified = checked.verified
            if verified.replay_key is None:
                return view(request, *args, **kwargs)
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                settle(verifier, verified, False)
                raise
            settle(verifier, verified, handled(response.status_code))
            return response

        return cast(_View, _csrf_exempt(verified_view))

    return decorate


def webhook_of(request: HttpRequest) -> Webhook:
    """The verified webhook of ``request`` (inside a view decorated with :func:`verify_webhook`)."""
    webhook = getattr(request, _ATTRIBUTE, None)
    if not isinstance(webhook, Webhook):
        raise RuntimeError("webhook_of(request) is only available in a view decorated with @verify_webhook")
    return webhook
