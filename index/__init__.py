"""The index: embedders, the Chroma store with its commit record, and the lexical index."""
