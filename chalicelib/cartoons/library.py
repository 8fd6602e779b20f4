"""The character library: characters an account keeps (name, description and a copy of a
drawn reference picture) to reuse in later cartoons without drawing or paying for them again.

Listing is one DynamoDB Query on the account's own partition, newest first, paged with signed
cursors. A reference is saved once: the cartoon's character then names its library entry
(`saved_id`, as one copied from the library does), so saving it again answers that entry, and
the cartoon page shows it is in the library. An account keeps at most
`vocabulary.MAX_SAVED_CHARACTERS`; a saved character's name and description may be changed
(library_edits.py).
Pictures live under `users/<account>/library/`, so they are exported and erased with the
account. Another account's character does not exist here (404), including as a
`saved_id` in a submission.
"""

import datetime

from pynamodb.exceptions import DeleteError, TransactWriteError

from chalicelib.adapters import storage
from chalicelib.cartoons import specs
from chalicelib.cartoons.view import get_cartoon
from chalicelib.core import clock, ids, logs, paging, vocabulary
from chalicelib.core.answers import (
    BODY_ERRORS,
    BOOLEAN,
    SIGNED_IN,
    STATUS,
    STRING,
    TEXT,
    TIME,
    URL,
    array,
    nullable,
    obj,
    ok,
)
from chalicelib.core.conditions import lost_condition
from chalicelib.core.errors import Conflict, NotFound, NotSignedIn
from chalicelib.core.models import Cartoon, PendingErasure, SavedCharacter, transaction

DEFAULT_PAGE, MAX_PAGE = 24, 50


def find(account_id, character_id):
    if not isinstance(character_id, str) or not specs.SAVED_ID.fullmatch(character_id):
        return None
    try:
        return SavedCharacter.get(account_id, character_id, consistent_read=True)
    except SavedCharacter.DoesNotExist:
        return None


def get(account_id, character_id):
    found = find(account_id, character_id)
    if found is None:
        raise NotFound(key="no_such_saved_character")
    return found


def describe(item):
    prefix = storage.account_prefix(item.account_id)
    own = item.image_key.startswith(prefix) and item.thumb_key.startswith(prefix)
    return {"id": item.character_id, "name": item.name, "description": item.description,
            "created_at": item.created_at.isoformat(),
            "source_cartoon_id": item.source_cartoon_id,
            "url": storage.presign(item.image_key) if own else None,
            "thumbnail_url": storage.presign(item.thumb_key) if own else None}


def _already(account_id, character):
    """The library entry this reference already is (it came from there, or was saved), if it
    still exists, as the save's answer."""
    found = find(account_id, character.saved_id) if character.saved_id else None
    return found and {**describe(found), "already_saved": True}


def _check_room(account_id):
    if SavedCharacter.count(account_id) >= vocabulary.MAX_SAVED_CHARACTERS:
        raise Conflict(key="library_no_room", most=vocabulary.MAX_SAVED_CHARACTERS,
                       code="library_full",
                       details={"limit": vocabulary.MAX_SAVED_CHARACTERS})


def save(session, data):
    """Keep a drawn reference of one of the account's cartoons in its library, once: a
    reference that already is a library entry answers that entry (`already_saved`)."""
    cartoon = get_cartoon(session.account_id, data["cartoon_id"])
    index = data["index"]
    if not 0 <= index < len(cartoon.characters):
        raise NotFound(key="no_such_character")
    character = cartoon.characters[index]
    if character.state != "done" or not character.image_key or not character.thumb_key:
        raise Conflict(key="reference_undrawn", name=character.name,
                       code="reference_not_ready")
    already = _already(session.account_id, character)
    if already:
        return already
    _check_room(session.account_id)
    now = clock.now()
    item = SavedCharacter(session.account_id, ids.new_id(now), name=character.name,
                          description=character.description,
                          source_cartoon_id=cartoon.cartoon_id,
                          created_at=datetime.datetime.fromtimestamp(now, datetime.UTC))
    item.image_key = storage.library_key(session.account_id, item.character_id, "png")
    item.thumb_key = storage.library_key(session.account_id, item.character_id, "webp")
    copied = [item.image_key, item.thumb_key]
    if not (storage.copy(character.image_key, item.image_key)
            and storage.copy(character.thumb_key, item.thumb_key)):
        storage.delete(*copied)
        raise Conflict(key="reference_changed_meanwhile", code="reference_changed")
    at = Cartoon.characters[index]
    # The cartoon's character names its entry, under the picture and the entry it was read
    # with: of two saves at once, one writes and the other answers the winner's entry.
    unchanged = (at.image_key == character.image_key) & (
        at.saved_id.does_not_exist() if character.saved_id is None
        else at.saved_id == character.saved_id)
    try:
        with transaction() as write:
            write.save(item, condition=SavedCharacter.character_id.does_not_exist())
            write.update(Cartoon(cartoon.account_id, cartoon.cartoon_id),
                         actions=[at.saved_id.set(item.character_id)],
                         condition=unchanged & Cartoon.deleting_since.does_not_exist())
            write.condition_check(PendingErasure, session.account_id,
                                  condition=PendingErasure.account_id.does_not_exist())
    except TransactWriteError:
        storage.delete(*copied)
        return _lost_save(session, cartoon.cartoon_id, index)
    logs.event("character_saved", account_id=session.account_id,
               character_id=item.character_id)
    return {**describe(item), "already_saved": False}


def _lost_save(session, cartoon_id, index):
    """Why a save's transaction was cancelled: another save of the same reference won (its
    entry is the answer), the reference changed, or the account is being deleted."""
    if PendingErasure.count(session.account_id, consistent_read=True):
        raise NotSignedIn(key="account_deleting", code="account_deleted")
    fresh = get_cartoon(session.account_id, cartoon_id).characters[index]
    already = _already(session.account_id, fresh)
    if already:
        return already
    raise Conflict(key="reference_changed_meanwhile", code="reference_changed")


def page(session, *, cursor=None, limit=None):
    """One page of the library, newest first, and the cursor of the next (None at the end)."""
    items, next_cursor = paging.newest_first(
        SavedCharacter, session.account_id, "characters", id_name="character_id",
        pattern=specs.SAVED_ID, cursor=cursor, limit=limit, default=DEFAULT_PAGE,
        maximum=MAX_PAGE)
    return {"characters": [describe(c) for c in items], "next_cursor": next_cursor}


def view(session, character_id):
    return describe(get(session.account_id, character_id))


def delete(session, character_id):
    """Remove a saved character and its pictures. Cartoons that used it keep their copy."""
    item = get(session.account_id, character_id)
    storage.delete(item.image_key, item.thumb_key)
    try:
        item.delete(condition=SavedCharacter.character_id.exists())
    except DeleteError as error:
        if not lost_condition(error):
            raise
    logs.event("character_deleted", account_id=session.account_id, character_id=character_id)


def copy_into(account_id, cartoon_id, characters):
    """For a submission: copy each picked saved character's picture into the new cartoon as
    its reference (attempt 0). Returns ({index: (image_key, thumb_key)}, [keys written]);
    a saved_id that is not the account's own is a 400 naming the field."""
    copied, written = {}, []
    try:
        for index, character in enumerate(characters):
            saved_id = character.get("saved_id")
            if saved_id is None:
                continue
            item = find(account_id, saved_id)
            field = f"characters[{index}].saved_id"
            if item is None:
                raise specs.bad(field, key="saved_not_yours", code="unknown_saved_character")
            keys = tuple(storage.cartoon_key(account_id, cartoon_id,
                                             f"characters/{index + 1}-0.{ext}")
                         for ext in ("png", "webp"))
            for source, destination in zip((item.image_key, item.thumb_key), keys,
                                            strict=True):
                if not storage.copy(source, destination):
                    raise specs.bad(field, key="saved_deleted", code="unknown_saved_character")
                written.append(destination)
            copied[index] = keys
    except BaseException:
        storage.delete(*written)
        raise
    return copied, written


# What the library's routes answer: a saved character (its picture only if the account's own).
CHARACTER = obj({"id": TEXT, "name": STRING, "description": STRING, "created_at": TIME,
                 "source_cartoon_id": TEXT, "url": nullable(URL),
                 "thumbnail_url": nullable(URL)})
# A save answers the entry, and whether it was there already (nothing new was kept).
SAVED = ok(obj({**CHARACTER["properties"], "already_saved": BOOLEAN}), 201,
           errors=(*BODY_ERRORS, SIGNED_IN, 404, 409, 429))
CHARACTERS = ok(obj({"characters": array(CHARACTER), "next_cursor": nullable(TEXT)}),
                errors=(400, SIGNED_IN))
VIEWED = ok(CHARACTER, errors=(SIGNED_IN, 404))
DELETED = ok(STATUS, errors=(SIGNED_IN, 404, 409))
