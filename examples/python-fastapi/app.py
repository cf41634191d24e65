"""A Standard Webhooks receiver (Svix, and every provider that follows the spec) with key rotation.

During a rotation the provider signs with the new secret while deliveries
signed with the old one are still in flight (retries): both are accepted, and
``key_index`` says which matched, so you know when the old one can go.

Run: ``WEBHOOK_SECRET=whsec_... [WEBHOOK_SECRET_PREVIOUS=whsec_...] uvicorn app:app --port 8000``
"""

from __future__ import annotations

import logging
import os
from typing import Annotated

from fastapi import Depends, FastAPI

import hooksig
from hooksig.fastapi import Webhook, verify_webhook

log = logging.getLogger("uvicorn.error")

# Newest first.
secrets = [os.environ["WEBHOOK_SECRET"]]
if os.environ.get("WEBHOOK_SECRET_PREVIOUS"):
    secrets.append(os.environ["WEBHOOK_SECRET_PREVIOUS"])
verifier = hooksig.Verifier("standard", secrets)

# Glob patterns: "invoice.*" is the boundary-safe form ("invoice*" would also
# take "invoices.x").
INVOICES, CUSTOMERS = 0, 1
routes = hooksig.EventMatcher(["invoice.*", "customer.*"])

app = FastAPI()
VerifiedWebhook = Annotated[Webhook, Depends(verify_webhook(verifier))]


@app.post("/webhooks")
async def receive(webhook: VerifiedWebhook) -> dict[str, object]:
    if webhook.verified.key_index > 0:
        log.warning("webhook %s signed with the previous secret", webhook.verified.webhook_id)
    handled = []
    for event_type in webhook.event_types:
        matched = routes.matching(event_type)
        if INVOICES in matched:
            handled.append(f"invoice: {webhook.json()['data']['id']}")
        elif CUSTOMERS in matched:
            handled.append(f"customer: {webhook.json()['data']['id']}")
    return {"id": webhook.verified.webhook_id, "key_index": webhook.verified.key_index, "handled": handled}
