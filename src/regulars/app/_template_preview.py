"""``template_preview``: a template as one real customer would read it, at any time (not only
for the customers today's plan picked), with every field a template may use and its value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regulars.app._fields import latest_fields
from regulars.app._playbook_file import read_playbooks
from regulars.app._results import Result
from regulars.errors import SettingsError
from regulars.store import customer_named, customer_view, product_names

__all__ = ["TemplatePreviewResult", "template_preview"]

#: Profile fields a template may use, in the order they are listed.
PROFILE_FIELDS = ("name", "email", "phone", "country", "city", "company", "birthday")
#: Fields holding a product id, shown by the product's name.
PRODUCT_FIELDS = ("next_product", "cross_sell_product", "replenish_product")


@dataclass(frozen=True)
class TemplatePreviewResult(Result):
    """The template's subject and text for ``customer_id`` (their name beside), and every field
    a template may use with that customer's value."""

    template: str
    customer_id: str
    name: str | None
    subject: str | None
    body: str
    fields: list[dict[str, Any]]


def template_preview(workspace_path: str | Path, template: str, customer: str | None = None
                     ) -> TemplatePreviewResult:
    """``template`` rendered for ``customer`` (any id, email, phone or name; by default the most
    valuable customer of the latest run)."""
    import pandas as pd

    from regulars.playbooks import render

    workspace, _, _, found, _ = read_playbooks(workspace_path)
    if template not in found.templates:
        raise SettingsError(f"no template {template!r}; templates: {', '.join(sorted(found.templates))}")
    with workspace.store(read_only=True) as store:
        _, fields, pairs, _, _ = latest_fields(store, workspace, "templates")
        if customer:
            who = customer_named(store, customer)
        elif "clv" in fields and fields["clv"].notna().any():
            who = str(fields["clv"].idxmax())
        else:
            who = str(fields.index[0])
        record = customer_view(store, who)["records"][0]
        row = fields.loc[who].to_dict() if who in fields.index else {}
        products = [row[c] for c in PRODUCT_FIELDS if isinstance(row.get(c), str)]
        names = product_names(store, products)  # messages name products, as the plan's do
    row |= {c: names.get(row[c], row[c]) for c in PRODUCT_FIELDS if isinstance(row.get(c), str)}
    member_of = [str(s) for s in pairs.loc[pairs["row"] == fields.index.get_indexer([who])[0], "segment"]]
    interests = [s.removeprefix("interested in ") for s in member_of if s.startswith("interested in ")]
    values = {k: record.get(k) for k in PROFILE_FIELDS} | {k: (None if pd.isna(v) else v) for k, v in row.items()}
    values |= {"segments": member_of, "interest": interests[0] if interests else None}
    try:
        subject, body = render(found.templates[template], values)
    except Exception as exc:  # noqa: BLE001 - a template's own mistake, said in words
        raise SettingsError(f"template {template!r} cannot be filled in for {who}: {exc}") from None
    listed = [{"field": k, "example": v} for k, v in values.items()]
    return TemplatePreviewResult(template=template, customer_id=who, name=record.get("name"), subject=subject,
                                 body=body, fields=listed)
