"""Message provider adapters behind one interface (base.MessageProvider).

The dispatcher builds one provider per worker process with `provider_from_settings()` and
calls `send_message`, `send_batch` and `message_status`; errors.py says what each failure
means for it. Import from the modules (base, errors, batching, nhs_notify, factory).
"""
