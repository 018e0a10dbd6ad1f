"""Ingestion: files -> cleaned documents -> structured chunks, written to the index."""
