"""A Quiltt webhook receiver: the Flask snippet of Quiltt's docs, done right.

What the docs' snippet gets wrong and this one does not:

- it compares signatures with ``!=`` (a timing leak); hooksig compares in constant time;
- it rejects only timestamps from the past; hooksig rejects the future as well;
- it hashes ``get_data(as_text=True)`` re-encoded; hooksig hashes the raw bytes;
- it answers a forged request ``204`` like a good one; this answers ``401``;
- it routes with ``startswith``, so ``connection.synced.successfully_bogus`` would
  match; an ``EventMatcher`` with Quiltt's scope semantics matches whole segments.

Run: ``QUILTT_WEBHOOK_SECRET=... python app.py`` (listens on 127.0.0.1:$PORT, default 5000).
"""

from __future__ import annotations

import logging
import os

import flask
from flask.typing import ResponseReturnValue

import hooksig
from hooksig.flask import current_webhook, verify_webhook

app = flask.Flask(__name__)
log = logging.getLogger("quiltt")

# Built once: key state is derived here and shared by every request and thread.
verifier = hooksig.Verifier("quiltt", os.environ["QUILTT_WEBHOOK_SECRET"])

# Parent types match every type below them: "connection.synced.successful"
# also takes ".initial" and ".historical".
SYNCED, VERIFIED = 0, 1
routes = hooksig.EventMatcher(["connection.synced.successful", "account.verified"], scope=True)


@app.post("/quiltt_webhook")
@verify_webhook(verifier)
def quiltt_webhook() -> ResponseReturnValue:
    for event in current_webhook().json()["events"]:
        record = event["record"]
        matched = routes.matching(event["type"])
        if SYNCED in matched:
            log.info("Connection with ID %s has synced successfully!", record["id"])
        elif VERIFIED in matched:
            log.info("Account with ID %s is ready for payment processing!", record["id"])
        else:
            log.info("Unhandled event %s", event["type"])
    return "", 204


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    app.run(host="127.0.0.1", port=int(os.environ.get("PORT", "5000")))
