"""Reading the downloads back: a PDF's text (pypdf) and fonts, a workbook's cells."""

import io
import unicodedata

from openpyxl import load_workbook
from pypdf import PdfReader


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_fonts(response) -> set[str]:
    reader = PdfReader(io.BytesIO(response.content))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None:
                assert "/FontFile2" in descriptor.get_object()  # embedded, not referenced
    return fonts


def nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def one_line(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces (a table's cells and a
    wrapped paragraph come out on several lines)."""
    return " ".join(text.split())


def sheet_rows(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows())
