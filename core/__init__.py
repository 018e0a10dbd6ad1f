"""Shared by every stage: settings, errors, data models, text analysis, provision references."""
