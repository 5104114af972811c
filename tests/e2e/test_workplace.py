"""The full circle in a real browser: the dialer calls, the card pops, the operator works it,
the callback comes back, and the supervisor's wallboard follows live."""

import os
import shutil
from datetime import time
from pathlib import Path

import pytest
from django.core.management import call_command
from tests.e2e.conftest import screenshot

from zvonar.accounts.models import OperatorStatusLog
from zvonar.calls.models import Call
from zvonar.campaigns.models import Project
from zvonar.tasks.models import Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def running_project(settings):
    settings.ZVONAR_DEMO_PASSWORD = "demo-e2e"
    call_command("demo", contacts=40, verbosity=0)
    project = Project.objects.get(dial_mode="predictive")
    project.status = "running"
    project.work_days = [0, 1, 2, 3, 4, 5, 6]
    project.work_start = project.local_call_start = time(0, 0)
    project.work_end = project.local_call_end = time(23, 59, 59)
    # Every dial reaches a person within a second who talks until the operator hangs up.
    project.telephony_settings = {
        "person_answer_rate": 1.0,
        "machine_rate": 0.0,
        "busy_rate": 0.0,
        "invalid_rate": 0.0,
        "time_to_answer_median_seconds": 1.0,
        "talk_mean_seconds": 3600,
        "amd": False,
    }
    project.save()
    return project


def log_in(page, base_url, username):
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo-e2e")
    page.click("button[type=submit]")


def wallboard_status(wallboard, name):
    return wallboard.locator(f"tr[data-operator='{name}'] [data-testid=wallboard-status]")


def test_operator_works_a_call_and_the_callback_returns(browser, asgi_server, running_project):
    """operator1 goes Available, gets a card, walks the script, sets a callback due now and a
    comment, saves; the callback comes back to her; the wallboard shows each status live."""
    supervisor = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ru-RU")
    wallboard = supervisor.new_page()
    wallboard_sockets = []
    wallboard.on("websocket", lambda socket: wallboard_sockets.append(socket.url))
    wallboard.set_default_timeout(20_000)
    log_in(wallboard, asgi_server.url, "supervisor")
    wallboard.goto(f"{asgi_server.url}/monitoring/projects/{running_project.pk}/")
    operator_name = "Ольга Операторова"
    status = wallboard_status(wallboard, operator_name)

    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(20_000)
    # One socket per page, and each card saved once: a component set up twice, or a card's
    # key listener outliving the card, shows up here.
    sockets, saves = [], []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    page.on("request", lambda r: r.url.endswith("/save/") and saves.append(r.url))
    log_in(page, asgi_server.url, "operator1")
    page.wait_for_url("**/workplace/")
    page.select_option("[data-testid=project-select]", str(running_project.pk))
    # The page re-reads its state once when its socket opens (events sent between the page's
    # render and the socket's opening would be lost otherwise); after that, events keep it live.
    page.locator("[data-testid=workplace][data-live=true]").wait_for()
    state_reads = []
    page.on("request", lambda r: "/workplace/state/" in r.url and state_reads.append(r.url))
    page.click("button[data-status=available]")

    card = page.locator("[data-testid=client-card]")
    card.wait_for()
    first_call_id = int(card.get_attribute("data-call-id"))
    first_client = card.locator("[data-testid=card-contact]").inner_text()
    assert "Продажа ОСАГО" in card.locator("[data-testid=card-project]").inner_text()
    status.filter(has_text="Разговор").wait_for()
    # The page applies its own status and call events (in its language) without re-reading
    # the whole state from the server.
    page.locator("[data-testid=operator-status]", has_text="Разговор").wait_for()
    page.wait_for_timeout(1000)
    assert state_reads == []
    # Colleagues' statuses are read when their list opens.
    page.click("[data-testid=colleagues-button]")
    page.locator("[data-testid=colleagues]", has_text="Неактивен").wait_for()
    assert len(state_reads) == 1
    page.click("[data-testid=colleagues-button]")

    card.locator("[data-tab=script]").click()
    card.get_by_role("button", name="Нет, перезвоните позже").click()
    card.get_by_role("button", name="Назвал время").click()
    card.locator("[data-testid=script-finished]").wait_for()
    assert (
        "Нет, перезвоните позже → Назвал время"
        in card.locator("[data-testid=script-path]").inner_text()
    )
    card.locator("[data-tab=main]").click()
    assert card.locator("input[name=result][data-name='Перезвонить']").is_checked()
    card.get_by_role("button", name="Попросил перезвонить вечером").click()
    card.locator("[data-tab=tasks]").click()
    card.locator("[data-testid=callback-now]").click()
    shot = screenshot(page, "workplace")
    card.locator("[data-testid=save-card]").click()

    page.locator(f"[data-call-id='{first_call_id}']").wait_for(state="detached")
    first_call = Call.objects.get(pk=first_call_id)
    assert first_call.result.name == "Перезвонить"
    assert first_call.comment == "Попросил перезвонить вечером"
    assert [step["answer"] for step in first_call.script_path] == [
        "Нет, перезвоните позже",
        "Назвал время",
    ]
    assert Task.objects.filter(origin_call=first_call, is_auto_callback=True).exists()

    # The next cards pop; a predictive dialer may have a fresh call ready before the callback,
    # so the operator works cards until the callback, due now, comes back to her.
    seen = {first_call_id}
    callback_call = None
    for _ in range(4):
        selector = "".join(f":not([data-call-id='{pk}'])" for pk in seen)
        page.locator(f"[data-testid=client-card]{selector}").wait_for()
        card = page.locator("[data-testid=client-card]")
        call = Call.objects.get(pk=int(card.get_attribute("data-call-id")))
        seen.add(call.pk)
        status.filter(has_text="Разговор").wait_for()
        if call.lead_id == first_call.lead_id:
            callback_call = call
            assert card.locator("[data-testid=card-contact]").inner_text() == first_client
            break
        # Keyboard: Alt+1 picks the result with hot key 1 (Согласие), Ctrl+Enter saves.
        page.keyboard.press("Alt+1")
        assert card.locator("input[name=result][data-name='Согласие']").is_checked()
        page.keyboard.press("Control+Enter")
    assert callback_call is not None, "the callback did not come back"
    assert callback_call.operator.username == "operator1"
    wallboard_shot = screenshot(wallboard, "wallboard")

    # The callback's card gets its result by keyboard; the next client comes.
    page.keyboard.press("Alt+1")
    page.keyboard.press("Control+Enter")
    selector = "".join(f":not([data-call-id='{pk}'])" for pk in seen)
    page.locator(f"[data-testid=client-card]{selector}").wait_for()
    callback_call.refresh_from_db()
    assert callback_call.result.name == "Согласие"

    assert len(saves) == len(set(saves)) == len(seen)
    assert [url.split("/", 3)[-1] for url in sockets] == ["ws/workplace/"]
    assert [url.split("/", 3)[-1] for url in wallboard_sockets] == [
        f"ws/monitoring/projects/{running_project.pk}/"
    ]

    # In a call the status stays where the call put it.
    page.click("button[data-status=paused]")
    page.locator("[data-testid=workplace-error]", has_text="карточку").wait_for()
    if os.environ.get("ZVONAR_UPDATE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, DOCS / "workplace.png")
        shutil.copyfile(wallboard_shot, DOCS / "wallboard.png")
    context.close()
    supervisor.close()


def test_logging_out_in_another_tab_closes_the_workplace(browser, asgi_server, settings):
    """operator1 is Available in one tab and logs out in another: she goes Offline, and the
    workplace tab leaves for the login form instead of half-working on an ended session."""
    settings.ZVONAR_DEMO_PASSWORD = "demo-e2e"
    call_command("demo", contacts=20, verbosity=0)
    project = Project.objects.get(dial_mode="predictive")  # paused: nothing is dialed
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ru-RU")
    workplace = context.new_page()
    workplace.set_default_timeout(20_000)
    log_in(workplace, asgi_server.url, "operator1")
    workplace.wait_for_url("**/workplace/")
    workplace.select_option("[data-testid=project-select]", str(project.pk))
    workplace.locator("[data-testid=workplace][data-live=true]").wait_for()
    workplace.click("button[data-status=available]")
    workplace.locator("[data-testid=operator-status]", has_text="Доступен").wait_for()

    other_tab = context.new_page()
    other_tab.goto(f"{asgi_server.url}/workplace/")
    other_tab.get_by_role("button", name="Выйти").click()
    other_tab.wait_for_url("**/accounts/login/**")

    workplace.wait_for_url("**/accounts/login/?next=/workplace/")
    workplace.locator("#id_username").wait_for()
    status = OperatorStatusLog.objects.get(user__username="operator1", ended_at=None)
    assert status.status == "offline"
    context.close()
