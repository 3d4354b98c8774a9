"""Where uploaded files (mill certificates) are kept: one small interface, a folder by default, an S3-compatible
bucket when `STEELYARD_FILES_S3_BUCKET` is set.

Keys are chosen by the caller (`certificates/lot-12/<sha256>.pdf`): content-addressed, so writing the same file
twice is harmless and a half-finished upload never replaces a good file under its key. Nothing is ever overwritten
in place; the database row names the key that is current.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

from steelyard.errors import NotFound

_KEY = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,299}$")


def _checked(key: str) -> str:
    # Keys are made by our own code; the check keeps a future caller from writing outside the folder or bucket.
    if not _KEY.fullmatch(key) or ".." in key or "//" in key:
        raise ValueError(f"not a file store key: {key!r}")
    return key


class FileStore(Protocol):
    """Keep, read and drop whole files by key."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes:
        """The file's bytes; NotFound when the store has no such key."""
        ...

    def delete(self, key: str) -> None: ...


class FolderStore:
    """Files in a folder on this machine (the default: one server, or a shared volume)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its place and renamed: a reader never sees half a file, a crash leaves no torn one.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"the file {key} is missing from the file store") from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class S3Store:
    """Files in a bucket of any S3-compatible service (AWS S3, MinIO, Ceph...). Credentials come the way boto3
    finds them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role)."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None) -> None:
        import boto3  # only a server configured for S3 needs it loaded

        self.bucket = bucket
        self.client: Any = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=_checked(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=_checked(key))
        except self.client.exceptions.NoSuchKey:
            raise NotFound(f"the file {key} is missing from the file store") from None
        body: bytes = answer["Body"].read()
        return body

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_checked(key))


def file_store(*, folder: str, s3_bucket: str | None, s3_endpoint_url: str | None, s3_region: str | None) -> FileStore:
    """The store the settings name: the bucket when one is set, else the folder."""
    if s3_bucket:
        return S3Store(s3_bucket, endpoint_url=s3_endpoint_url, region=s3_region)
    return FolderStore(folder)
