"""The worker's check of an uploaded picture, before a reference is drawn from it.

The picture as sent (`original`) is decoded within the pixel limit, stripped of every metadata
and re-encoded as PNG (comic/pictures.py), then moderated (OpenAI's image moderation). A picture
that passes replaces the original (`picture.png`; the original, EXIF and GPS included, is
deleted at once); one that does not is deleted and refused with a reason the owner reads. A
redraw of the reference finds `picture.png` and draws from it again, until the upload goes
(approval, or its lifetime: cartoons/uploads.py).
"""

from chalicelib.adapters import moderation, storage
from chalicelib.cartoons import uploads
from chalicelib.comic import pictures
from chalicelib.core import logs
from chalicelib.worker import guard

REASONS = {
    "upload_missing": "Its picture is no longer here (pictures are kept 24 hours): upload it "
                      "again.",
    "upload_unreadable": "Its picture could not be read: send a PNG, JPEG or WebP file of at "
                         "most {pixels} million pixels.",
    "upload_flagged": "Our content check refused its picture, so nothing was drawn from it.",
    "upload_unchecked": "We could not check its picture just now. Please try again.",
}


class Refused(Exception):
    """The upload cannot be drawn from: `code`, and the `reason` the owner reads."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code
        self.reason = REASONS[code].format(pixels=uploads.MAX_PIXELS // 1_000_000)


def checked_picture(cartoon, upload_id):
    """The upload's checked PNG, checking it first if that was not done yet; Refused."""
    account_id = cartoon.account_id
    picture_key = storage.upload_key(account_id, upload_id, "picture.png")
    original_key = storage.upload_key(account_id, upload_id, "original")
    png = storage.read(picture_key)
    if png is not None:
        return png
    original = storage.read(original_key)
    if original is None:
        raise Refused("upload_missing")
    try:
        png = pictures.clean(original, max_pixels=uploads.MAX_PIXELS)
    except pictures.Unreadable as error:
        uploads.remove(account_id, upload_id)
        logs.event("upload_refused", upload_id=upload_id, why="upload_unreadable",
                   error=str(error))
        raise Refused("upload_unreadable") from None
    try:
        flagged = moderation.get_moderator().flagged_image(png)
    except moderation.ModerationUnavailable:
        raise Refused("upload_unchecked") from None
    if flagged:
        uploads.remove(account_id, upload_id)
        logs.event("upload_refused", upload_id=upload_id, why="upload_flagged")
        raise Refused("upload_flagged")
    guard.put_all(guard.for_cartoon(account_id, cartoon.cartoon_id),
                  [(picture_key, png, "image/png")])
    storage.delete(original_key)
    logs.event("upload_checked", upload_id=upload_id, size=len(png))
    return png
