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

from ._native import VerificationError, Verifier
from ._webhook import Webhook

__all__ = ["Webhook", "current_webhook", "verify_webhook"]

_View = TypeVar("_View", bound=Callable[..., Any])

# WSGI extensions keep per-request data in the environ under a dotted key.
_ENVIRON_KEY = "hooksig.webhook"


def verify_webhook(verifier: Verifier) -> Callable[[_View], _View]:
    """Decorates a Flask view so it runs only for requests ``verifier`` accepts.

    A rejected request gets 401 (signature, timestamp, missing header) or 400
    (malformed header or body), with the error code as a plain-text body; the
    view reads the accepted one with :func:`current_webhook`.
    """

    def decorate(view: _View) -> _View:
        @functools.wraps(view)
        def verified_view(*args: Any, **kwargs: Any) -> Any:
            request = flask.request
            body = request.get_data(cache=True)
            try:
                verified = verifier.verify(request.headers, body)
            except VerificationError as error:
                return flask.Response(error.code, status=error.http_status, mimetype="text/plain")
            request.environ[_ENVIRON_KEY] = Webhook(verifier, verified, request.headers, body)
            return view(*args, **kwargs)

        return cast(_View, verified_view)

    return decorate


def current_webhook() -> Webhook:
    """The verified webhook of the current request (inside a view decorated with :func:`verify_webhook`)."""
    webhook = flask.request.environ.get(_ENVIRON_KEY)
    if not isinstance(webhook, Webhook):
        raise RuntimeError("current_webhook() is only available in a view decorated with @verify_webhook")
    return webhook
