"""A visit's staff page links both ways to the opinion report it became (one click to convert)."""

import pytest
from django.urls import reverse

from opinions.models import OpinionReport
from tests.factories.workstations import make_team
from workstations import services

pytestmark = pytest.mark.django_db


def test_visit_page_converts_to_an_opinion_report_in_one_click_and_links_to_it(client):
    team = make_team()
    visit, _ = services.visit_submit_public(workstation=team.ws, issue="路灯不亮，夜间出行不安全", idempotency_key="v-link")
    client.force_login(team.convenor_user)
    url = reverse("workstations:visit-detail", args=[visit.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="visit-to-opinion"' in page and 'data-testid="visit-opinion-link"' not in page

    r = client.post(reverse("opinions:from-visit", args=[visit.pk]), {"next": url})
    assert r.status_code == 302
    report = OpinionReport.objects.get()
    page = client.get(url).content.decode()
    assert 'data-testid="visit-opinion-link"' in page
    assert reverse("opinions:detail", args=[report.pk]) in page
    # Converting again finds the same report rather than making a second one.
    client.post(reverse("opinions:from-visit", args=[visit.pk]), {"next": url})
    assert OpinionReport.objects.count() == 1
