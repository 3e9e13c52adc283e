"""Page views from the shop's own pages: a small first-party script (``/snippet.js``, no
third-party code) keeps a visitor id in a cookie on the shop's domain and sends each page
view here, with the shop's user id when the page knows who is signed in (which links the
visitor's earlier browsing to them). The key in the page is a ``site`` key: anyone can read
it, so it may do nothing but send page views."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field, ValidationError

from regulars.api._auth import Denied

__all__ = ["router"]

router = APIRouter()

#: The most a page view's body may hold (a long address and title fit many times over).
MOST_BYTES = 16_000

SNIPPET = r"""/* regulars page views: first-party, no third-party code. A visitor id in a cookie on this
   site (rg_vid, a year); the page's address and title, and data-user-id when someone is signed
   in. Nothing is sent when the browser asks for no tracking (Global Privacy Control). */
(function () {
  var script = document.currentScript, data = script && script.dataset;
  if (!data || !data.key || navigator.globalPrivacyControl) { return; }
  function uuid() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID()
      : Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  var found = document.cookie.match(/(?:^|; )rg_vid=([A-Za-z0-9-]{8,64})/), visitor = found ? found[1] : uuid();
  document.cookie = "rg_vid=" + visitor + "; Max-Age=31536000; Path=/; SameSite=Lax"
    + (location.protocol === "https:" ? "; Secure" : "");
  var body = JSON.stringify({key: data.key, anonymousId: visitor, userId: data.userId || null,
    url: location.href, title: document.title || null, referrer: document.referrer || null,
    timestamp: new Date().toISOString(), messageId: uuid()});
  var to = __COLLECT__;
  if (!(navigator.sendBeacon && navigator.sendBeacon(to, new Blob([body], {type: "text/plain"})))) {
    fetch(to, {method: "POST", body: body, keepalive: true, mode: "no-cors"});
  }
  /* data-help="on": offer the FAQ's answer (once a visit) after three help or FAQ pages in a week,
     a long stay on a product page (data-help-after seconds, 60 unless given), or on coming back
     from a cart or checkout left without an order (data-help-cart-minutes later, 30 unless given) */
  if (data.help !== "on" || !window.localStorage || !window.sessionStorage) { return; }
  var path = location.pathname, now = Date.now(), week = now - 7 * 864e5, seen = [];
  function offer(words, question) {
    if (sessionStorage.getItem("rg_help")) { return; }
    sessionStorage.setItem("rg_help", "1");
    var link = document.createElement("a");
    link.href = new URL(to).origin + "/help?q=" + encodeURIComponent(question || document.title || "");
    link.target = "_blank"; link.rel = "noopener"; link.textContent = words; link.id = "rg-help";
    link.setAttribute("style", "position:fixed;right:1rem;bottom:1rem;padding:.6rem 1rem;background:#2a6ccb;"
      + "color:#fff;border-radius:6px;font:16px sans-serif;text-decoration:none;z-index:2147483647");
    document.body.appendChild(link);
  }
  try { seen = JSON.parse(localStorage.getItem("rg_faq") || "[]").filter(function (t) { return t > week; }); }
  catch (e) { seen = []; }
  if (/\/(faq|help|support)/i.test(path)) { seen.push(now); }
  localStorage.setItem("rg_faq", JSON.stringify(seen.slice(-20)));
  var cart = Number(localStorage.getItem("rg_cart") || 0), minutes = Number(data.helpCartMinutes || 30);
  if (/\/(thank[_-]?you|order[_-]?received|orders\/|order-confirmation)/i.test(path)) {
    localStorage.removeItem("rg_cart");
  } else if (/\/(cart|basket|checkout)/i.test(path)) {
    localStorage.setItem("rg_cart", String(now));
  } else if (cart > week && now - cart >= minutes * 6e4) {
    localStorage.removeItem("rg_cart");
    offer("Did something stop you at checkout? Ask us", "a problem at checkout");
  }
  if (seen.length >= 3) { offer("Questions? Ask us"); }
  if (/[/](products?|items?|p)[/]/i.test(path)) {
    setTimeout(function () { offer("Questions about this? Ask us"); }, 1000 * Number(data.helpAfter || 60));
  }
})();
"""


class PageView(BaseModel):
    """One page view as the snippet sends it (text/plain, so the browser sends it without asking
    the server first)."""

    model_config = {"extra": "forbid"}
    key: str = Field(min_length=1, max_length=200)
    anonymousId: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$")  # noqa: N815 - the spec's name
    userId: str | None = Field(default=None, min_length=1, max_length=200)  # noqa: N815
    url: str = Field(min_length=1, max_length=2_000, pattern=r"^https?://")
    title: str | None = Field(default=None, max_length=500)
    referrer: str | None = Field(default=None, max_length=2_000)
    timestamp: str = Field(min_length=1, max_length=40)
    messageId: str = Field(min_length=1, max_length=100)  # noqa: N815


# for browsers, not integrators: left out of the JSON API's schema, documented in the README
@router.get("/snippet.js", include_in_schema=False)
def snippet(request: Request) -> Response:
    collect = json.dumps(str(request.url_for("collect")))
    return Response(SNIPPET.replace("__COLLECT__", collect), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.post("/collect", include_in_schema=False)
async def collect(request: Request) -> Response:
    from regulars import app
    from regulars.app import ROLES
    from regulars.errors import SettingsError

    raw = await request.body()
    if len(raw) > MOST_BYTES:
        raise SettingsError(f"a page view is at most {MOST_BYTES:,} bytes; this was {len(raw):,}")
    try:
        view = PageView.model_validate(json.loads(raw))
    except (ValueError, ValidationError) as exc:
        problems = exc.errors()[:5] if isinstance(exc, ValidationError) else []
        said = "; ".join(f"{'.'.join(map(str, p['loc']))}: {p['msg']}" for p in problems) or "the body is not JSON"
        raise SettingsError(f"not a page view: {said}") from None
    caller = request.app.state.keys.match(view.key)
    if caller is None or "collect" not in ROLES[caller.role]:
        raise Denied(401, "this key may not send page views; make a site key (`regulars keys DIR create --role site`)")
    message: dict[str, Any] = {"type": "page", "anonymousId": view.anonymousId, "timestamp": view.timestamp,
                               "messageId": view.messageId,
                               "properties": {"url": view.url, "title": view.title, "referrer": view.referrer,
                                              "channel": "web"}}
    if view.userId:
        message["userId"] = view.userId
    app.record_messages(request.app.state.workspace, [message])
    return Response(status_code=204, headers={"Access-Control-Allow-Origin": "*"})
