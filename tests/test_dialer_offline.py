"""The Dialer on a bad connection and on a phone, in Debian's Chromium driven by Playwright against a
real Odoo with workers: calls saved offline wait in the browser, survive a reload and reach the
server exactly once when the connection returns; a phone-sized screen walks a call with the thumb."""

import contextlib
import secrets

import pytest
from mcube import create_user
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
DIALER = "/web#action=cold_call_dialer.cold_call_dialer_action"


@pytest.fixture(scope="module")
def admin(odoo_server):
    return odoo_server.session()


@pytest.fixture()
def calling_list(admin):
    """A rep, four contacts to call and the rep's saved search of them: (rep login, list name, contact ids)."""
    tag = secrets.token_hex(3)
    rep = create_user(admin, ["cold_call_dialer.group_cold_call_user", "sales_team.group_sale_salesman"])
    contacts = [
        admin.call(
            "res.partner",
            "create",
            {"name": f"Offline {tag} {n}", "mobile": f"+91984{secrets.randbelow(10**6):06d}{n}"},
        )
        for n in range(1, 5)
    ]
    name = f"Offline calls {tag}"
    rep_id = admin.call("res.users", "search", [("login", "=", rep)])[0]
    admin.call(
        "ir.filters",
        "create",
        {
            "name": name,
            "model_id": "res.partner",
            "domain": repr([("id", "in", contacts)]),
            "sort": "[]",
            "user_id": rep_id,
        },
    )
    return rep, name, contacts


# Contexts block service workers: Playwright's offline switch does not reach them, and Odoo's would
# keep answering "You are offline" after the test is back online.


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


def log_in(page, url, login):
    page.goto(f"{url}/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", login)
    page.click("button[type=submit]")
    page.wait_for_selector(".o_main_navbar")


def open_list(page, url, name):
    page.goto(f"{url}{DIALER}")
    page.locator(".o_cold_call_list", has_text=name).click()
    page.locator(".o_cold_call_start:visible").click()
    expect(page.locator(".o_cold_call_log_form")).to_be_visible()


def current_name(page):
    return page.locator(".o_cold_call_page_contact.active .o_cold_call_page_contact_name").inner_text()


def active(page):
    return page.locator(".o_cold_call_page_contact.active")


def log_call(page, outcome, note):
    """Log a call on the contact on screen, and wait until the next one is."""
    contact = active(page).get_attribute("data-contact-id")
    page.click(f".o_cold_call_outcome[data-value={outcome}]")
    page.fill(".o_cold_call_note_input", note)
    page.click(".o_cold_call_save")
    expect(active(page)).not_to_have_attribute("data-contact-id", contact)


def logs_of(admin, partner_id):
    return admin.call(
        "cold.call.log",
        "search_read",
        [("partner_id", "=", partner_id)],
        ["outcome_id", "status_kept", "client_key", "call_date"],
    )


def test_calls_saved_offline_survive_a_reload_and_reach_odoo_once(odoo_server, admin, calling_list, browser):
    rep, list_name, contacts = calling_list
    context = browser.new_context(viewport={"width": 1366, "height": 900}, service_workers="block")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, odoo_server.url, rep)
    open_list(page, odoo_server.url, list_name)

    context.set_offline(True)
    log_call(page, "callback", "Offline note one")
    expect(page.locator(".o_cold_call_offline")).to_be_visible()
    expect(page.locator(".o_cold_call_outbox_count")).to_have_text("1 call waiting to sync")
    log_call(page, "voicemail", "Offline note two")
    # meanwhile a manager sets the third contact's status
    third = active(page).get_attribute("data-contact-id")
    admin.call("res.partner", "write", [int(third)], {"x_cold_call_status": "interested"})
    log_call(page, "not_interested", "Offline note three")
    expect(page.locator(".o_cold_call_outbox_count")).to_have_text("3 calls waiting to sync")
    expect(page.locator(".o_cold_call_page_contact[data-state=queued]")).to_have_count(3)
    # what the rep is typing on the fourth is kept too
    fourth = int(active(page).get_attribute("data-contact-id"))
    page.fill(".o_cold_call_note_input", "Typing when the tab reloaded")
    page.wait_for_timeout(1500)
    with contextlib.suppress(PlaywrightError):  # the browser's error page
        page.reload(timeout=10000)
    assert not any(logs_of(admin, partner) for partner in contacts), "nothing reached Odoo while offline"

    context.set_offline(False)
    page.goto(f"{odoo_server.url}{DIALER}")
    # the outbox sends its calls by itself; the third one's status changed meanwhile
    conflict = page.locator(".o_cold_call_conflict")
    expect(conflict).to_be_visible(timeout=30000)
    expect(page.locator(".o_cold_call_outbox_calls")).to_have_count(0)
    logged = {partner: logs_of(admin, partner) for partner in contacts[:3]}
    assert all(len(rows) == 1 for rows in logged.values()), logged
    expect(conflict).to_contain_text("Interested")
    [kept] = logs_of(admin, int(third))
    assert kept["status_kept"]
    assert (
        admin.call("res.partner", "read", [int(third)], ["x_cold_call_status"])[0]["x_cold_call_status"] == "interested"
    )
    notes = admin.call(
        "mail.message", "search_read", [("model", "=", "res.partner"), ("res_id", "in", contacts)], ["body"]
    )
    bodies = " ".join(note["body"] for note in notes)
    for note in ("Offline note one", "Offline note two", "Offline note three"):
        assert bodies.count(note) == 1, note

    # sent once more (a retry after a timeout, another tab): still one call
    key = logged[contacts[0]][0]["client_key"]
    page.evaluate(
        """async ([key, partnerId]) => {
            const info = (await indexedDB.databases()).find((d) => d.name.startsWith("cold_call_dialer:"));
            const db = await new Promise((ok, ko) => {
                const request = indexedDB.open(info.name);
                request.onsuccess = () => ok(request.result);
                request.onerror = ko;
            });
            await new Promise((ok, ko) => {
                const transaction = db.transaction("calls", "readwrite");
                transaction.objectStore("calls").put({
                    key, partnerId, name: "again", outcome: "again", queuedAt: Date.now(),
                    kwargs: {status: "callback", duration: 0, note: "sent twice", client_key: key},
                });
                transaction.oncomplete = ok;
                transaction.onerror = ko;
            });
            db.close();
        }""",
        [key, contacts[0]],
    )
    page.goto(f"{odoo_server.url}{DIALER}")
    expect(page.locator(".o_cold_call_outbox_calls")).to_have_count(0, timeout=30000)
    assert len(logs_of(admin, contacts[0])) == 1

    # the rep takes the kept form up again, and settles the conflict with their outcome
    page.click(".o_cold_call_draft_resume")
    expect(page.locator(".o_cold_call_note_input")).to_have_value("Typing when the tab reloaded")
    expect(active(page)).to_have_attribute("data-contact-id", str(fourth))
    page.click(".o_cold_call_conflict_mine")
    expect(page.locator(".o_cold_call_conflict")).to_have_count(0)
    status = admin.call("res.partner", "read", [int(third)], ["x_cold_call_status"])[0]["x_cold_call_status"]
    assert status == "not_interested"
    context.close()


def test_logging_out_with_calls_waiting_warns_first(odoo_server, admin, calling_list, browser):
    rep, list_name, _contacts = calling_list
    context = browser.new_context(viewport={"width": 1366, "height": 900}, service_workers="block")
    page = context.new_page()
    log_in(page, odoo_server.url, rep)
    open_list(page, odoo_server.url, list_name)
    context.set_offline(True)
    log_call(page, "callback", "Waiting when logging out")
    expect(page.locator(".o_cold_call_outbox_count")).to_have_text("1 call waiting to sync")
    page.click(".o_user_menu .dropdown-toggle")
    page.click(".o_user_menu .dropdown-item:has-text('Log out')")
    expect(page.locator(".modal-dialog")).to_contain_text("1 call(s) saved in the Dialer")
    page.click(".modal-footer .btn-secondary")
    expect(page.locator(".o_cold_call_outbox_count")).to_be_visible()
    context.set_offline(False)
    expect(page.locator(".o_cold_call_outbox_calls")).to_have_count(0, timeout=30000)
    context.close()


def test_a_call_on_a_phone_sized_screen_from_list_to_save_and_next(odoo_server, calling_list, browser):
    rep, list_name, _contacts = calling_list
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, service_workers="block"
    )
    page = context.new_page()
    log_in(page, odoo_server.url, rep)
    page.goto(f"{odoo_server.url}{DIALER}")
    page.locator(".o_cold_call_list", has_text=list_name).tap()
    page.locator(".o_cold_call_start:visible").tap()
    expect(page.locator(".o_cold_call_log_form")).to_be_visible()
    first = current_name(page)
    assert page.locator(".o_cold_call_phone_link").first.get_attribute("href").startswith("tel:")
    for selector in (".o_cold_call_outcome", ".o_cold_call_save", ".o_cold_call_skip", ".o_cold_call_call"):
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 44, (selector, box)
    page.locator(".o_cold_call_outcome[data-value=callback]").tap()
    page.locator(".o_cold_call_note_input").fill("From the phone")
    page.locator(".o_cold_call_save").tap()
    expect(page.locator(".o_cold_call_page_contact[data-state=done]")).to_have_count(1)
    expect(page.locator(".o_cold_call_page_contact.active .o_cold_call_page_contact_name")).not_to_have_text(first)
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const outside = [...document.querySelectorAll(".o_cold_call_dialer *")].filter((el) => {
                const box = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                const shown = box.width && style.visibility !== "hidden" && style.display !== "none";
                return shown && (box.right > width + 1 || box.left < -1);
            });
            return {scroll: document.scrollingElement.scrollWidth - width,
                    outside: outside.slice(0, 5).map((el) => el.className)};
        }"""
    )
    assert overflow == {"scroll": 0, "outside": []}, overflow
    context.close()


def test_nothing_is_lost_when_the_server_answers_late(odoo_server, admin, calling_list, browser):
    """A save whose answer never comes back (the connection dropped after the server saved it) is
    sent again from the outbox: the server answers it as saved."""
    rep, list_name, contacts = calling_list
    context = browser.new_context(viewport={"width": 1366, "height": 900}, service_workers="block")
    page = context.new_page()
    log_in(page, odoo_server.url, rep)
    open_list(page, odoo_server.url, list_name)
    partner = int(active(page).get_attribute("data-contact-id"))

    def drop_the_answer(route):
        route.fetch()  # the server saves the call...
        route.abort("connectionreset")  # ...and its answer is lost

    page.route("**/web/dataset/call_kw/cold.call.dialer/log_call", drop_the_answer)
    log_call(page, "callback", "Answer lost on the way")
    expect(page.locator(".o_cold_call_outbox_count")).to_have_text("1 call waiting to sync")
    page.unroute("**/web/dataset/call_kw/cold.call.dialer/log_call")
    page.click(".o_cold_call_outbox_sync")
    expect(page.locator(".o_cold_call_outbox_calls")).to_have_count(0, timeout=30000)
    assert len(logs_of(admin, partner)) == 1
    context.close()
