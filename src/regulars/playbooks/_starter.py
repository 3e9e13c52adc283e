"""The starter set: the classic plays a shop can switch on, each with its trigger, template and
holdout. Written as the playbook file a shop edits (``regulars playbooks DIR`` writes it); every
playbook starts switched off."""

from __future__ import annotations

__all__ = ["STARTER_YAML", "starter_yaml"]

STARTER_YAML = """\
# regulars playbooks. Switch a playbook on with `enabled: true`; `regulars playbooks DIR validate`
# checks this file against your data, `plan` shows who would get what (and who was held back).

guards:
  email_hours: 16                 # at most email_per_window marketing emails per 16 hours
  email_per_window: 1
  sms_hours: 72
  sms_per_window: 1
  quiet_start: 21                 # nothing lands between 21:00 and 08:00 in the customer's zone
  quiet_end: 8                    # an email or text goes at the customer's best hour in their zone;
                                  # a playbook with `timing: fixed` sends it when planned, and with
                                  # `timing: split` half each way (results compare the two);
                                  # `channel: [email, sms]` sends by each one's best channel
  time_zone: UTC                  # for customers whose country is unknown
  suppress_after_purchase_days: 3
  suppress_after_complaint_days: 14
  global_control: 0.0             # a share of customers who get no marketing at all
  unknown_consent: "no"           # a customer who never said yes gets no email or SMS

playbooks:
  churn-win-back:
    description: likely to leave (churn probability above 70%) - a win-back offer
    enabled: false
    trigger: {score: churn_probability, above: 0.70}
    holdout: 0.1
    action: {channel: email, template: win-back, priority: 80, cost: 0.05}
    follow_ups:
      - {after_days: 7, if: no_response, action: {channel: sms, template: win-back-sms, priority: 70, cost: 0.08}}
  churn-nurture:
    description: drifting (churn probability 40-70%) - a gentle reminder, no discount
    enabled: false
    trigger: {score: churn_probability, at_least: 0.40, at_most: 0.70}
    holdout: 0.1
    action: {channel: email, template: nurture, priority: 50, cost: 0.01}
  hot-lead-handoff:
    description: a prospect turned hot - a person calls them
    enabled: false
    trigger: {enters: "engagement: hot"}
    when: '"lifecycle: prospect" in segments'
    holdout: 0.0
    action: {channel: task, template: hot-lead, owner: sales, due_days: 1, priority: 90}
  warm-lead-nurture:
    description: a warm prospect - a nurture series
    enabled: false
    trigger: {enters: "engagement: warm"}
    when: '"lifecycle: prospect" in segments'
    holdout: 0.1
    action: {channel: email, template: lead-nurture, priority: 40, cost: 0.01}
  abandoned-cart:
    description: left a cart without ordering
    enabled: false
    trigger: {event: cart_abandon, within_days: 1, without: order}
    timing: fixed                 # while the cart is fresh, not at tomorrow's best hour
    holdout: 0.1
    action: {channel: email, template: cart-reminder, priority: 85, cost: 0.01}
  welcome-series:
    description: a first order - welcome
    enabled: false
    trigger: {enters: "lifecycle: new"}
    holdout: 0.05
    action: {channel: email, template: welcome, priority: 60, cost: 0.01}
  thank-you-review:
    description: a week after an order - thanks and a review request
    enabled: false
    trigger: {date: days_after_order, days: 7}
    holdout: 0.05
    action: {channel: email, template: thank-you, priority: 30, cost: 0.01}
  second-purchase-nudge:
    description: bought once - a reason to come back
    enabled: false
    trigger: {enters: "behaviour: one-time"}
    holdout: 0.1
    action: {channel: email, template: second-purchase, priority: 55, cost: 0.02}
  we-miss-you:
    description: 30 days without a visit or an order
    enabled: false
    trigger: {date: days_without_activity, days: 30}
    holdout: 0.1
    action: {channel: email, template: we-miss-you, priority: 65, cost: 0.05}
  birthday:
    description: a birthday offer
    enabled: false
    trigger: {date: birthday}
    holdout: 0.1
    action: {channel: email, template: birthday, priority: 70, cost: 0.05}
  browse-without-buying:
    description: viewed products three times in a week without ordering
    enabled: false
    trigger: {event: product_view, at_least: 3, within_days: 7, without: order}
    holdout: 0.1
    action: {channel: email, template: browse, priority: 60, cost: 0.02}
  lagged-cross-sell:
    description: the usual follow-up to their last purchase, on its usual day (a week after the cake, the coffee)
    enabled: false
    trigger: {date: cross_sell_due}
    holdout: 0.1
    action: {channel: email, template: cross-sell, priority: 60, cost: 0.01}
  replenishment:
    description: due to run out - a reminder three days before their usual repurchase
    enabled: false
    trigger: {date: replenishment_due, days_before: 3}
    holdout: 0.1
    action: {channel: email, template: replenish, priority: 75, cost: 0.01}
  vip-recognition:
    description: a new Champion - a personal thank-you (a person approves each)
    enabled: false
    trigger: {enters: "Champions"}
    holdout: 0.05
    review: true
    action: {channel: email, template: vip, priority: 70, cost: 0.5}
  proactive-help:
    description: three FAQ visits in a week - offer help before they ask
    enabled: false
    trigger: {event: faq_view, at_least: 3, within_days: 7}
    holdout: 0.0
    action: {channel: email, template: help, priority: 65, cost: 0.01}
  comparison-guide:
    description: three views of comparison pages in a week and no order - a comparison guide
    enabled: false
    trigger: {event: comparison_view, at_least: 3, within_days: 7, without: order}
    holdout: 0.1
    action: {channel: email, template: comparison-guide, priority: 70, cost: 0.02}
  ticket-help:
    description: a support ticket still open after two days - a person checks in
    enabled: false
    trigger: {ticket: open, within_days: 2}
    holdout: 0.0
    action: {channel: task, template: ticket-help, owner: support, due_days: 1, priority: 85}
  complaint-recovery:
    description: a complaint or a poor rating - a person calls to put it right (approved first)
    enabled: false
    trigger: {ticket: negative, within_days: 3}
    holdout: 0.0
    action: {channel: task, template: complaint-call, owner: support, due_days: 1, priority: 95}
  ticket-spike:
    description: support tickets well above their usual range - the support lead looks into why
    enabled: false
    trigger: {metric: tickets, direction: up}
    holdout: 0.0
    action: {channel: task, template: ticket-spike, owner: support lead, due_days: 1, priority: 90}
  nps-survey:
    description: two weeks after an order - one question, would they recommend us (answered on the survey page)
    enabled: false
    trigger: {date: days_after_order, days: 14}
    holdout: 0.0
    action: {channel: email, template: nps-survey, priority: 20, cost: 0.01, survey: nps}
  csat-after-support:
    description: a ticket of theirs was solved in the last two days - one question, were they satisfied with the help
    enabled: false
    trigger: {ticket: solved, within_days: 2}
    holdout: 0.0
    action: {channel: email, template: csat-survey, priority: 30, cost: 0.01, survey: csat}
  csat-after-delivery:
    description: two days after an order reached them - one question, how satisfied are they with it
    enabled: false
    trigger: {date: days_after_delivery, days: 2}   # the orders' delivered_at (Shopify: Fulfilled at)
    holdout: 0.0
    action: {channel: email, template: delivery-survey, priority: 25, cost: 0.01, survey: csat}
  why-did-you-stop:
    description: very likely gone (churn probability above 85%) - ask what made them stop, no offer
    enabled: false
    trigger: {score: churn_probability, above: 0.85}
    holdout: 0.0
    action: {channel: email, template: why-did-you-stop, priority: 45, cost: 0.01, survey: win-back}
  crisis-response:
    description: unhappy texts well above their usual range - the owner is told; for each customer who wrote one, marketing pauses and a person replies (each step approved first)
    enabled: false
    trigger: {metric: unhappy_texts, direction: up}
    holdout: 0.0
    review: true
    action: {channel: task, template: crisis-owner, owner: owner, due_days: 0, priority: 99}
    affected:                     # each customer who wrote an unhappy text while it lasted
      pause_marketing: true       # their waiting emails and texts are cancelled; no new ones for suppress_after_complaint_days
      action: {channel: task, template: crisis-reply, owner: support, due_days: 1, priority: 95}
  new-arrivals:
    description: new products in a category they are interested in
    enabled: false
    trigger: {date: new_arrivals, days: 14}
    holdout: 0.1
    action: {channel: email, template: new-arrivals, priority: 35, cost: 0.01}

templates:
  win-back:
    subject: "{{ name }}, we have kept something for you"
    body: "It has been a while. Here is 15% off your next order{% if next_product %} - perhaps {{ next_product }}?{% endif %}"
    framing: reciprocity
  win-back-sms:
    body: "{{ name }}: 15% off your next order this week. Reply STOP to opt out."
  nurture:
    subject: "What is new since your last visit"
    body: "Hello {{ name }}, {% if next_product %}customers like you are enjoying {{ next_product }}.{% endif %}"
    framing: social proof
  hot-lead:
    body: "Call {{ name }} ({{ email }}): hot lead, {{ engagement }} engagement points."
  lead-nurture:
    subject: "A few ideas for you"
    body: "Hello {{ name }}, here is what our customers start with."
  cart-reminder:
    subject: "You left something behind"
    body: "Hello {{ name }}, your basket is waiting."
    framing: loss aversion
  welcome:
    subject: "Welcome, {{ name }}"
    body: "Thank you for your first order."
  thank-you:
    subject: "Thank you, {{ name }}"
    body: "How was your order? A short review helps other customers."
  second-purchase:
    subject: "Something to go with it"
    body: "{% if next_product %}Customers who bought what you did also love {{ next_product }}.{% endif %}"
    framing: social proof
  we-miss-you:
    subject: "We miss you, {{ name }}"
    body: "Here is 10% off when you come back this month."
  birthday:
    subject: "Happy birthday, {{ name }}"
    body: "A treat from us: 20% off this week."
  browse:
    subject: "Still thinking about it?"
    body: "{% if next_product %}{{ next_product }} is still here for you.{% endif %}"
  cross-sell:
    subject: "The perfect follow-up"
    body: "{% if cross_sell_product %}Customers usually pick up {{ cross_sell_product }} next.{% endif %}"
    framing: social proof
  replenish:
    subject: "Running low?"
    body: "{% if replenish_product %}Time to restock {{ replenish_product }}.{% endif %}"
  vip:
    subject: "Thank you, {{ name }}"
    body: "You are one of our very best customers. Thank you."
    framing: reciprocity
  help:
    subject: "Can we help?"
    body: "Hello {{ name }}, we saw you looking for answers. Reply and a person will help."
  comparison-guide:
    subject: "Comparing your options?"
    body: "Hello {{ name }}, choosing is easier side by side: here is our guide to how we compare, with what customers chose and why."
    framing: social proof
  ticket-help:
    body: "Check in with {{ name }} ({{ email }}): their ticket is still open."
  complaint-call:
    body: "Call {{ name }} ({{ phone }}): a complaint or a poor rating in the last days; put it right."
  ticket-spike:
    body: "More tickets than usual: read the latest ones for a shared cause (an order, a product, a delivery) and answer the waiting customers first."
  nps-survey:
    subject: "{{ name }}, one quick question"
    body: "How likely are you to recommend us to a friend? One tap: {{ survey_link }}"
  csat-survey:
    subject: "{{ name }}, did we help?"
    body: "We have just closed your question. How satisfied are you with the help you had? One tap: {{ survey_link }}"
  delivery-survey:
    subject: "{{ name }}, how was your order?"
    body: "Your order reached you a couple of days ago. How satisfied are you with it? One tap: {{ survey_link }}"
  why-did-you-stop:
    subject: "Can we ask you something?"
    body: "Hello {{ name }}, we have not seen you for a while. Would you tell us why? It takes a minute: {{ survey_link }}"
  crisis-owner:
    body: "Many more unhappy messages than usual: read them for a shared cause (a delivery, a product, a change), say what you will do, and approve the pauses and replies waiting for you."
  crisis-reply:
    body: "Reply to {{ name }} ({{ email }}): they wrote to us unhappy while many others did too; apologise, say what went wrong and what we are doing."
  new-arrivals:
    subject: "New in {{ interest }}"
    body: "Fresh arrivals in {{ interest }}, picked for you."
"""


def starter_yaml(enabled: tuple[str, ...] = ()) -> str:
    """The starter file with the playbooks named in ``enabled`` switched on."""
    text = STARTER_YAML
    for name in enabled:
        start = text.index(f"\n  {name}:\n")
        at = text.index("    enabled: false", start)
        text = text[:at] + "    enabled: true" + text[at + len("    enabled: false"):]
    return text
