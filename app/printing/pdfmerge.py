"""Join PDFs written chunk by chunk into one, and stamp each page's footer on top (page numbers).

Why: a long list is laid out and written one chunk at a time (possibly in other processes), so
only one chunk's boxes are in memory at a time; "Trang x / N" needs the final N, so the footers
are drawn over the joined pages at the end (stamps.py makes them). Each stamp is a Form XObject
added to the page's own copy of its resources plus a few bytes of content: the chunks' content
streams are neither parsed nor rewritten (pypdf's merge_page would parse them), which keeps
this fast. Fonts stay as WeasyPrint embedded them (one subset per chunk; Tinos/Dancing Script).
"""
from __future__ import annotations

from io import BytesIO
from typing import Iterable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

__all__ = ["merge_pdfs", "Merger"]

_STAMP = NameObject("/SkhStamp")


def _stream(writer: PdfWriter, data: bytes, **entries) -> object:
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = value
    return writer._add_object(stream)


def _attach(writer: PdfWriter, page, form) -> None:
    """Draw the Form XObject ``form`` over ``page`` (already in ``writer``)."""
    # A copy of the resource dictionaries: pages may share them, and each page gets its own stamp.
    own = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
    xobjects = DictionaryObject(own.get("/XObject", DictionaryObject()).get_object())
    xobjects[_STAMP] = form
    own[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = own
    # q ... Q around the page's own content: whatever state it leaves does not move the stamp.
    old = page.get("/Contents")
    old = list(old.get_object()) if isinstance(old.get_object(), ArrayObject) else ([old] if old else [])
    page[NameObject("/Contents")] = ArrayObject(
        [_stream(writer, b"q\n"), *old, _stream(writer, b"\nQ q /SkhStamp Do Q\n")])


class Merger:
    """Pages added chunk by chunk (as they arrive), footers stamped, one PDF written."""

    def __init__(self):
        self.writer, self.metadata = PdfWriter(), None

    @property
    def pages(self) -> int:
        return len(self.writer.pages)

    def add(self, data: bytes) -> None:
        reader = PdfReader(BytesIO(data))
        self.metadata = self.metadata or reader.metadata
        for page in reader.pages:
            self.writer.add_page(page)

    def stamp_pages(self, stamps: bytes) -> None:
        """Page i of the PDF ``stamps`` drawn over page i (a document of footer pages)."""
        tops = PdfReader(BytesIO(stamps)).pages
        if len(tops) != self.pages:
            raise ValueError(f"{len(tops)} stamp pages for {self.pages} pages")
        writer = self.writer
        for page, top in zip(writer.pages, tops):
            contents, resources = top.get_contents(), top.get("/Resources")
            form = _stream(writer, contents.get_data() if contents is not None else b"",
                           Type=NameObject("/XObject"), Subtype=NameObject("/Form"), BBox=ArrayObject(top.mediabox),
                           Resources=resources.get_object().clone(writer) if resources is not None
                           else DictionaryObject())
            _attach(writer, page, form)

    def stamp_numbers(self, stamps) -> None:
        """Footers made by stamps.number_stamps (one content stream per page, shared fonts)."""
        if len(stamps.contents) != self.pages:
            raise ValueError(f"{len(stamps.contents)} stamps for {self.pages} pages")
        writer = self.writer
        sources = PdfReader(BytesIO(stamps.pdf)).pages
        resources: dict[int, object] = {}
        for page, content, source in zip(writer.pages, stamps.contents, stamps.sources):
            if source not in resources:
                clone = sources[source]["/Resources"].get_object().clone(writer)
                resources[source] = clone.indirect_reference or writer._add_object(clone)
            box = ArrayObject(sources[source].mediabox)
            form = _stream(writer, content, Type=NameObject("/XObject"), Subtype=NameObject("/Form"), BBox=box,
                           Resources=resources[source])
            _attach(writer, page, form)

    def write(self) -> bytes:
        if self.metadata:
            self.writer.add_metadata({k: v for k, v in self.metadata.items() if isinstance(k, str)})
        out = BytesIO()
        self.writer.write(out)
        return out.getvalue()


def merge_pdfs(parts: Iterable[bytes], stamps: bytes | None = None) -> bytes:
    """One PDF with every page of ``parts`` in order; page i gets page i of ``stamps`` drawn over it."""
    merger = Merger()
    for data in parts:
        merger.add(data)
    if stamps is not None:
        merger.stamp_pages(stamps)
    return merger.write()
