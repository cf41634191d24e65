"""Flask adapter: a view decorator that verifies the raw body before the view runs.

>>> import flask, hooksig
>>> from hooksig.flask import verify_webhook, current_webhook
>>> app = flask.Flask(__name__)
>>> verifier = hooksig.Verifier("quiltt", "quiltt-secret")
>>> @app.post("/quiltt")
... @verify_webhook(verifier)
... def quiltt() -> tuple[str, int]:
...     return ", ".join(current_webhook().event_types), 200
>>> body = b'{"events": [{"type": "account.verified"}]}'
>>> client = app.test_client()
>>> client.post("/quiltt", data=body, headers=hooksig.sign("quiltt", "quiltt-secret", body)).text
'account.verified'
>>> response = client.post("/quiltt", data=body + b" ", headers=hooksig.sign("quiltt", "quiltt-secret", body))
>>> response.status_code, response.text
(401, 'signature_mismatch')
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar, cast

import flask
from werkzeug.exceptions import ClientDisconnected

from ._native import Verifier
from ._webhook import (
    DEFAULT_MAX_BODY,
    REFUSED,
    Webhook,
    check_max_body,
    consumed,
    handled,
    is_chunked,
    read_capped,
    refusal,
    settle,
    too_large,
    unframed,
)

__all__ = ["DEFAULT_MAX_BODY", "Webhook", "current_webhook", "verify_webhook"]

_View = TypeVar("_View", bound=Callable[..., Any])

# WSGI extensions keep per-request data in the environ under a dotted key.
_ENVIRON_KEY = "hooksig.webhook"

_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")

_CONSUMED = (
    "request.form, request.files or request.values parsed it, or something read "
    "request.stream (a before_request hook, another decorator); put @verify_webhook "
    "right above the view function and read the form inside the view (it works there: "
    "hooksig keeps the raw body), or call request.get_data() before the form is parsed"
)


def _read_body(request: flask.Request, max_body: int | None) -> bytes:
    # get_data(cache=True), get_json() and request.data keep the raw body here, and
    # Werkzeug parses forms from it when it is set (Request._get_stream_for_parsing).
    cached: bytes | None = getattr(request, "_cached_data", None)
    if cached is not None:
        if max_body is not None and len(cached) > max_body:
            raise too_large(max_body)
        return cached
    stream = request.stream
    form_parsed = "form" in request.__dict__ and request.mimetype in _FORM_TYPES
    if form_parsed or getattr(stream, "_pos", 0) > 0:
        raise consumed(_CONSUMED)
    declared = request.content_length  # None when absent or chunked
    body = read_capped(stream.read, max_body, declared, too_large, (ClientDisconnected, OSError))
    if not body and is_chunked(request.headers.get("Transfer-Encoding")):
        if not request.environ.get("wsgi.input_terminated"):
            raise unframed("this WSGI server (it does not set wsgi.input_terminated)")
    request._cached_data = body  # for get_data()/get_json()/form in the view
    return body


def verify_webhook(verifier: Verifier, *, max_body: int | None = DEFAULT_MAX_BODY) -> Callable[[_View], _View]:
    """Decorates a Flask view so it runs only for requests ``verifier`` accepts.

    A rejected request gets 401 (signature, timestamp, missing header) or 400
    (malformed header or body), with the error code as a plain-text body; the
    view reads the accepted one with :func:`current_webhook`.

    The body is read up to ``max_body`` bytes (5 MiB; ``None`` for no cap):
    a larger one is answered 413 ``invalid_body`` as soon as its
    Content-Length, or the part of a chunked body read so far, says so. A body
    that ``request.form`` or a read of ``request.stream`` consumed before the
    decorator ran, and an upload the client abandoned, get 400
    ``invalid_body``; the reason is logged on the ``hooksig`` logger.

    With a replay store on the verifier (``Verifier(..., replay=store)``), a
    delivery is claimed before the view runs, completed when the view answers
    2xx and released when it raises or answers anything else; a copy is
    answered 409 ``replayed`` while the first is handled, 200 ``replayed``
    (without calling the view) once it was, and a store that cannot be reached
    503 ``replay_store_unavailable``.
    """
    cap = check_max_body(max_body)

    def decorate(view: _View) -> _View:
        @functools.wraps(view)
        def verified_view(*args: Any, **kwargs: Any) -> Any:
            request = flask.request
            try:
                body = _read_body(request, cap)
                verified = verifier.verify(request.headers, body)
            except REFUSED as error:
                status, code = refusal(error)
                return flask.Response(code, status=status, mimetype="text/plain")
            request.environ[_ENVIRON_KEY] = Webhook(verifier, verified, request.headers, body)
            if verified.replay_key is None:
                return view(*args, **kwargs)
            try:
                # The view's return value as the Response Flask would make of it, for its status.
                response = flask.make_response(view(*args, **kwargs))
            except BaseException:
                settle(verifier, verified, False)
                raise
            settle(verifier, verified, handled(response.status_code))
            return response

        return cast(_View, verified_view)

    return decorate


def current_webhook() -> Webhook:
    """The verified webhook of the current request (inside a view decorated with :func:`verify_webhook`)."""
    webhook = flask.request.environ.get(_ENVIRON_KEY)
    if not isinstance(webhook, Webhook):
        raise RuntimeError("current_webhook() is only available in a view decorated with @verify_webhook")
    return webhook
