"""The dashboard in a real browser (Debian's chromium, driven by its chromedriver) against
`regulars serve` started here: every page loads without console errors, an approval lands in
the outbox, the import page loads a file, the rule editor checks as one types. Screenshots of
the pages are saved in test-artifacts/screenshots."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.api.test_serve import free_port

REGULARS = str(Path(sys.executable).parent / "regulars")
ARTIFACTS = Path(os.environ.get("REGULARS_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))
SHOTS = ARTIFACTS / "screenshots"


def _binary(*names: str) -> str:
    found = next((shutil.which(n) for n in names if shutil.which(n)), None)
    if found is None:
        pytest.fail(f"{names[0]} is not installed: `make test` installs Debian's chromium and chromium-driver")
    return found


@pytest.fixture
def served(shop):
    """`regulars serve` on the shop, and its sign-in address."""
    path, keys = shop
    port = free_port()
    server = subprocess.Popen([REGULARS, "serve", str(path), "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    link = None
    for _ in range(50):
        line = server.stdout.readline()
        if not line:
            break
        if "token=" in line:
            link = re.search(r"(http\S+)", line).group(1)
            break
    if link is None:
        server.kill()
        pytest.fail(f"serve printed no sign-in address: {server.stderr.read()}")
    for _ in range(100):  # it prints the address just before it listens
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2):
                break
        except OSError:
            time.sleep(0.1)
    yield path, keys, f"http://127.0.0.1:{port}", link
    server.send_signal(signal.SIGINT)
    server.wait(timeout=30)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = _binary("chromium", "chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1366,900"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(_binary("chromedriver")), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


#: What an owner must never read on a page: a dict or JSON, a field name, a command-line flag, a
#: server path, a traceback, Python's None or NaN.
INTERNALS = re.compile(r"\{'|\": \{|\bp_alive\b|(?<![\w-])--[a-z][\w-]*|/(?:home|tmp|usr|work)/\S+|Traceback|\bNone\b|\bNaN\b")


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def test_every_page_loads_without_console_errors(served, browser):
    path, _, url, link = served
    browser.get(link)
    assert browser.title.startswith("Home")
    customer = browser.find_element("css selector", "main table a[href^='/customers/']").get_attribute("href").rsplit("/", 1)[-1]
    browser.get(url + "/playbooks")
    template = browser.find_element("css selector", "[id^='template-']").get_attribute("id").removeprefix("template-")
    pages = {"home": "/", "business": "/business", "voice": "/voice", "customers": "/customers?sort=churn",
             "customer": f"/customers/{customer}",
             "search": "/customers?q=smith", "segments": "/segments", "segment": "/segments/Champions",
             "playbooks": "/playbooks", "preview": f"/playbooks/preview?template={template}", "data": "/data",
             "import": "/data/import", "models": "/models"}
    for name, page in pages.items():
        browser.get(url + page)
        assert "Something went wrong" not in browser.page_source and "Not found" not in browser.title, name
        assert browser.find_element("css selector", "h1").text, name
        assert console_errors(browser) == [], name
        shot(browser, name)
    browser.set_window_size(390, 844)  # a phone
    wide, internals = {}, {}
    for name, page in pages.items():
        browser.get(url + page)
        width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        if width[0] > width[1] + 1:
            wide[name] = width
        # what an owner types (a template's {{ fields }}, a rule) is shown as code; the rest is words
        words = browser.execute_script(
            "const m = document.querySelector('main').cloneNode(true);"
            "m.querySelectorAll('code, input, textarea').forEach(e => e.remove()); return m.innerText;")
        found = [m.group(0) for m in INTERNALS.finditer(words)]
        if found:
            internals[name] = found[:3]
        shot(browser, f"{name}-phone")
    browser.get(url + "/")
    assert "%" in browser.find_element("css selector", ".tiles").text
    assert internals == {}  # words for people: no dicts, JSON, field names, flags, paths or Python's None
    assert wide == {}  # no page wider than a phone's screen


def test_an_approval_lands_in_the_outbox(served, browser):
    path, keys, url, link = served
    browser.get(link)
    browser.get(url + "/playbooks")
    row = browser.find_element("css selector", "table.approvals tbody tr")
    action = row.get_attribute("id").removeprefix("action-")
    who = row.find_element("css selector", "a[href^='/customers/']").text
    row.find_element("css selector", "button[name=approve]").click()
    assert f"Approved: vip-recognition for {who}" in browser.find_element("css selector", "p.note").text
    assert browser.current_url.endswith("#group-vip-recognition")  # back where the owner was
    assert not browser.find_elements("id", f"action-{action}")
    shot(browser, "playbooks-approved")
    request = urllib.request.Request(f"{url}/api/v1/outbox", headers={"Authorization": f"Bearer {keys['owner']}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        outbox = json.loads(answer.read())
    assert any(c["status"] == "queued" for c in outbox["counts"])
    assert console_errors(browser) == []


def test_the_import_page_loads_a_file_with_its_suggested_mapping(served, browser, tmp_path):
    path, _, url, link = served
    upload = tmp_path / "till-export.csv"
    upload.write_text("Receipt No,Sold at,Grand Total,E-mail\nT-1,2024-12-30 10:00,12.50,ann@example.com\n"
                      "T-2,2024-12-30 11:30,7.00,\nT-3,2024-12-30 12:00,not a number,bob@example.com\n")
    browser.get(link)
    browser.get(url + "/data/import")
    browser.find_element("css selector", "input[type=file]").send_keys(str(upload))
    browser.find_element("css selector", "select[name=table] option[value=orders]").click()
    browser.find_element("css selector", "main form button[type=submit]").click()
    mapping = browser.find_element("css selector", "table.mapping").text
    assert "Grand Total" in mapping and "Sold at" in mapping
    receipt = browser.find_element("css selector", "select[name='col:order_id'] option[value='Receipt No']")
    receipt.click()  # the person names the order number the guess missed
    shot(browser, "import-mapping")
    browser.find_element("id", "load").click()
    said = browser.find_element("css selector", "p.note").text
    assert "till-export.csv: read 3, loaded 1, anonymous 1, quarantined 1" in said, said
    assert "till-export.csv" in browser.find_element("css selector", "main").text
    assert console_errors(browser) == []


def test_the_rule_editor_checks_as_one_types(served, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    path, _, url, link = served
    browser.get(link)
    browser.get(url + "/segments")
    rule = browser.find_element("id", "rule")
    rule.send_keys("clv_12m >")
    WebDriverWait(browser, 10).until(lambda d: "ends too early" in d.find_element("id", "rule-check").text)
    rule.send_keys(" 100")
    WebDriverWait(browser, 10).until(lambda d: "customers now" in d.find_element("id", "rule-check").text)
    shot(browser, "segments-rule")
    assert console_errors(browser) == []


def test_the_page_view_snippet_on_another_site_links_a_visitor_when_they_sign_in(shop, browser, tmp_path):
    """The shop's own pages (another origin, as a real shop's are) carry the snippet: a visitor
    browses anonymously, signs in, and their earlier views become theirs; where the snippet
    offers help, it does so when its page triggers fire."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    import duckdb

    from tests.api.test_serve import start

    path, keys = shop
    server, url = start(path)
    site = tmp_path / "site"
    (site / "compare").mkdir(parents=True)
    icon = '<link rel="icon" href="data:,">'
    tag = f'<script src="{url}/api/v1/snippet.js" data-key="{keys["site"]}"{{}} async></script>'
    (site / "compare" / "a-vs-b.html").write_text(f"<title>A or B?</title>{icon}<p>compare</p>{tag.format('')}")
    (site / "account.html").write_text(f"<title>Account</title>{icon}<p>signed in</p>{tag.format(' data-user-id=C00001')}")
    helped = tag.format(' data-help="on" data-help-after="1" data-help-cart-minutes="0"')
    (site / "products").mkdir()
    for page, title in (("cart.html", "Your cart"), ("thank-you.html", "Thank you"),
                        ("account-help.html", "Account"), ("products/sourdough.html", "Sourdough loaf")):
        (site / page).write_text(f"<title>{title}</title>{icon}<body><p>{title}</p>{helped}</body>")
    pages = ThreadingHTTPServer(("127.0.0.1", free_port()),
                                functools.partial(SimpleHTTPRequestHandler, directory=str(site)))
    threading.Thread(target=pages.serve_forever, daemon=True).start()
    shop_url = f"http://localhost:{pages.server_address[1]}"  # another origin than the server's
    try:
        for page in ("compare/a-vs-b.html", "compare/a-vs-b.html", "account.html"):
            browser.get(f"{shop_url}/{page}")
            browser.execute_script("return document.readyState")
            assert not console_errors(browser)
        cookie = browser.get_cookie("rg_vid")
        assert cookie and cookie["sameSite"] == "Lax"
        _help_offers(browser, shop_url)
        browser.get("about:blank")
        time.sleep(1.5)  # a beacon may still be on its way
    finally:
        pages.shutdown()
        server.send_signal(signal.SIGINT)
        server.wait(timeout=60)
    with duckdb.connect(str(path / "regulars.duckdb"), read_only=True) as con:
        views = con.execute("SELECT customer_id, event_type, title FROM events WHERE url LIKE ? ORDER BY occurred_at",
                            [f"{shop_url}/%"]).fetchall()
        linked = con.execute("SELECT resolved_id, matched_on FROM customer_map WHERE customer_id = ?",
                             [cookie["value"]]).fetchall()
    assert views[:3] == [(cookie["value"], "comparison_view", "A or B?")] * 2 + [("C00001", "page_view", "Account")]
    assert linked == [("C00001", "visitor")]


def _help_offers(browser, shop_url: str) -> None:
    """The snippet with data-help="on" offers the help page once a visit: on coming back from a
    cart left without an order, and after a stay on a product page; an order clears the cart."""
    from selenium.webdriver.support.ui import WebDriverWait

    def offered():
        found = browser.find_elements("id", "rg-help")
        return (found[0].text, found[0].get_attribute("href")) if found else None

    def new_visit():
        browser.execute_script("sessionStorage.clear()")

    for page in ("cart.html", "account-help.html"):
        browser.get(f"{shop_url}/{page}")
    text, href = offered()
    assert text == "Did something stop you at checkout? Ask us" and href.endswith("/help?q=a%20problem%20at%20checkout")
    browser.get(f"{shop_url}/account-help.html")
    assert offered() is None  # once
    new_visit()
    for page in ("cart.html", "thank-you.html", "account-help.html"):  # they ordered: nothing to ask
        browser.get(f"{shop_url}/{page}")
    assert offered() is None
    new_visit()
    browser.get(f"{shop_url}/products/sourdough.html")
    text, href = WebDriverWait(browser, 10).until(lambda d: offered())
    assert text == "Questions about this? Ask us" and href.endswith("/help?q=Sourdough%20loaf")
    assert console_errors(browser) == []


def test_the_owner_sets_a_target_on_the_business_page(served, browser):
    path, keys, url, link = served
    browser.get(link)
    browser.get(url + "/business")
    assert len(browser.find_elements("css selector", "section.charts svg polygon.band80")) == 3  # orders, revenue, tickets
    demand = browser.find_element("xpath", "//h2[starts-with(., 'Demand for the best sellers')]/..")
    assert len(demand.find_elements("css selector", "svg polygon.band80")) == 3 and "Units of " in demand.text
    assert "MASE" in browser.find_element("css selector", "section.charts figcaption").text
    assert browser.title == "Business · regulars"  # nothing of the page leaked into its title
    ways = browser.find_element("xpath", "//h2[starts-with(., 'Journeys')]/..").text
    assert "Before a first purchase" in ways and "Lifecycle stages" in ways
    assert "The flows between stages, and how long customers stay in each, appear after the second run" in ways  # this shop has had one run
    assert "How people answered the messages" in browser.find_element("tag name", "main").text
    form = browser.find_element("css selector", "form[action='/business/target']")
    form.find_element("css selector", "select[name=measure] option[value=repeat_purchase_rate]").click()
    form.find_element("name", "value").send_keys("35%")
    browser.execute_script("arguments[0].value = '2030-06-30'", form.find_element("name", "by"))
    form.find_element("css selector", "button[type=submit]").click()
    assert "target for Repeat-purchase rate is set" in browser.find_element("css selector", "p.note").text
    row = browser.find_element("xpath", "//td[normalize-space()='Repeat-purchase rate']/..").text
    assert "35.0% by 2030-06-30" in row and any(w in row for w in ("on track", "behind", "too early"))
    shot(browser, "business-target")
    browser.get(url + "/")
    assert "Repeat-purchase rate: " in browser.find_element("xpath", "//h2[starts-with(., 'Alerts and targets')]/..").text
    assert console_errors(browser) == []


def test_the_voice_page_shows_how_texts_read_and_what_they_are_about(served, browser):
    path, _, url, link = served
    browser.get(link)
    browser.get(url + "/voice?by=week")
    assert browser.title.startswith("Voice")
    assert browser.find_elements("css selector", "main figure svg polyline")  # the share unhappy and happy
    themes = browser.find_elements("xpath", "//h2[starts-with(., 'What they write about')]/following::table[1]"
                                            "/tbody/tr")
    assert len(themes) >= 2 and all(t.find_elements("css selector", "q") for t in themes)
    unhappy = browser.find_element("xpath", "//strong[.='Unhappy about lately:']/..").text
    assert "(" in unhappy  # a theme and how many unhappy texts
    shot(browser, "voice")
    customer = browser.find_element("css selector", "main a[href='/voice?by=month']")
    customer.click()
    assert "month" in browser.find_element("css selector", "main table th").text
    assert console_errors(browser) == []
