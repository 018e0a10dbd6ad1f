"""Answering: the index -> hybrid retrieval -> grounded, cited answers."""
