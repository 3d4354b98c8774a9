"""Webhooks: admins register a URL for some event types; every such event is POSTed to it, signed, with retries."""
