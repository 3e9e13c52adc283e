"""The Business page: alerts, targets with their progress (set by the owner here), the KPIs of
the last two months with their change and interval, forecasts with their intervals and record,
cohorts as a heatmap and the funnel; all read from what the latest run kept, so it answers at once."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from regulars._glance import glance_view
from regulars.web._render import form_checked, page, session_of, workspace_of

__all__ = ["mount"]

#: A slice of the KPIs asked for in the address (a segment, channel, source or country).
Slice = Annotated[str, Query(max_length=200)]

def _business(request: Request, message: str = "", segment: Slice = "", channel: Slice = "", source: Slice = "",
              country: Slice = "") -> HTMLResponse:
    from regulars import app
    from regulars.app import ROLES

    session = session_of(request)
    found = app.business(workspace_of(request)).to_dict()
    chosen = {k: v for k, v in (("segment", segment), ("channel", channel), ("source", source),
                                ("country", country)) if v}
    sliced = (app.metrics(workspace_of(request), by="month", periods=13, **chosen).to_dict()["series"]
              if chosen else None)
    return page(request, "business.html", session, b=found, message=message, **glance_view(found, sliced),
                chosen=chosen, measures={k: v["title"] for k, v in found["measures"].items()},
                today=date.today().isoformat(), may_decide="decide" in ROLES[session.caller.role])


def mount(api: FastAPI) -> None:
    """Add the Business page's routes to ``api``."""
    api.add_api_route("/business", _business, methods=["GET"], include_in_schema=False)

    @api.post("/business/target", include_in_schema=False)
    def target(request: Request, measure: Annotated[str, Form(max_length=60)],
               value: Annotated[str, Form(max_length=40)] = "", by: Annotated[str, Form(max_length=20)] = "",
               clear: Annotated[str, Form(max_length=5)] = "", token: Annotated[str, Form(max_length=100)] = ""
               ) -> RedirectResponse:
        from regulars import app
        from regulars.api import Denied

        session = form_checked(request, token, "decide")
        actor = f"dashboard:{session.caller.name}"
        if clear:
            app.set_target(workspace_of(request), measure, None, actor=actor)
            said = "the target is cleared"
        else:
            try:
                number = float(value.strip().removesuffix("%")) / (100 if value.strip().endswith("%") else 1)
            except ValueError:
                raise Denied(422, f"the target is a number (a share as 35%); got {value[:40]!r}") from None
            done = app.set_target(workspace_of(request), measure, number, by=by, actor=actor)
            said = next(f"the target for {t['title']} is set" for t in done.targets if t["measure"] == measure)
        return RedirectResponse(f"/business?message={quote(said)}", status_code=303)
