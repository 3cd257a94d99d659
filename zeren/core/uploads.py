"""Checks on uploaded files before anything parses them (上传文件安全检查).

Every Excel import opens its file through :func:`safe_load_workbook`: the xlsx zip signature,
no macros (``.xlsm`` / ``vbaProject.bin``), by default no formulas in cells, and for web uploads
a size limit (``ZEREN_UPLOAD_MAX_MB``) and a zip-bomb check (total uncompressed size, compression
ratio, member count). A command's file (a path) has no size limit. Attachments (PDF, images,
workbooks) pass :func:`check_attachment`: their content must match their extension. A rejection
raises :class:`UploadRejected` naming the file and the reason in the UI language.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

MB = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"
MACRO_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled"


class UploadRejected(ValueError):
    """An uploaded file failed a safety check; the message names the file and why (in the UI language)."""


def limits() -> dict[str, int]:
    """The limits in force: ``settings.ZEREN_UPLOAD_LIMITS`` over these defaults.

    ``max_bytes`` comes from ``ZEREN_UPLOAD_MAX_MB`` in the settings (default 20 MB).
    """
    return {
        "max_bytes": 20 * MB,  # the file as uploaded
        "max_uncompressed_bytes": 200 * MB,  # all zip members, uncompressed
        "max_ratio": 100,  # uncompressed / compressed, per member and overall
        "max_members": 2000,
        **getattr(settings, "ZEREN_UPLOAD_LIMITS", {}),
    }


def too_large(name: str, max_bytes: int, cli: str = "") -> UploadRejected:
    """The refusal of a web upload over the limit: it names the limit and how to get past it — the
    command that imports the same file from the command line (``cli``, no size limit), and the setting."""
    limit = {"name": name, "limit": f"{max_bytes / MB:.3g}", "cli": cli}
    if cli:
        return UploadRejected(_("%(name)s：文件大于网页上传上限 %(limit)s MB。可改用命令行导入（不限大小）：`%(cli)s`；"
                                "或由管理员调大环境变量 ZEREN_UPLOAD_MAX_MB 后重启服务。") % limit)
    return UploadRejected(_("%(name)s：文件大于网页上传上限 %(limit)s MB。可由管理员调大环境变量 ZEREN_UPLOAD_MAX_MB "
                            "后重启服务。") % limit)


def cli_command(command: str) -> str:
    """A command that imports a file, as the refusal of a too-large upload names it: ``zeren duties import 文件``."""
    argument = pgettext("command-line argument", "文件")
    return f"{command} {argument}"


def read_upload(source: str | Path | IO[bytes], name: str | None = None, *, cli: str = "") -> tuple[bytes, str]:
    """The bytes of a path, a Django ``UploadedFile`` or a binary file object.

    A path is an administrator's file given to a command: it is read whatever its size (the
    machine's memory is the limit). A file object is a web upload: it is refused over
    ``max_bytes`` (``ZEREN_UPLOAD_MAX_MB``) before it is parsed; ``cli`` is the command that imports
    such a file without a limit, named in the refusal.
    """
    if isinstance(source, str | Path):
        path = Path(source)
        return path.read_bytes(), name or path.name
    name = name or getattr(source, "name", None) or "upload"
    max_bytes = limits()["max_bytes"]
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(name, max_bytes, cli)
    return data, name


def check_xlsx(archive_source: bytes | Path, name: str, *, uploaded: bool = True) -> None:
    """Reject what is not a plain, sane .xlsx: wrong signature, macros, and for uploads a zip bomb.

    ``archive_source`` is the bytes of an upload or the path of a command's file (opened in
    place, not read into memory); size and ratio limits apply to uploads only.
    """
    lim = limits()
    if isinstance(archive_source, Path):
        with archive_source.open("rb") as head:
            magic = head.read(len(XLSX_MAGIC))
        opened: Any = archive_source
    else:
        magic, opened = archive_source[:len(XLSX_MAGIC)], io.BytesIO(archive_source)
    if magic != XLSX_MAGIC:
        raise UploadRejected(_("%(name)s：不是 .xlsx 文件（需要 Excel 2007 及以后版本的工作簿）") % {"name": name})
    try:
        with zipfile.ZipFile(opened) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, OSError) as exc:
        raise UploadRejected(_("%(name)s：工作簿已损坏（%(error)s）") % {"name": name, "error": exc}) from exc
    if "xl/workbook.xml" not in names or not content_types:
        raise UploadRejected(_("%(name)s：不是 .xlsx 工作簿") % {"name": name})
    if any(n.lower().endswith("vbaproject.bin") for n in names) or MACRO_CONTENT_TYPE.encode() in content_types:
        raise UploadRejected(_("%(name)s：不接受带宏的工作簿（.xlsm）") % {"name": name})
    if not uploaded:
        return
    if len(members) > lim["max_members"]:
        raise UploadRejected(_("%(name)s：工作簿部件过多（%(n)s 个）") % {"name": name, "n": len(members)})
    total = sum(m.file_size for m in members)
    if total > lim["max_uncompressed_bytes"]:
        raise UploadRejected(_("%(name)s：解压后超过 %(limit)s MB") % {
            "name": name, "limit": lim["max_uncompressed_bytes"] // MB})
    suspicious = any(m.file_size > 1 * MB and m.file_size > lim["max_ratio"] * max(m.compress_size, 1)
                     for m in members)
    if suspicious or (total > 1 * MB and total > lim["max_ratio"] * max(sum(m.compress_size for m in members), 1)):
        raise UploadRejected(_("%(name)s：压缩率异常（疑似压缩炸弹），已拒绝") % {"name": name})


def safe_load_workbook(source: str | Path | IO[bytes], *, name: str | None = None, allow_formulas: bool = False,
                       formulas: list[tuple[str, int, int]] | None = None, cli: str = "", **options: Any):
    """Open an uploaded .xlsx after the checks above; ``options`` go to ``openpyxl.load_workbook``.

    Formulas are rejected unless ``allow_formulas``: an imported value must be the value the
    user saw, not an expression (and a formula stored back into an export would run again). Given a
    list as ``formulas``, every cell holding one is added to it as ``(sheet, row, column index)``
    instead, so an import can report them with its other row errors (:func:`zeren.core.importing.formula_errors`).
    ``cli`` names the command for a file over the web limit (:func:`read_upload`).
    """
    import openpyxl

    if isinstance(source, str | Path):  # a command's file: checked and read in place, any size
        path = Path(source)
        name = name or path.name
        check_xlsx(path, name, uploaded=False)
        opened: Any = path
    else:
        data, name = read_upload(source, name, cli=cli)
        check_xlsx(data, name)
        opened = io.BytesIO(data)
    try:
        workbook = openpyxl.load_workbook(opened, **{"data_only": False, **options})
    except Exception as exc:  # openpyxl raises many kinds for a malformed part
        raise UploadRejected(_("%(name)s：无法作为工作簿读取（%(error)s）") % {"name": name, "error": exc}) from exc
    if not allow_formulas:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" and formulas is not None:
                        formulas.append((sheet.title, cell.row, cell.column - 1))
                    elif cell.data_type == "f":
                        raise UploadRejected(_("%(name)s：工作表「%(sheet)s」单元格 %(cell)s 含公式，"
                                               "请改为粘贴数值") % {"name": name, "sheet": sheet.title,
                                                                  "cell": cell.coordinate})
    return workbook


ATTACHMENT_TYPES = (  # (signature, content type, accepted extensions)
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
)


def check_attachment(data: bytes, name: str) -> str:
    """The content type of an attachment (附件: PDF, PNG, JPEG or .xlsx), or :class:`UploadRejected`.

    The extension must match the file's own signature, so a renamed executable or HTML page is
    refused; a workbook also passes :func:`check_xlsx` (no macros, no zip bomb). The size limit is
    applied by :func:`read_upload` when the upload is read.
    """
    if not data:
        raise UploadRejected(_("%(name)s：文件为空") % {"name": name})
    lower = name.lower()
    for signature, content_type, extensions in ATTACHMENT_TYPES:
        if lower.endswith(extensions):
            if not data.startswith(signature):
                raise UploadRejected(_("%(name)s：文件内容不是 %(ext)s 格式") % {"name": name, "ext": extensions[0]})
            if extensions == (".xlsx",):
                check_xlsx(data, name)
            return content_type
    raise UploadRejected(_("%(name)s：附件只接受 PDF、PNG、JPEG 和 .xlsx 文件") % {"name": name})
