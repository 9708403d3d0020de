"""The public catalogue API of API.md: /api/v1/matters/ and /api/v1/bundles/."""

import pytest

from matters.constants import HandlingKind, OnlineDepth, VersionStatus
from tests.factories.identity import DepartmentFactory
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FeeItemFactory,
    FormFieldFactory,
    ImplementationFactory,
    MaterialFactory,
    MatterFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def catalogue():
    registration = VersionFactory(
        implementation__matter=MatterFactory(name="企业设立登记", basic_code="000102001000"),
        online_depth=OnlineDepth.FULLY_ONLINE,
    )
    food = VersionFactory(
        implementation__matter=MatterFactory(name="食品经营许可", basic_code="000102002000"),
        online_depth=OnlineDepth.PRE_CHECK,
        visits_required=1,
    )
    seal = VersionFactory(
        implementation__matter=MatterFactory(
            name="公章刻制备案", basic_code="000103001000", sector="public_security"
        ),
        handling_kind=HandlingKind.IMMEDIATE,
        promised_limit_days=0,
    )
    draft = VersionFactory(
        implementation__matter=MatterFactory(name="企业注销登记", basic_code="000102003000"),
        status=VersionStatus.DRAFT,
        published_at=None,
    )
    return {"registration": registration, "food": food, "seal": seal, "draft": draft}


def test_anyone_lists_published_implementations_only(api_client, catalogue):
    response = api_client.get("/api/v1/matters/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert catalogue["draft"].implementation.code not in _codes(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "企业"}, ["registration"]),
        ({"q": "qysldj"}, ["registration"]),
        ({"q": "许可"}, ["food"]),
        ({"q": "000102"}, ["registration", "food"]),
        ({"online_depth": 3}, ["food"]),
        ({"handling_kind": "immediate"}, ["seal"]),
    ],
)
def test_search_by_keyword_initials_code_and_filters(api_client, catalogue, params, expected):
    response = api_client.get("/api/v1/matters/", params)

    assert sorted(_codes(response)) == sorted(
        catalogue[name].implementation.code for name in expected
    )


def test_search_by_department_and_region(api_client, catalogue):
    department = catalogue["seal"].implementation.department

    response = api_client.get(
        "/api/v1/matters/", {"department": department.credit_code, "region": "420500000000"}
    )

    assert _codes(response) == [catalogue["seal"].implementation.code]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"q": "办" * 10_000}, "q"), ({"online_depth": 7}, "online_depth"),
     ({"online_depth": "x"}, "online_depth"), ({"handling_kind": "soon"}, "handling_kind")],
)  # fmt: skip
def test_bad_search_input_is_a_400_on_its_field(api_client, catalogue, params, field):
    response = api_client.get("/api/v1/matters/", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_sql_and_html_in_the_search_are_just_text(api_client, catalogue):
    for q in ["' OR 1=1 --", "<script>alert(1)</script>", "%", "_"]:
        response = api_client.get("/api/v1/matters/", {"q": q})
        assert response.status_code == 200
        assert response.json()["count"] == 0


def test_the_list_costs_the_same_queries_for_few_or_many_results(
    api_client, django_assert_num_queries
):
    for _ in range(2):
        VersionFactory()
    with django_assert_num_queries(2):  # count + page
        api_client.get("/api/v1/matters/")
    for _ in range(10):
        VersionFactory()
    with django_assert_num_queries(2):
        response = api_client.get("/api/v1/matters/")
    assert response.json()["count"] == 12


def test_the_detail_has_every_element_materials_fees_and_form(api_client, catalogue):
    version = catalogue["registration"]
    MaterialFactory(version=version, key="id_card", name="身份证", tolerable=True)
    FeeItemFactory(version=version, name="工本费", amount="10.00", waivable=True)
    FormFieldFactory(version=version, key="company_name", label="企业名称")

    response = api_client.get(f"/api/v1/matters/{version.implementation.code}/")

    body = response.json()
    assert response.status_code == 200
    assert (body["name"], body["statutory_limit_days"], body["promised_limit_days"]) == (
        "企业设立登记",
        20,
        5,
    )
    assert body["materials"][0]["key"] == "id_card"
    assert body["materials"][0]["tolerable"] is True
    assert body["fees"] == [
        {"name": "工本费", "amount": "10.00", "basis": "收费文件", "waivable": True,
         "waiver_basis": ""}
    ]  # fmt: skip
    assert body["form_fields"][0]["key"] == "company_name"
    assert body["version"] == 1


def test_a_draft_or_unknown_code_is_404(api_client, catalogue):
    draft_code = catalogue["draft"].implementation.code

    assert api_client.get(f"/api/v1/matters/{draft_code}/").status_code == 404
    assert api_client.get("/api/v1/matters/NOPE/").status_code == 404


def test_a_bundle_asks_each_shared_question_once(api_client, django_assert_max_num_queries):
    bundle = BundleFactory(code="kbqy", name="开办企业一件事")
    for name in ["企业设立登记", "公章刻制备案"]:
        version = VersionFactory(implementation__matter=MatterFactory(name=name))
        BundleItemFactory(bundle=bundle, implementation=version.implementation)
        FormFieldFactory(version=version, key="company_name", label="企业名称")
        FormFieldFactory(version=version, key=f"only_{version.pk}")
        MaterialFactory(version=version, key="id_card", name="身份证")
    BundleFactory(code="hidden", is_published=False)

    listing = api_client.get("/api/v1/bundles/").json()
    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/bundles/kbqy/")

    assert [b["code"] for b in listing["results"]] == ["kbqy"]
    body = response.json()
    keys = [f["key"] for f in body["form_fields"]]
    assert keys.count("company_name") == 1
    assert len(keys) == 3
    assert [m["key"] for m in body["materials"]] == ["id_card"]
    assert [m["name"] for m in body["members"]] == ["企业设立登记", "公章刻制备案"]
    assert api_client.get("/api/v1/bundles/hidden/").status_code == 404


def test_a_bundle_member_without_a_published_version_is_left_out(api_client):
    bundle = BundleFactory(code="csyjs")
    published = VersionFactory()
    BundleItemFactory(bundle=bundle, implementation=published.implementation)
    BundleItemFactory(bundle=bundle, implementation=ImplementationFactory(
        department=DepartmentFactory()
    ))  # fmt: skip

    body = api_client.get("/api/v1/bundles/csyjs/").json()

    assert [m["code"] for m in body["members"]] == [published.implementation.code]
