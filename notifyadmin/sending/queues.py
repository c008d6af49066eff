"""Queues of the send pipeline (registered in SendingConfig.ready)."""

DISPATCH = "dispatch"
