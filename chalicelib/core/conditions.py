"""A conditional write that lost its condition: the one test for it.

Every state move in DynamoDB is a write under a condition (the state it read, an item that
must exist, a cause not yet applied). When the condition no longer holds, because another
request or a redelivered job moved first, DynamoDB refuses the write: a single write with
`ConditionalCheckFailedException`, a transaction with `TransactionCanceledException`. Either
means "someone else got there": nothing was written and the caller says so. Anything else
(throttling, a bad request, the network) is a real error and goes up.
"""

from pynamodb.exceptions import UpdateError

LOST = ("ConditionalCheckFailedException", "TransactionCanceledException")


def lost_condition(error):
    """True when a PynamoDB write error means its condition no longer held (a race or a
    repeat: nothing was written), False for any other failure."""
    return getattr(error, "cause_response_code", None) in LOST


def update_if(item, actions, condition):
    """Update `item` under `condition`: True when written, False (nothing written) when the
    condition no longer held."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as error:
        if not lost_condition(error):
            raise
        return False
    return True
