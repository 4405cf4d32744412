"""Record sources: CSV/XLSX files, HTTP JSON feeds and SQL databases.

A library: it reads and yields tables and never writes to the hub's store. Cells come back as text,
exactly as a person sees them in the source, so that validation against the data standard (in
``schemas.frames``) can report row, field and value the way the person wrote them.
"""

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
from connectors.http import FeedError, FeedTable, HttpJsonSource, SourceConfigError, fetch_pages, read_feed

__all__ = [
    "EmptyFileError",
    "FeedError",
    "FeedTable",
    "FileDrop",
    "FileReadError",
    "RawTable",
    "ReadNotice",
    "SheetNotFoundError",
    "SourceConfigError",
    "UnreadableFileError",
    "UnsupportedFormatError",
    "fetch_pages",
    "HttpJsonSource",
    "iter_folder",
    "read_feed",
    "read_table",
]
