"""Checks on uploaded files before anything parses them (上传文件安全检查).

Every Excel import opens its file through :func:`safe_load_workbook`: size limit, the xlsx
zip signature, a zip-bomb check (total uncompressed size, compression ratio, member count),
no macros (``.xlsm`` / ``vbaProject.bin``), and by default no formulas in cells. A rejection
raises :class:`UploadRejected` naming the file and the reason.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings

MB = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
MACRO_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled"


class UploadRejected(ValueError):
    """An uploaded file failed a safety check; the message names the file and why."""


def limits() -> dict[str, int]:
    """The limits in force: ``settings.ZEREN_UPLOAD_LIMITS`` over these defaults."""
    return {
        "max_bytes": 20 * MB,  # the file as uploaded
        "max_uncompressed_bytes": 200 * MB,  # all zip members, uncompressed
        "max_ratio": 100,  # uncompressed / compressed, per member and overall
        "max_members": 2000,
        **getattr(settings, "ZEREN_UPLOAD_LIMITS", {}),
    }


def read_upload(source: str | Path | IO[bytes], name: str | None = None) -> tuple[bytes, str]:
    """The bytes of a path, a Django ``UploadedFile`` or a binary file object, within the size limit."""
    max_bytes = limits()["max_bytes"]
    if isinstance(source, str | Path):
        path = Path(source)
        name = name or path.name
        if path.stat().st_size > max_bytes:
            raise UploadRejected(f"{name}: larger than {max_bytes // MB} MB")
        return path.read_bytes(), name
    name = name or getattr(source, "name", None) or "upload"
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRejected(f"{name}: larger than {max_bytes // MB} MB")
    return data, name


def check_xlsx(data: bytes, name: str) -> None:
    """Reject what is not a plain, sane .xlsx: wrong signature, zip bomb, macros."""
    lim = limits()
    if not data.startswith(XLSX_MAGIC):
        raise UploadRejected(f"{name}: not an .xlsx file (Excel 2007+ workbook expected)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        names = {m.filename for m in members}
        content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, OSError) as exc:
        raise UploadRejected(f"{name}: damaged workbook ({exc})") from exc
    if "xl/workbook.xml" not in names or not content_types:
        raise UploadRejected(f"{name}: not an .xlsx workbook")
    if len(members) > lim["max_members"]:
        raise UploadRejected(f"{name}: too many parts in the workbook ({len(members)})")
    if any(n.lower().endswith("vbaproject.bin") for n in names) or MACRO_CONTENT_TYPE.encode() in content_types:
        raise UploadRejected(f"{name}: workbooks with macros (.xlsm) are not accepted")
    total = sum(m.file_size for m in members)
    if total > lim["max_uncompressed_bytes"]:
        raise UploadRejected(f"{name}: expands to more than {lim['max_uncompressed_bytes'] // MB} MB")
    for member in members:
        if member.file_size > 1 * MB and member.file_size > lim["max_ratio"] * max(member.compress_size, 1):
            raise UploadRejected(f"{name}: {member.filename} is compressed suspiciously well (zip bomb?)")
    if total > 1 * MB and total > lim["max_ratio"] * max(sum(m.compress_size for m in members), 1):
        raise UploadRejected(f"{name}: compressed suspiciously well (zip bomb?)")


def safe_load_workbook(source: str | Path | IO[bytes], *, name: str | None = None, allow_formulas: bool = False,
                       **options: Any):
    """Open an uploaded .xlsx after the checks above; ``options`` go to ``openpyxl.load_workbook``.

    Formulas are rejected unless ``allow_formulas``: an imported value must be the value the
    user saw, not an expression (and a formula stored back into an export would run again).
    """
    import openpyxl

    data, name = read_upload(source, name)
    check_xlsx(data, name)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), **{"data_only": False, **options})
    except Exception as exc:  # openpyxl raises many kinds for a malformed part
        raise UploadRejected(f"{name}: cannot be read as a workbook ({exc})") from exc
    if not allow_formulas:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        raise UploadRejected(f"{name}: sheet {sheet.title}, cell {cell.coordinate}: "
                                             "formulas are not accepted, paste values instead")
    return workbook
