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
signature is what authenticates it) and may be sync or async.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, TypeVar, cast

from django.http import HttpRequest, HttpResponse

from ._native import VerificationError, Verifier
from ._webhook import Webhook

__all__ = ["Webhook", "verify_webhook", "webhook_of"]

_View = TypeVar("_View", bound=Callable[..., Any])
_F = TypeVar("_F", bound=Callable[..., Any])

_ATTRIBUTE = "webhook"


def _check(verifier: Verifier, request: HttpRequest) -> HttpResponse | None:
    body = request.body
    try:
        verified = verifier.verify(request.headers, body)
    except VerificationError as error:
        return HttpResponse(error.code, status=error.http_status, content_type="text/plain")
    setattr(request, _ATTRIBUTE, Webhook(verifier, verified, request.headers, body))
    return None


def _csrf_exempt(view: _F) -> _F:
    # What django.views.decorators.csrf.csrf_exempt does, minus the wrapper
    # that Django < 5 puts around async views (turning them into sync ones).
    setattr(view, "csrf_exempt", True)
    return view


def verify_webhook(verifier: Verifier) -> Callable[[_View], _View]:
    """Decorates a Django view so it runs only for requests ``verifier`` accepts.

    The accepted request gets ``request.webhook`` (also :func:`webhook_of`, for
    typed code); a rejected one is answered 401 (signature, timestamp, missing
    header) or 400 (malformed header or body) with the error code as its body.
    """

    def decorate(view: _View) -> _View:
        if inspect.iscoroutinefunction(view):

            @functools.wraps(view)
            async def verified_async_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                rejection = _check(verifier, request)
                return rejection if rejection is not None else await view(request, *args, **kwargs)

            return cast(_View, _csrf_exempt(verified_async_view))

        @functools.wraps(view)
        def verified_view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            rejection = _check(verifier, request)
            return rejection if rejection is not None else view(request, *args, **kwargs)

        return cast(_View, _csrf_exempt(verified_view))

    return decorate


def webhook_of(request: HttpRequest) -> Webhook:
    """The verified webhook of ``request`` (inside a view decorated with :func:`verify_webhook`)."""
    webhook = getattr(request, _ATTRIBUTE, None)
    if not isinstance(webhook, Webhook):
        raise RuntimeError("webhook_of(request) is only available in a view decorated with @verify_webhook")
    return webhook
