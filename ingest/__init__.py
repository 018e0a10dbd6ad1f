"""Ingestion: files -> cleaned documents -> structured chunks -> the index (Chroma)."""
