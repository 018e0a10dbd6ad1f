"""The web app and HTTP API on top of the assistant."""
