"""A Standard Webhooks receiver that runs as several processes and handles each delivery once.

Every process (gunicorn workers, containers, hosts) verifies with the same
Redis replay store: the first copy of a delivery to reach any of them claims
it, copies that arrive while it is handled are answered 409 (the sender
retries later), copies after it was handled 200 (the sender stops), and a
handler that fails releases the claim so that the sender's retry is handled.

Run two receivers sharing one Redis (as ``tests/test_examples.py`` does)::

    export WEBHOOK_SECRET=whsec_... REDIS_URL=redis://127.0.0.1:6379/0
    PORT=5001 python app.py &
    PORT=5002 python app.py &
"""

from __future__ import annotations

import logging
import os

import flask
from flask.typing import ResponseReturnValue

import hooksig
from hooksig.flask import current_webhook, verify_webhook

app = flask.Flask(__name__)
log = logging.getLogger("receiver")

# One store per process, one connection each; the claims live in Redis. A
# Redis that cannot be reached answers 503 (fail_open=True would accept
# deliveries unguarded instead).
store = hooksig.ReplayStore.redis(os.environ["REDIS_URL"], timeout=1)
verifier = hooksig.Verifier("standard", os.environ["WEBHOOK_SECRET"], replay=store)


@app.post("/webhooks")
@verify_webhook(verifier)
def webhooks() -> ResponseReturnValue:
    webhook = current_webhook()
    # Reached once per delivery across every process sharing the store.
    log.info("handled %s (%s) in process %d", webhook.verified.webhook_id, ", ".join(webhook.event_types), os.getpid())
    return "handled", 200


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
