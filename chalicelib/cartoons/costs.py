"""What a cartoon cost us at the provider: every image call adds its tokens and its cost
(tokens x IMAGE_PRICES, in millionths of the site's currency) to the Cartoon item with one
atomic ADD, so parallel scene jobs never lose each other's share. Read by
`python -m chalicelib.money.admin costs`, which sets it against revenue per quality level.
"""

from pynamodb.exceptions import UpdateError

from chalicelib.core import logs
from chalicelib.core.conditions import lost_condition
from chalicelib.core.models import Cartoon


def add(account_id, cartoon_id, picture):
    """Add one call's usage and cost; a cartoon deleted meanwhile is not recreated."""
    usage = getattr(picture, "usage", None) or {}
    tokens = int(usage.get("input_tokens", 0)) + int(usage.get("output_tokens", 0))
    cost = int(getattr(picture, "cost", 0) or 0)
    if not tokens and not cost:
        return False
    try:
        Cartoon(account_id, cartoon_id).update(
            actions=[Cartoon.provider_cost.add(cost), Cartoon.provider_tokens.add(tokens),
                     Cartoon.image_calls.add(1)],
            condition=Cartoon.cartoon_id.exists())
    except UpdateError as error:
        if not lost_condition(error):
            raise
        logs.event("provider_cost_unrecorded", cartoon_id=cartoon_id, cost_micros=cost)
        return False
    return True
