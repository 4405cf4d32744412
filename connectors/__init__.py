"""Record sources: CSV/XLSX files, HTTP JSON feeds and SQL databases.

A library: it reads and yields tables and never writes to the hub's store. Cells come back as text,
exactly as a person sees them in the source, so that validation against the data standard (in
``schemas.frames``) can report row, field and value the way the person wrote them.
"""

from connectors.errors import SourceConfigError
from connectors.files import (
    EmptyFileError,
    FileDrop,
    FileReadError,
    RawTable,
    ReadNotice,
    SheetNotFoundError,
    UnreadableFileError,
    UnsupportedFormatError,
    iter_folder,
    read_table,
)
from connectors.http import FeedError, FeedTable, HttpJsonSource, fetch_pages, read_feed
from connectors.mapping import ColumnMapping, MappedFrame, apply_mapping
from connectors.sql import SqlBatches, SqlSource, SqlSourceError, quote_identifier, read_batches

__all__ = [
    "apply_mapping",
    "ColumnMapping",
    "EmptyFileError",
    "FeedError",
    "FeedTable",
    "fetch_pages",
    "FileDrop",
    "FileReadError",
    "HttpJsonSource",
    "iter_folder",
    "MappedFrame",
    "quote_identifier",
    "RawTable",
    "read_batches",
    "read_feed",
    "read_table",
    "ReadNotice",
    "SheetNotFoundError",
    "SourceConfigError",
    "SqlBatches",
    "SqlSource",
    "SqlSourceError",
    "UnreadableFileError",
    "UnsupportedFormatError",
]
