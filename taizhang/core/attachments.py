"""Files attached to ledger rows: checked (extension, content, size), stored through
Django's storage API under a random name, audited, and served only to those who may
read the row that holds them."""

import hashlib
import uuid
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils import timezone

from .audit import audit_record
from .ledger import Ledger
from .models import Attachment
from .spreadsheet import FileProblem

# What a file's first bytes must look like for its extension: an upload named .pdf that
# is an executable is refused, whatever its name says.
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
}
# Served with these types; anything else as a download of opaque bytes.
_SERVED_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class AttachmentRefused(FileProblem):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def attachment_store(*, ledger: Ledger, column, actor, name: str, content: bytes) -> Attachment:
    """Check and keep one uploaded file; AttachmentRefused (Chinese) if it may not be kept."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in column.accept:
        raise AttachmentRefused(
            column.field, f"不支持的文件类型“{suffix or name}”（可上传：{' '.join(column.accept)}）"
        )
    if len(content) > column.max_mb * 1024 * 1024:
        raise AttachmentRefused(column.field, f"文件过大，上限为 {column.max_mb} MB")
    if not content:
        raise AttachmentRefused(column.field, "文件是空的")
    magic = _MAGIC.get(suffix)
    if magic and not content.startswith(magic):
        raise AttachmentRefused(column.field, f"文件内容与扩展名“{suffix}”不符")
    key = uuid.uuid4().hex
    attachment = Attachment(
        key=key,
        ledger=ledger.name,
        field=column.field,
        name=PurePath(name).name[-200:],
        content_type=_SERVED_TYPES.get(suffix, "application/octet-stream"),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(f"{key}{suffix}", ContentFile(content), save=False)
    attachment.save()
    audit_record(
        actor=actor,
        action="core.attachment.stored",
        ledger=ledger.name,
        key=key,
        after={"field": column.field, "name": attachment.name, "size": attachment.size},
    )
    return attachment


def store_uploads(*, ledger: Ledger, actor, files) -> dict[str, str]:
    """The file columns of a submitted form: {field: new attachment key}."""
    keys = {}
    for column in ledger.columns:
        upload = files.get(f"{column.field}__upload")
        if column.kind.name != "file" or upload is None:
            continue
        if upload.size > column.max_mb * 1024 * 1024:
            raise AttachmentRefused(column.field, f"文件过大，上限为 {column.max_mb} MB")
        attachment = attachment_store(
            ledger=ledger, column=column, actor=actor, name=upload.name, content=upload.read()
        )
        keys[column.field] = attachment.key
    return keys


def attachments_named(keys) -> dict[str, Attachment]:
    return {a.key: a for a in Attachment.objects.filter(key__in=[k for k in keys if k])}


def attachment_response(attachment: Attachment) -> FileResponse:
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=attachment.content_type == "application/octet-stream",
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
