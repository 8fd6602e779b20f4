"""Renaming a saved character of the library, or changing its description: checked and
moderated as a submission's texts are. Apart from cartoons/library.py because the submission
uses the library (copy_into) and this uses the submission's moderation."""

from chalicelib.cartoons import specs
from chalicelib.cartoons.library import CHARACTER, describe, get
from chalicelib.cartoons.submission import moderate
from chalicelib.core import logs
from chalicelib.core.answers import BODY_ERRORS, SIGNED_IN, ok
from chalicelib.core.conditions import update_if
from chalicelib.core.errors import NotFound
from chalicelib.core.fields import Field
from chalicelib.core.models import SavedCharacter

# PATCH /api/characters/{id}: a new name, a new description, or both.
EDIT_CHARACTER_SPEC = {
    "name": Field(str, required=False, max_length=specs.LIMITS["name"]),
    "description": Field(str, required=False, max_length=specs.LIMITS["description"])}


def edit(session, character_id, data):
    """Rename a saved character or change its description, checked and moderated as in a
    submission. Cartoons that used it keep the words they were drawn with."""
    item = get(session.account_id, character_id)
    changes = {name: specs.text(data[name], name) for name in ("name", "description")
               if data.get(name) is not None}
    if not changes:
        raise specs.bad("name", key="nothing_to_edit", code="missing_field")
    moderate(list(changes.items()))
    actions = [getattr(SavedCharacter, name).set(value) for name, value in changes.items()]
    if not update_if(item, actions, SavedCharacter.character_id.exists()):
        raise NotFound(key="no_such_saved_character")
    for name, value in changes.items():
        setattr(item, name, value)
    logs.event("character_edited", account_id=session.account_id, character_id=character_id,
               fields=sorted(changes))
    return describe(item)


EDITED = ok(CHARACTER, errors=(*BODY_ERRORS, SIGNED_IN, 404, 422, 503))
