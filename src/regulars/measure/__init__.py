"""Whether outreach worked: treated customers against held-out ones on a measure (conversion,
revenue per customer, retention, unsubscribes), with a confidence interval, a plain verdict and
the customers still needed; and return on investment."""

from regulars.measure._roi import roi, roi_sentence
from regulars.measure._uplift import Effect, compare, customers_needed

__all__ = ["Effect", "compare", "customers_needed", "roi", "roi_sentence"]
