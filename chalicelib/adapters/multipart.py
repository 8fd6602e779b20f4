"""An S3 multipart upload as a write-only file, so a zip of any size streams to the bucket in
parts while memory stays bounded."""

from chalicelib.core import logs

MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3's minimum for every part but the last
PART_SIZE = 8 * MIB


class MultipartWriter:
    """A write-only file for zipfile: it uploads a part whenever `part_size` bytes are buffered,
    so it holds at most one part plus the write in hand (and a copy while uploading).

    It has tell() and no seek(), so zipfile writes a streaming archive (data descriptors)."""

    def __init__(self, s3, bucket, key, *, part_size=PART_SIZE):
        if part_size < MIN_PART_SIZE:
            raise ValueError("S3 parts are at least 5 MiB")
        self.s3, self.bucket, self.key, self.part_size = s3, bucket, key, part_size
        self.upload_id = s3.create_multipart_upload(
            Bucket=bucket, Key=key, ContentType="application/zip")["UploadId"]
        self.parts, self.buffer, self.position, self.peak_buffered = [], bytearray(), 0, 0

    def write(self, data):
        self.buffer += data
        self.position += len(data)
        self.peak_buffered = max(self.peak_buffered, len(self.buffer))
        if len(self.buffer) >= self.part_size:
            self._upload()
        return len(data)

    def tell(self):
        return self.position

    def flush(self):
        pass

    def _upload(self):
        chunk, self.buffer = bytes(self.buffer), bytearray()
        number = len(self.parts) + 1
        answer = self.s3.upload_part(Bucket=self.bucket, Key=self.key, UploadId=self.upload_id,
                                     PartNumber=number, Body=chunk)
        self.parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    def complete(self):
        if self.buffer or not self.parts:
            self._upload()
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key=self.key,
                                          UploadId=self.upload_id,
                                          MultipartUpload={"Parts": self.parts})

    def abort(self):
        self.buffer = bytearray()
        try:
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.key,
                                           UploadId=self.upload_id)
        except Exception as error:  # the original failure matters more; S3's rule cleans up
            logs.event("export_abort_failed", error=type(error).__name__)
