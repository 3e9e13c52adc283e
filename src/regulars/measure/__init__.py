"""Whether outreach worked: treated customers against held-out ones on a measure (conversion,
revenue per customer, retention, unsubscribes), with a confidence interval, a plain verdict and
the customers still needed; return on investment; and what an action is expected to earn."""

from regulars.measure._economics import expected_value
from regulars.measure._playbooks import MEASURES, playbook_effects
from regulars.measure._roi import roi, roi_sentence
from regulars.measure._uplift import Effect, compare, customers_needed

__all__ = ["Effect", "MEASURES", "compare", "customers_needed", "expected_value", "playbook_effects", "roi",
           "roi_sentence"]
