"""The audit trail's services: recording events, sealing them into the hash chain, verifying
it. Import from here."""

from audit.chain import GENESIS_HASH, canonical_content, seal_hash
from audit.services.recording import AuditDetailsError, UnknownAuditAction, audit_record
from audit.services.sealing import SealRun, audit_seal_pending
from audit.services.verification import (
    ChainVerification,
    Finding,
    audit_chain_verify,
    audit_verification_request,
    audit_verification_run,
)

__all__ = [
    "GENESIS_HASH",
    "AuditDetailsError",
    "ChainVerification",
    "Finding",
    "SealRun",
    "UnknownAuditAction",
    "audit_chain_verify",
    "audit_record",
    "audit_seal_pending",
    "audit_verification_request",
    "audit_verification_run",
    "canonical_content",
    "seal_hash",
]
