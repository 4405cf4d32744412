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

__all__ = [
    "EmptyFileError",
    "FileDrop",
    "FileReadError",
    "RawTable",
    "ReadNotice",
    "SheetNotFoundError",
    "UnreadableFileError",
    "UnsupportedFormatError",
    "iter_folder",
    "read_table",
]
