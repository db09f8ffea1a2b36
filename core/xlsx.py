"""Opening uploaded .xlsx files safely: the one door every import (roster, working-day calendar)
goes through before openpyxl sees a byte.

An .xlsx is a zip. A small upload whose sheet XML inflates to gigabytes (a "zip bomb") used to hold a
worker for a minute while openpyxl parsed it. ``xlsx_open`` first reads only the zip's central
directory and refuses, with a Chinese message, a file that is not a zip, has too many entries, would
inflate beyond ``settings.IMPORT_XLSX_MAX_UNCOMPRESSED`` bytes, or has an entry with an absurd
compression ratio. Python's zipfile never inflates an entry past its declared size (a lying header
only truncates the XML, which then fails to parse), so the declared sizes are a sound bound.
``xlsx_rows`` then reads at most ``max_rows`` rows of the first sheet.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from django.conf import settings

from .errors import DomainError

# Entries smaller than this are never refused for their ratio (tiny XML parts compress very well).
RATIO_FLOOR_BYTES = 1024 * 1024


class XlsxRefused(DomainError):
    """The upload is not a readable, reasonably sized .xlsx (message in Chinese, field "file")."""

    def __init__(self, message: str):
        super().__init__(message, code="invalid_file", field="file")


def _limits() -> tuple[int, int, int]:
    return (getattr(settings, "IMPORT_XLSX_MAX_UNCOMPRESSED", 50 * 1024 * 1024),
            getattr(settings, "IMPORT_XLSX_MAX_ENTRIES", 1000),
            getattr(settings, "IMPORT_XLSX_MAX_RATIO", 200))


def _as_file(source):
    if isinstance(source, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(source))
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def xlsx_check(source) -> None:
    """Refuse (``XlsxRefused``) a file that is not a zip or would inflate too far. Reads only the
    zip's central directory; leaves a file object rewound."""
    max_bytes, max_entries, max_ratio = _limits()
    f = _as_file(source)
    try:
        if not zipfile.is_zipfile(f):
            raise XlsxRefused("无法读取该文件，请确认是 .xlsx 格式的 Excel 文件。")
        f.seek(0)
        with zipfile.ZipFile(f) as zf:
            entries = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise XlsxRefused("无法读取该文件，请确认是 .xlsx 格式的 Excel 文件。") from exc
    finally:
        if hasattr(f, "seek"):
            f.seek(0)
    if len(entries) > max_entries:
        raise XlsxRefused(f"文件结构异常（包含 {len(entries)} 个部件，上限 {max_entries}），请在 Excel 中另存为 .xlsx 后重新上传。")
    total = sum(e.file_size for e in entries)
    if total > max_bytes:
        raise XlsxRefused(f"文件解压后过大（约 {total // (1024 * 1024)}MB，上限 {max_bytes // (1024 * 1024)}MB），"
                          "请删除无关的工作表或拆分文件后重新上传。")
    for e in entries:
        if e.file_size > RATIO_FLOOR_BYTES and e.file_size > max_ratio * max(e.compress_size, 1):
            raise XlsxRefused("文件压缩比异常，疑似恶意构造的文件，已拒绝。请在 Excel 中另存为 .xlsx 后重新上传。")


def xlsx_open(source):
    """Check the upload (``xlsx_check``), then open it with openpyxl read-only; any unreadable file
    becomes ``XlsxRefused``."""
    from openpyxl import load_workbook

    xlsx_check(source)
    try:
        return load_workbook(_as_file(source), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - zipfile.BadZipFile, KeyError, InvalidFileException, XML errors …
        raise XlsxRefused(f"无法读取该文件，请确认是 .xlsx 格式的 Excel 文件（{type(exc).__name__}）。") from exc


def xlsx_rows(wb, *, max_rows: int) -> Iterator[tuple]:
    """The first sheet's rows (values only), at most ``max_rows`` of them counting blank rows; one
    more refuses the file, so a sheet that declares a million empty rows is not walked."""
    ws = wb.worksheets[0]
    try:
        for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if n > max_rows:
                raise XlsxRefused(f"文件行数过多（上限 {max_rows} 行），请拆分文件后重新上传。")
            yield row
    except XlsxRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed sheet XML
        raise XlsxRefused(f"无法读取该文件的工作表内容（{type(exc).__name__}）。") from exc
