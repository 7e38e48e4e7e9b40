"""Ingestion: from corpus text files to structured nodes and the service catalog.

Pure functions only: no model, no database, no network.
"""
