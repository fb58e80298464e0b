"""Join PDFs written chunk by chunk into one, and stamp a second PDF's pages on top (page numbers).

Why: a long list is laid out and written one chunk at a time, so only one chunk's boxes are in
memory; "Trang x / N" needs the final N, so the numbers come from a small document of N pages
rendered at the end and drawn over the chunks' pages. Each stamp is a Form XObject added to the
page's own copy of its resources and a few bytes of content: the chunks' content streams are
neither parsed nor rewritten (pypdf's merge_page would parse them), which keeps this fast.
Fonts stay as WeasyPrint embedded them (one subset per chunk; Tinos/Dancing Script only).
"""
from __future__ import annotations

from io import BytesIO
from typing import Iterable

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

__all__ = ["merge_pdfs"]

_STAMP = NameObject("/SkhStamp")


def _stream(writer: PdfWriter, data: bytes, **entries) -> object:
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = value
    return writer._add_object(stream)


def _stamp(writer: PdfWriter, page, top) -> None:
    """Draw ``top`` (a page of another PDF) over ``page`` (already in ``writer``)."""
    contents = top.get_contents()
    resources = top.get("/Resources")
    form = _stream(writer, contents.get_data() if contents is not None else b"",
                   Type=NameObject("/XObject"), Subtype=NameObject("/Form"),
                   BBox=ArrayObject(top.mediabox),
                   Resources=resources.get_object().clone(writer) if resources is not None else DictionaryObject())
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


def merge_pdfs(parts: Iterable[bytes], stamps: bytes | None = None) -> bytes:
    """One PDF with every page of ``parts`` in order; page i gets page i of ``stamps`` drawn over it."""
    writer = PdfWriter()
    metadata = None
    for data in parts:
        reader = PdfReader(BytesIO(data))
        metadata = metadata or reader.metadata
        for page in reader.pages:
            writer.add_page(page)
    if stamps is not None:
        tops = PdfReader(BytesIO(stamps)).pages
        if len(tops) != len(writer.pages):
            raise ValueError(f"{len(tops)} stamp pages for {len(writer.pages)} pages")
        for page, top in zip(writer.pages, tops):
            _stamp(writer, page, top)
    if metadata:
        writer.add_metadata({k: v for k, v in metadata.items() if isinstance(k, str)})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
