"""The API contract, one test per input that used to answer 500: each now gets a clear 4xx with a
Chinese message (field errors name the field), and role refusals are 403."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from opinions.models import OpinionReport
from proposals.models import Proposal

from .seed import build_api_world

pytestmark = pytest.mark.django_db

HUGE = 2**70  # beyond 64 bits


@pytest.fixture
def w():
    return build_api_world()


@pytest.fixture
def lw():
    """A lighter world (one committee, its logins, no workflow objects) for the query-string cases."""
    from tests.factories import make_user
    from tests.factories import proposals as pf

    pw = pf.proposal_world("lw")
    pw.superuser = make_user("lw-root", superuser=True)
    return pw


def client(user=None):
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("url", [
    "/api/v1/members/?q=%00",
    "/api/v1/proposals/?search=ab%00cd",
    "/api/v1/opinion-reports/?status=%00",
    "/api/v1/visits/?date_from=2026-01-01%00",
    "/api/v1/members/?%00=1",
])
def test_nul_bytes_in_query_strings_are_a_400(lw, url):
    r = client(lw.staff).get(url)
    assert r.status_code == 400, r.content
    assert r["Content-Type"].startswith("application/json") and _chinese(r.content.decode())


def test_nul_bytes_in_public_codes_are_4xx(lw):
    r = client().get("/api/v1/public/track/AB%00CD/")
    assert r.status_code == 400 and _chinese(r.content.decode())  # core.middleware, before any lookup
    r = client().post("/api/v1/public/intake/", {"workstation_code": "ab\x00cd", "issue": "路灯不亮已经一个月了",
                                                  "idempotency_key": "contract-nul-0001"}, format="json")
    assert r.status_code == 400 and _chinese(r.content.decode())


def test_the_query_guard_refuses_nul_before_any_filter_reads_it():
    """Without the middleware (e.g. a view called directly), the API's own guard answers."""
    from rest_framework.exceptions import ValidationError
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.api import QueryParamsGuard

    request = Request(APIRequestFactory().get("/api/v1/members/", {"q": "a\x00b"}))
    with pytest.raises(ValidationError) as exc:
        QueryParamsGuard().filter_queryset(request, None, None)
    assert "q" in exc.value.detail


@pytest.mark.parametrize("url", [
    f"/api/v1/members/?committee={HUGE}",
    f"/api/v1/proposals/?session={HUGE}",
    f"/api/v1/opinion-reports/?unit={HUGE}",
    f"/api/v1/point-entries/?member=-{HUGE}",
])
def test_integers_beyond_64_bits_in_filters_are_a_400(lw, url):
    r = client(lw.staff).get(url)
    assert r.status_code == 400, r.content


def test_path_ids_beyond_64_bits_or_not_digits_are_a_json_404(lw):
    for path in ("proposals", "members", "opinion-reports", "proposal-answers", "workstations", "proposal-comments"):
        for bad in (str(HUGE), "9" * 5000, "-1", "1e3", "null"):
            r = client(lw.superuser).get(f"/api/v1/{path}/{bad}/")
            assert r.status_code == 404, (path, bad, r.status_code)


def test_integers_beyond_64_bits_in_bodies_are_field_errors(w):
    r = client(w.member_user).post("/api/v1/proposals/", {"title": "关于加装电梯的提案", "content": "老旧小区",
                                                          "cosigner_ids": [HUGE]}, format="json")
    assert r.status_code == 400 and "cosigner_ids" in r.data
    p = Proposal.objects.filter(status="submitted").first()
    r = client(w.staff).post(f"/api/v1/proposals/{p.pk}/assign/", {"lead_unit": HUGE}, format="json")
    assert r.status_code == 400 and "lead_unit" in r.data
    assert not Proposal.objects.filter(title="关于加装电梯的提案").exists()


@pytest.mark.parametrize("query", ["year=0", "year=99999", "year=-1", "occurred_after=0000-01-01",
                                   "occurred_before=99999-01-01", "occurred_after=0001-01-01"])
def test_years_out_of_range_are_a_400(lw, query):
    r = client(lw.staff).get(f"/api/v1/point-entries/?{query}")
    assert r.status_code == 400, r.content
    field = query.split("=")[0]
    [message] = r.json()[field]  # a field error on the parameter sent, in Chinese
    assert _chinese(message), message


def test_year_filters_within_range_still_filter(lw):
    assert client(lw.staff).get("/api/v1/point-entries/?year=2026").status_code == 200
    assert client(lw.staff).get("/api/v1/opinion-bulletins/?year=2026").status_code == 200
    assert client(lw.staff).get("/api/v1/opinion-bulletins/?year=99999").status_code == 400


def test_dates_out_of_range_in_bodies_are_field_errors(w):
    p = Proposal.objects.filter(is_key=True).first()
    r = client(w.staff).post(f"/api/v1/proposals/{p.pk}/supervise/",
                             {"method": "site", "content": "现场督办", "on": "9999-12-31"}, format="json")
    assert r.status_code == 400 and "on" in r.data


def test_forward_without_a_unit_is_a_field_error(w):
    report = OpinionReport.objects.filter(status="registered").first()
    r = client(w.staff).post(f"/api/v1/opinion-reports/{report.pk}/forward/", {"note": "请办理"}, format="json")
    assert r.status_code == 400 and "unit" in r.data and _chinese(str(r.data["unit"]))
    report.refresh_from_db()
    assert report.status == "registered"


def test_supervise_without_method_is_a_field_error(w):
    p = Proposal.objects.filter(is_key=True).first()
    r = client(w.staff).post(f"/api/v1/proposals/{p.pk}/supervise/", {"content": "现场督办"}, format="json")
    assert r.status_code == 400 and "method" in r.data
    assert not p.supervision_records.exists() if hasattr(p, "supervision_records") else True


def test_a_list_or_bare_value_where_an_object_is_expected_is_a_400(w):
    registered = OpinionReport.objects.filter(status="registered").first()
    for url in ("/api/v1/proposals/", f"/api/v1/opinion-reports/{registered.pk}/forward/", "/api/v1/dashboard/rollups/",
                "/api/v1/public/intake/", "/api/v1/sectors/"):
        for body in ([], [1, 2], "text", 5, None):
            r = client(w.staff).post(url, body, format="json")
            assert r.status_code == 400, (url, body, r.status_code, r.content)


def test_a_list_body_on_a_consultation_action_is_a_400(w):
    from consultations.models import Consultation

    c = Consultation.objects.filter(step="held").first()
    r = client(w.staff).post(f"/api/v1/consultations/{c.pk}/actions/minutes/", [{"body": "纪要"}], format="json")
    assert r.status_code == 400


@pytest.mark.parametrize("query", ["status=null,null", "unit=null,null", "session=null", "member=null,null"])
def test_ids_like_null_null_are_a_400(lw, query):
    r = client(lw.staff).get(f"/api/v1/proposals/?{query}")
    assert r.status_code == 400, r.content


def test_ids_like_null_null_in_bodies_are_field_errors(w):
    r = client(w.member_user).post("/api/v1/proposals/", {"title": "关于加装电梯的提案", "content": "老旧小区",
                                                          "cosigner_ids": "null,null"}, format="json")
    assert r.status_code == 400 and "cosigner_ids" in r.data
    r = client(w.member_user).post("/api/v1/proposals/", {"title": "关于加装电梯的提案", "content": "老旧小区",
                                                          "cosigner_ids": [None, None]}, format="json")
    assert r.status_code == 400 and "cosigner_ids" in r.data


def test_text_longer_than_the_model_allows_is_a_field_error(w):
    report = OpinionReport.objects.filter(status="received").first()
    r = client(w.staff).post(f"/api/v1/opinion-reports/{report.pk}/register/", {"title": "长" * 201}, format="json")
    assert r.status_code == 400 and "title" in r.data


def test_role_refusals_are_403_not_400(w):
    p = Proposal.objects.filter(status="draft").first()
    # A member who is not a co-signer answers a co-signature request.
    r = client(w.unit_user).post(f"/api/v1/proposals/{p.pk}/cosign/", {"accept": True}, format="json")
    assert r.status_code == 404, r.content  # a draft is outside a unit's scope: not found, not refused
    released = w.released
    r = client(w.member_user).post(f"/api/v1/proposals/{released.pk}/countersign/", {"opinion": "同意"},
                                   format="json")
    assert r.status_code == 403 and _chinese(r.data["detail"])
    r = client(w.member_user).post("/api/v1/opinion-bulletins/", {"title": "专报", "report_ids": [1]}, format="json")
    assert r.status_code == 403
    r = client(w.member_user).post("/api/v1/sectors/", {"committee": w.committee.pk, "name": "新界别"}, format="json")
    assert r.status_code == 403


def test_anonymous_writes_are_refused_with_401_or_403(lw):
    for url in ("/api/v1/proposals/", "/api/v1/sectors/", "/api/v1/opinion-reports/"):
        # Session authentication comes first and sends no WWW-Authenticate challenge, so DRF answers 403.
        assert client().post(url, {}, format="json").status_code == 403


def test_every_operation_documents_its_error_answers():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    missing = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            for code in ("400", "401", "403", "404"):
                if code not in op["responses"]:
                    missing.append(f"{method.upper()} {path} {code}")
    assert not missing, missing
    comments = schema["paths"]["/api/v1/proposal-comments/"]["post"]["responses"]
    assert "429" in comments and "429" in schema["paths"]["/api/v1/public/intake/"]["post"]["responses"]
    assert "Error" in schema["components"]["schemas"]


def test_every_api_filterset_uses_the_bounded_base():
    from django.urls import get_resolver

    from core.api import FilterSet

    seen = 0
    for view in _api_views(get_resolver()):
        fs = getattr(view, "filterset_class", None)
        if fs is not None:
            seen += 1
            assert issubclass(fs, FilterSet), view
    assert seen >= 10


def _api_views(resolver, prefix=""):
    from django.urls import URLPattern, URLResolver

    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _api_views(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("api/"):
            cls = getattr(p.callback, "cls", None)
            if cls is not None:
                yield cls


def test_a_co_signer_from_another_committee_leaves_no_draft_behind(lw):
    from tests.factories import proposals as pf

    other = pf.proposal_world("lw-other")
    before = Proposal.objects.count()
    r = client(lw.member_user).post("/api/v1/proposals/", {
        "title": "关于加装电梯的提案", "content": "老旧小区加装电梯。", "cosigner_ids": [other.cosigner.pk]}, format="json")
    assert r.status_code == 400, r.content
    assert Proposal.objects.count() == before
    r = client(lw.member_user).post("/api/v1/proposals/", {
        "title": "关于加装电梯的提案", "content": "老旧小区加装电梯。", "cosigner_ids": [lw.cosigner.pk]}, format="json")
    assert r.status_code == 201 and [c["member"] for c in r.data["cosigners"]] == [lw.cosigner.pk]


def test_every_api_view_with_a_path_id_validates_it():
    from django.urls import URLPattern, URLResolver, get_resolver

    from core.api import IdLookupMixin

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("api/"):
                yield prefix + str(p.pattern), getattr(p.callback, "cls", None)

    with_ids = [(route, cls) for route, cls in walk(get_resolver()) if "<pk>" in route]
    assert len(with_ids) >= 40
    for route, cls in with_ids:
        assert issubclass(cls, IdLookupMixin), route


def test_digits_that_int_refuses_are_not_ids(w):
    """``str.isdigit`` accepts "²" and fullwidth digits; ``int("²")`` raised a ValueError (500)."""
    assert client(w.staff).get("/api/v1/coverage/?committee=%C2%B2").status_code == 404
    assert client(w.staff).get(f"/api/v1/coverage/?committee={HUGE}").status_code == 404
    assert client(w.staff).get(f"/api/v1/coverage/?committee={w.committee.pk}").status_code == 200
    r = client(w.staff).post(f"/api/v1/proposals/{w.released.pk}/review-class/", {"classes": {"²": "A"}}, format="json")
    assert r.status_code == 400 and "classes" in r.data
    r = client(w.superuser).get("/api/v1/proposals/%C2%B2/")
    assert r.status_code == 404


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")
