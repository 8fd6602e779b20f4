"""What a cartoon cost us at the provider: every image call and every look at a drawn panel
adds its tokens and its cost (tokens x IMAGE_PRICES or OPENAI_LOOK_PRICE, in millionths of the
site's currency) to the Cartoon item with one atomic ADD, so parallel scene jobs never lose
each other's share. Each call is counted by kind: `image` (image_calls), `look` (look_calls),
and `free_redraw` (a panel drawn again at the service's cost because the look could not find
a speaker: an image call, also counted in free_redraws). Read by
`python -m chalicelib.money.admin costs`, which sets it against revenue per quality level.
"""

from pynamodb.exceptions import UpdateError

from chalicelib.core import logs
from chalicelib.core.conditions import lost_condition
from chalicelib.core.models import Cartoon

COUNTERS = {"image": ("image_calls",), "look": ("look_calls",),
            "free_redraw": ("image_calls", "free_redraws")}


def add(account_id, cartoon_id, picture, kind="image"):
    """Add one call's usage and cost; a cartoon deleted meanwhile is not recreated. A call
    that reports nothing (the offline renderer's look) is not counted, but a free redraw
    always is."""
    usage = getattr(picture, "usage", None) or {}
    tokens = int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))
    cost = int(getattr(picture, "cost", 0) or 0)
    if not tokens and not cost and kind != "free_redraw":
        return False
    try:
        Cartoon(account_id, cartoon_id).update(
            actions=[Cartoon.provider_cost.add(cost), Cartoon.provider_tokens.add(tokens),
                     *(getattr(Cartoon, name).add(1) for name in COUNTERS[kind])],
            condition=Cartoon.cartoon_id.exists())
    except UpdateError as error:
        if not lost_condition(error):
            raise
        logs.event("provider_cost_unrecorded", cartoon_id=cartoon_id, cost_micros=cost)
        return False
    return True
