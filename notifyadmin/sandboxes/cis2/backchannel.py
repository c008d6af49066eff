"""Back-channel logout: POST a signed logout_token to every client of an ending session."""

import logging
import time
from collections.abc import Mapping

import requests

from notifyadmin.sandboxes.cis2.config import Client
from notifyadmin.sandboxes.cis2.hooks import NO_MUTATION, Mutation
from notifyadmin.sandboxes.cis2.keys import KeyStore
from notifyadmin.sandboxes.cis2.store import Delivery, Session, Store
from notifyadmin.sandboxes.cis2.tokens import jwt_sign, logout_token_claims

DELIVERY_TIMEOUT = 5

logger = logging.getLogger(__name__)


def backchannel_logout_send(
    *,
    session: Session,
    clients: Mapping[str, Client],
    keys: KeyStore,
    store: Store,
    issuer: str,
    mutation: Mutation = NO_MUTATION,
) -> list[Delivery]:
    """Send a logout token to each client the session signed in to that has a back-channel URI.

    Every answer (status, or the connection error) is recorded for the sessions page. With the
    `replay` mutation the same token is POSTed twice, so the second answer shows whether the
    client refuses a replay.
    """
    deliveries = []
    variant = ",".join(mutation.names) or "genuine"
    for client_id in sorted(session.client_ids):
        client = clients.get(client_id)
        if client is None or not client.backchannel_logout_uri:
            continue
        now = int(time.time())
        claims = mutation.apply(
            logout_token_claims(issuer=issuer, client_id=client_id, session=session, now=now),
            now,
        )
        token = jwt_sign(claims, keys=keys, signing=mutation.signing)
        attempts = 2 if "replay" in mutation.names else 1
        for _ in range(attempts):
            delivery = _post(client, token, session.sid, variant)
            store.delivery_record(delivery)
            deliveries.append(delivery)
    return deliveries


def _post(client: Client, token: str, sid: str, variant: str) -> Delivery:
    uri = client.backchannel_logout_uri or ""
    try:
        response = requests.post(
            uri,
            data={"logout_token": token},
            timeout=DELIVERY_TIMEOUT,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        logger.warning(
            "back-channel logout to client %s failed: %s",
            client.client_id,
            type(error).__name__,
        )
        return Delivery(
            client.client_id,
            sid,
            uri,
            None,
            f"not delivered: {type(error).__name__}",
            variant,
        )
    logger.info(
        "back-channel logout to client %s answered %s",
        client.client_id,
        response.status_code,
    )
    return Delivery(client.client_id, sid, uri, response.status_code, "", variant)
