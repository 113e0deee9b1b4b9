"""Readers that turn inputs into RawDocuments (or Failures for inputs that cannot be read).

Readers never parse article content: that is extraction's job. They only find inputs, enforce
size limits and split container formats (one JSONL line is one RawDocument).
"""

from storyline.ingest.files import CONTENT_TYPES, read_paths
from storyline.ingest.uploads import read_jsonl_bytes, read_records, read_upload

__all__ = ["CONTENT_TYPES", "read_jsonl_bytes", "read_paths", "read_records", "read_upload"]
