"""When and where to reach each customer: activity counted by hour, weekday and channel, and
shares shrunk towards the customer's group and the shop (the timing scorer's model). The
compiled counting loop (``_slots``, Numba) is imported only when counting."""

from regulars.models.timing._activity import MAX_CHANNELS, RESPONSES, activity, activity_counts
from regulars.models.timing._shrink import PRIOR, group_prior, shrunk_best

__all__ = [
    "MAX_CHANNELS",
    "PRIOR",
    "RESPONSES",
    "activity",
    "activity_counts",
    "group_prior",
    "shrunk_best",
]
