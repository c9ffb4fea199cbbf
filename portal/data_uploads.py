"""Uploaded import files, kept on the server between the preview and the confirmation.

A file is stored under a random token, next to a small JSON record of who uploaded it, what kind
of import it is for and the SHA-256 of its content. It belongs to the moderator who uploaded it
(another user's token is "not found"), is read back only when its hash still matches, is taken
exactly once by a confirmation (an atomic rename, so a double click cannot import twice), and is
removed after a day if nobody confirms or discards it.

The directory is `settings.BRUGWIJZER_IMPORT_DIR` when set, else "brugwijzer-imports" in the
system's temporary directory. It must be private to the application; with several application
servers it must be shared between them (or the upload and confirmation must reach the same one).
"""

import datetime
import hashlib
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
LIFETIME = datetime.timedelta(days=1)
KINDS = ("schools", "hsds")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")


class UploadGone(Exception):
    """No such upload for this user: imported, discarded, expired, or never theirs."""


class UploadChanged(Exception):
    """The stored file no longer has the content that was uploaded."""


@dataclass(frozen=True)
class StoredUpload:
    token: str
    kind: str
    user_id: int
    name: str
    size: int
    sha256: str
    created_at: datetime.datetime

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + LIFETIME


def upload_dir() -> Path:
    configured = getattr(settings, "BRUGWIJZER_IMPORT_DIR", None)
    path = Path(configured) if configured else Path(tempfile.gettempdir()) / "brugwijzer-imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _paths(token: str) -> tuple[Path, Path]:
    if not _TOKEN.match(token):
        raise UploadGone(token)
    directory = upload_dir()
    return directory / f"{token}.upload", directory / f"{token}.json"


def _display_name(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/")).strip()
    return "".join(ch for ch in name if ch.isprintable())[:120] or "upload"


def store_upload(*, data: bytes, kind: str, name: str, user) -> StoredUpload:
    """Keep an uploaded file for `user` until it is confirmed or discarded (or expires)."""
    if kind not in KINDS:
        raise ValueError(f"Unknown import kind {kind!r}.")
    remove_expired()
    token = secrets.token_urlsafe(16)
    upload = StoredUpload(
        token=token,
        kind=kind,
        user_id=user.pk,
        name=_display_name(name),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=timezone.now(),
    )
    data_path, meta_path = _paths(token)
    with open(data_path, "xb") as handle:
        handle.write(data)
    meta = {**upload.__dict__, "created_at": upload.created_at.isoformat()}
    with open(meta_path, "x", encoding="utf-8") as handle:
        json.dump(meta, handle)
    return upload


def _load(meta_path: Path) -> StoredUpload | None:
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["created_at"] = datetime.datetime.fromisoformat(meta["created_at"])
        return StoredUpload(**meta)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def get_upload(token: str, *, kind: str, user) -> StoredUpload:
    data_path, meta_path = _paths(token)
    upload = _load(meta_path)
    if (
        upload is None
        or upload.kind != kind
        or upload.user_id != user.pk
        or upload.expires_at < timezone.now()
        or not data_path.exists()
    ):
        raise UploadGone(token)
    return upload


def _verified(upload: StoredUpload, data: bytes) -> bytes:
    if hashlib.sha256(data).hexdigest() != upload.sha256:
        raise UploadChanged(upload.token)
    return data


def read_upload(upload: StoredUpload) -> bytes:
    """The file's content, checked against the hash taken at upload."""
    data_path, _meta = _paths(upload.token)
    try:
        return _verified(upload, data_path.read_bytes())
    except FileNotFoundError:
        raise UploadGone(upload.token) from None


def claim_upload(upload: StoredUpload) -> bytes:
    """Take the file for an import, exactly once: the second caller gets UploadGone. The stored
    copy is gone afterwards, whatever the import does with it."""
    data_path, meta_path = _paths(upload.token)
    claimed = data_path.with_suffix(".claimed")
    try:
        os.rename(data_path, claimed)
    except FileNotFoundError:
        raise UploadGone(upload.token) from None
    try:
        return _verified(upload, claimed.read_bytes())
    finally:
        claimed.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)


def discard_upload(upload: StoredUpload) -> None:
    for path in _paths(upload.token):
        path.unlink(missing_ok=True)


def uploads_of(user, *, kind: str | None = None) -> list[StoredUpload]:
    """The user's uploads waiting for a confirmation, newest first."""
    now = timezone.now()
    found = []
    for meta_path in upload_dir().glob("*.json"):
        upload = _load(meta_path)
        if (
            upload
            and upload.user_id == user.pk
            and (kind is None or upload.kind == kind)
            and upload.expires_at >= now
            and meta_path.with_suffix(".upload").exists()
        ):
            found.append(upload)
    return sorted(found, key=lambda u: u.created_at, reverse=True)


def remove_expired() -> None:
    """Delete uploads older than LIFETIME, and leftovers of an import that stopped halfway."""
    cutoff = (timezone.now() - LIFETIME).timestamp()
    for path in upload_dir().iterdir():
        if path.suffix in (".upload", ".json", ".claimed"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except OSError:
                continue
