"""Index: building and opening the stores (Chroma, BM25, catalog). The only writer of them."""
