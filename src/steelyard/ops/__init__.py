"""Operation: the limits at the door and the server around the app (docs/security.md)."""
