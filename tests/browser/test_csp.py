"""Issue #9 point 8 in real Chromium: every page works under the Content-Security-Policy (the hashed import map
included) and reports no violation, the policy is enforced (an injected inline script is refused), and no other
site may frame the desk."""

from __future__ import annotations

import pytest

from tests.server import Server

TABS = (
    ("setup", "New competition"),
    ("registration", "Registration links"),
    ("results", "Adult Standard Open"),
    ("devices", "Enrol a device"),
)
PAGES = ("/", "/results/", "/register/#not-a-real-token", "/display/")


@pytest.fixture
def box(tmp_path):
    running = Server(tmp_path).start()
    yield running
    running.kill()


async def _watched(browser):
    """A browser context that collects CSP violations (the DOM event and Chromium's console) and page errors."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    seen: dict[str, list[str]] = {"violations": [], "errors": []}
    await context.expose_function("__cspViolation", lambda text: seen["violations"].append(text))
    await context.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) => "
        "window.__cspViolation(`${location.pathname}: ${e.violatedDirective} ${e.blockedURI}`))"
    )

    def on_page(page):
        page.on("console", lambda m: seen["violations"].append(m.text) if "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))

    context.on("page", on_page)
    return context, seen


async def _visit_desk_and_enrol_a_judge(page, box: Server, judges_tablet) -> None:
    """The desk makes a judge's QR code; the judge's tablet (a browser context of its own: one device per browser,
    as on the day; two pages of one context share the device slot in localStorage) scans it."""
    response = await page.goto(box.first_enrolment_url())  # /join/: the import map and the noble modules
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    await page.wait_for_url("**/desk/")
    await page.locator('#view button[id^="floor-"]').first.wait_for()  # the first tab, drawn
    for tab, drawn in TABS:  # one at a time: each tab drawn before the next is asked for
        await page.locator(f"#tab-{tab}").click()
        await page.locator("#view h2").filter(has_text=drawn).first.wait_for()
    form = page.locator("form", has=page.get_by_role("button", name="Show QR"))
    await form.locator('[name="role"]').select_option("adjudicator")
    await form.locator('[name="judge"]').select_option("A")
    await page.get_by_role("button", name="Show QR").click()
    await page.locator("#qr-dialog[open] #qr-box svg").wait_for()  # the QR's SVG needs no inline style
    judge_url = await page.locator("#qr-url").inner_text()
    judge = await judges_tablet.new_page()
    await judge.goto(judge_url)
    await judge.wait_for_url("**/judge/")
    await judge.locator("#who").filter(has_text="A").wait_for()


async def test_every_page_works_under_the_policy_with_no_violation(box, browser):
    context, seen = await _watched(browser)
    page = await context.new_page()
    for path in PAGES:
        response = await page.goto(box.base + path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        await page.wait_for_load_state("load")
    await page.locator("#board, #setup:not([hidden])").first.wait_for()  # the display's script ran
    await page.goto(box.base + "/results/")
    await page.locator("#status").filter(has_not_text="Loading").wait_for()
    await page.goto(box.base + "/register/#not-a-real-token")
    await page.locator("#status:not([hidden])").wait_for()
    tablet, on_tablet = await _watched(browser)
    await _visit_desk_and_enrol_a_judge(page, box, tablet)
    await context.close()
    await tablet.close()
    assert seen["violations"] == [] and seen["errors"] == []
    assert on_tablet["violations"] == [] and on_tablet["errors"] == []


async def test_the_policy_is_enforced_an_injected_inline_script_is_refused(box, browser):
    context, seen = await _watched(browser)
    page = await context.new_page()
    await page.goto(box.base + "/results/")
    await page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__inline = true'; document.head.append(s); }""")
    await page.evaluate(
        "() => { document.body.setAttribute('onclick', 'window.__handler = true'); document.body.click(); }"
    )
    assert await page.evaluate("() => [window.__inline, window.__handler]") == [None, None]
    await context.close()
    assert any("script-src" in v for v in seen["violations"]), seen


async def test_another_site_cannot_frame_the_desk(box, browser):
    context = await browser.new_context()
    page = await context.new_page()
    await page.set_content(f'<iframe id="f" src="{box.base}/desk/"></iframe>')
    await page.wait_for_load_state("load")
    frame = page.frame_locator("#f")
    assert await frame.locator("#who").count() == 0  # the desk's markup never rendered inside the frame
    await context.close()
