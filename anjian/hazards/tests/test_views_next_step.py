"""The hazard page leads with what this user must do next (``views.detail.NEXT_STEPS``):
that action's card first and open, everything else they may do folded under 更多操作."""

import re

import pytest
from django.urls import reverse

from anjian.hazards.choices import Grade, State
from anjian.hazards.tests.factories import hazard_in


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def actions_of(response) -> tuple[str | None, list[str], bool]:
    """(the leading card's action, the folded ones, whether 更多操作 is unfolded)."""
    page = response.content.decode()
    panel = page[page.index('id="actions"') :]
    lead = re.search(r'id="action-(\w+)" data-lead', panel)
    folded, is_open = [], False
    more = re.search(r'<details class="more-actions mb-3" id="more-actions"( open)?>', panel)
    if more:
        is_open = bool(more.group(1))
        folded = re.findall(r'class="card mb-3 action-card" id="action-(\w+)"', panel[more.end() :])
    return (lead.group(1) if lead else None), folded, is_open


def page_of(client, hazard):
    return client.get(reverse("hazards:hazard_detail", args=[hazard.pk]))


@pytest.mark.parametrize(
    ("state", "actor", "step"),
    [
        (State.REPORTED, "district_official", "register"),
        (State.REGISTERED, "district_official", "start"),
        (State.RECTIFYING, "enterprise_manager", "submit"),
        (State.AWAITING_ACCEPTANCE, "district_official", "accept"),
    ],
)
def test_the_page_leads_with_the_users_next_step(client_for, state, actor, step, request):
    user = request.getfixturevalue(actor)
    lead, folded, is_open = actions_of(page_of(client_for(user), hazard_in(state)))
    assert lead == step
    assert folded and step not in folded
    assert not is_open


def test_the_acceptor_finds_the_refusal_among_the_other_actions(client_for, district_official):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE)
    lead, folded, _open = actions_of(page_of(client_for(district_official), hazard))
    assert lead == "accept"
    assert {"reject", "void", "note"} <= set(folded)


def test_who_may_not_take_the_next_step_sees_everything_folded(client_for, enterprise_manager):
    hazard = hazard_in(State.AWAITING_ACCEPTANCE, grade=Grade.MAJOR)  # government accepts
    lead, folded, is_open = actions_of(page_of(client_for(enterprise_manager), hazard))
    assert lead is None
    assert "note" in folded and "accept" not in folded
    assert not is_open


def test_a_refused_folded_action_comes_back_unfolded_with_its_errors(
    client_for, enterprise_manager
):
    hazard = hazard_in(State.RECTIFYING)
    response = client_for(enterprise_manager).post(
        reverse("hazards:hazard_note", args=[hazard.pk]), {"note": ""}
    )
    assert response.status_code == 422
    lead, folded, is_open = actions_of(response)
    assert lead == "submit"
    assert "note" in folded and is_open


def test_a_refused_next_step_comes_back_first_with_the_rest_folded(client_for, enterprise_manager):
    hazard = hazard_in(State.RECTIFYING)
    response = client_for(enterprise_manager).post(
        reverse("hazards:hazard_submit", args=[hazard.pk]),
        {"version": hazard.version, "rectification_note": ""},
    )
    assert response.status_code == 422
    lead, _folded, is_open = actions_of(response)
    assert lead == "submit" and not is_open
