"""The public catalogue pages: home, search, service guides (page and PDF) and bundles,
open to everyone without signing in."""

import re
import zlib

import pytest
from django.utils import timezone

from identity.constants import RegionLevel
from matters import pdf, selectors
from matters.constants import Audience, HandlingKind, MaterialRequirement, OnlineDepth
from matters.constants import VersionStatus as Status
from matters.models import ImplementationVersion
from tests.factories.identity import DepartmentFactory, RegionFactory
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FeeItemFactory,
    FormFieldFactory,
    ImplementationFactory,
    MaterialFactory,
    MatterFactory,
    ThemeFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = "/services/search/"


def _guide_url(version: ImplementationVersion) -> str:
    return f"/services/{version.implementation.code}/"


def _found(response) -> list[str]:
    return [version.name for version in response.context["page_obj"]]


def _published(name: str, **fields) -> ImplementationVersion:
    return VersionFactory(implementation__matter__name=name, **fields)


def _pdf_objects(content: bytes) -> bytes:
    """The PDF with its compressed streams (object streams among them) inflated."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


def _pdf_font_names(content: bytes) -> set[str]:
    """The base font names of a PDF, also those inside compressed object streams."""
    names = re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", _pdf_objects(content))
    # A subset font is named ABCDEF+Family: keep the family.
    return {name.split(b"+")[-1].decode() for name in names}


# --- Anonymous access -------------------------------------------------------------------------


def test_every_catalogue_page_is_open_without_signing_in(client):
    version = _published("企业设立登记")
    bundle = BundleFactory(code="open-a-company")
    BundleItemFactory(bundle=bundle, implementation=version.implementation)

    statuses = {
        url: client.get(url).status_code
        for url in [
            "/services/",
            SEARCH,
            _guide_url(version),
            f"{_guide_url(version)}guide.pdf",
            "/services/bundles/",
            "/services/bundles/open-a-company/",
        ]
    }

    assert set(statuses.values()) == {200}


def test_everyone_finds_the_services_second_in_the_navigation(client):
    response = client.get("/")

    assert [item.url for item in response.context["ui"]["nav"]][:2] == ["/", "/services/"]


def test_the_home_page_search_box_submits_to_the_catalogue_search(client):
    html = client.get("/").content.decode()

    assert '<form class="search-form" action="/services/search/" method="get"' in html
    assert 'name="q"' in html


# --- Catalogue home ---------------------------------------------------------------------------


def test_the_catalogue_home_lists_themes_events_departments_and_regions(english, client):
    ThemeFactory(code="birth", name="生育收养", audience=Audience.PERSON)
    ThemeFactory(code="founding", name="设立变更", audience=Audience.LEGAL_PERSON)
    BundleFactory(code="birth-event", name="出生一件事", audience=Audience.PERSON)
    BundleFactory(code="hidden-event", name="未发布一件事", is_published=False)
    district = RegionFactory(code="420502000000", name="西陵区", level=RegionLevel.COUNTY)
    department = DepartmentFactory(name="宜昌市市场监督管理局")
    for name in ("企业设立登记", "企业变更登记"):
        _published(name, implementation__department=department)
    _published("个体户登记", implementation__region=district)
    _published("草稿事项", status=Status.DRAFT, published_at=None)

    response = client.get("/services/")

    html = response.content.decode()
    assert [s["id"] for s in response.context["sections"]] == ["person", "legal-person"]
    assert [t.name for t in response.context["sections"][0]["themes"]] == ["生育收养"]
    assert [t.name for t in response.context["sections"][1]["themes"]] == ["设立变更"]
    assert [b.name for b in response.context["sections"][0]["bundles"]] == ["出生一件事"]
    assert '<a href="/services/search/?theme=birth">生育收养</a>' in html
    assert '<a href="/services/bundles/birth-event/">出生一件事</a>' in html
    assert "未发布一件事" not in html
    departments = {d.name: d.published_count for d in response.context["departments"]}
    assert departments["宜昌市市场监督管理局"] == 2
    assert f"/services/search/?department={department.credit_code}" in html
    assert {r.name: r.published_count for r in response.context["regions"]} == {
        "宜昌市": 2,
        "西陵区": 1,
    }
    assert '<a href="/services/search/?region=420502000000">西陵区</a>' in html
    assert "2 services" in html


def test_the_catalogue_home_runs_the_same_queries_however_many_departments_publish(
    client, django_assert_num_queries
):
    for number in range(12):
        _published(f"批量事项{number:02d}")

    # themes, bundles, departments with counts, regions with counts.
    with django_assert_num_queries(4):
        response = client.get("/services/")

    assert len(response.context["departments"]) == 12


# --- Search -----------------------------------------------------------------------------------


def test_search_finds_a_service_by_chinese_keyword(client):
    _published("企业设立登记")
    _published("食品经营许可")

    response = client.get(SEARCH, {"q": "设立"})

    assert response.status_code == 200
    assert _found(response) == ["企业设立登记"]


def test_search_finds_a_service_by_its_pinyin_initials(client):
    _published("企业设立登记")
    _published("食品经营许可")

    response = client.get(SEARCH, {"q": "qysldj"})

    assert _found(response) == ["企业设立登记"]


def test_search_filters_by_department(client):
    department = DepartmentFactory(name="宜昌市市场监督管理局")
    _published("企业设立登记", implementation__department=department)
    _published("食品经营许可")

    response = client.get(SEARCH, {"department": department.credit_code})

    assert _found(response) == ["企业设立登记"]
    assert response.context["form"].cleaned_data["department"] == department.credit_code


def test_search_filters_by_region(client):
    district = RegionFactory(code="420502000000", name="西陵区", level=RegionLevel.COUNTY)
    _published("个体户登记", implementation__region=district)
    _published("企业设立登记")

    response = client.get(SEARCH, {"region": "420502000000"})

    assert _found(response) == ["个体户登记"]


def test_search_filters_by_online_depth(client):
    _published("企业设立登记", online_depth=OnlineDepth.FULLY_ONLINE)
    _published("食品经营许可", online_depth=OnlineDepth.PRE_CHECK, visits_required=1)

    response = client.get(SEARCH, {"online_depth": "3"})

    assert _found(response) == ["食品经营许可"]


def test_search_filters_by_at_most_one_visit(client):
    _published("企业设立登记", online_depth=OnlineDepth.PRE_CHECK, visits_required=1)
    _published("建筑工程施工许可", online_depth=OnlineDepth.INFORMATION, visits_required=2)

    response = client.get(SEARCH, {"one_visit": "1"})

    assert _found(response) == ["企业设立登记"]


def test_search_filters_by_handling_kind(client):
    _published("企业设立登记")
    _published("个体户登记", handling_kind=HandlingKind.IMMEDIATE, promised_limit_days=0)

    response = client.get(SEARCH, {"handling_kind": "immediate"})

    assert _found(response) == ["个体户登记"]


def test_search_filters_by_theme_and_audience(client):
    theme = ThemeFactory(code="birth", name="生育收养")
    matter = MatterFactory(name="出生医学证明", audience=Audience.PERSON)
    matter.themes.add(theme)
    VersionFactory(implementation__matter=matter)
    _published("企业设立登记", implementation__matter__audience=Audience.LEGAL_PERSON)

    by_theme = client.get(SEARCH, {"theme": "birth"})
    by_audience = client.get(SEARCH, {"audience": "legal_person"})

    assert _found(by_theme) == ["出生医学证明"]
    assert _found(by_audience) == ["企业设立登记"]


def test_a_result_shows_department_handling_limit_depth_and_the_one_visit_badge(english, client):
    version = _published(
        "企业设立登记",
        implementation__department__name="宜昌市市场监督管理局",
        online_depth=OnlineDepth.PRE_CHECK,
        visits_required=1,
        promised_limit_days=3,
    )

    html = client.get(SEARCH, {"q": "企业设立登记"}).content.decode()

    assert f'<a href="{_guide_url(version)}">企业设立登记</a>' in html
    assert "宜昌市市场监督管理局" in html
    assert "Promised (decided within the promised time)" in html
    assert "3 working days" in html
    assert "Level III: online application with pre-check" in html
    assert '<span class="badge success">At most one visit</span>' in html
    assert "1 service found" in html


def test_a_service_needing_two_visits_has_no_one_visit_badge(english, client):
    _published("建筑工程施工许可", online_depth=OnlineDepth.INFORMATION, visits_required=2)

    html = client.get(SEARCH).content.decode()

    assert "At most one visit</span>" not in html


def test_drafts_and_retired_versions_never_appear_and_their_guides_are_not_found(client):
    draft = _published("草稿事项", status=Status.DRAFT, published_at=None)
    retired = _published("已废止事项", status=Status.RETIRED, retired_at=timezone.now())
    current = VersionFactory(implementation=retired.implementation, number=2, name="已废止事项新版")

    response = client.get(SEARCH, {"q": "事项"})

    assert _found(response) == ["已废止事项新版"]
    assert client.get(_guide_url(draft)).status_code == 404
    assert client.get(f"{_guide_url(draft)}guide.pdf").status_code == 404
    current.status = Status.RETIRED
    current.save(update_fields=["status"])
    assert client.get(_guide_url(current)).status_code == 404
    assert _found(client.get(SEARCH, {"q": "事项"})) == []


def test_an_empty_result_says_so_and_offers_all_services(english, client):
    _published("企业设立登记")

    response = client.get(SEARCH, {"q": "不存在的事项"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "No published service matches your search." in html
    assert '<a class="button primary" href="/services/search/">Show all services</a>' in html


def test_results_are_paginated_twenty_to_a_page(client):
    for number in range(25):
        _published(f"批量事项{number:02d}")

    first = client.get(SEARCH, {"q": "批量"})
    second = client.get(SEARCH, {"q": "批量", "page": "2"})

    assert len(_found(first)) == 20
    assert _found(second) == [f"批量事项{number:02d}" for number in range(20, 25)]
    assert '<a href="?q=%E6%89%B9%E9%87%8F&amp;page=2" rel="next">' in first.content.decode()


@pytest.mark.parametrize("count", [3, 25])
def test_the_search_page_runs_the_same_queries_whatever_the_number_of_results(
    client, django_assert_num_queries, count
):
    for number in range(count):
        _published(f"批量事项{number:02d}")

    # themes, departments and regions for the filters; then count and page of the results.
    with django_assert_num_queries(5):
        response = client.get(SEARCH, {"q": "批量"})

    assert response.context["page_obj"].paginator.count == count


# --- Bad input --------------------------------------------------------------------------------


def test_a_search_of_ten_thousand_characters_is_refused_on_its_field(english, client):
    _published("企业设立登记")
    before = ImplementationVersion.objects.count()

    response = client.get(SEARCH, {"q": "企" * 10_000})

    assert response.status_code == 400
    assert response.context["form"].errors == {"q": ["Please search with at most 100 characters."]}
    assert response.context["page_obj"] is None
    assert "Please correct the problems below." in response.content.decode()
    assert ImplementationVersion.objects.count() == before


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "' OR 1=1 --"])
def test_html_and_sql_in_the_search_find_nothing_and_are_shown_escaped(client, q):
    _published("企业设立登记")
    before = ImplementationVersion.objects.count()

    response = client.get(SEARCH, {"q": q})

    html = response.content.decode()
    assert response.status_code == 200
    assert _found(response) == []
    assert "<script>alert(1)</script>" not in html
    assert ImplementationVersion.objects.count() == before


def test_the_search_words_are_kept_in_the_box_escaped(client):
    html = client.get(SEARCH, {"q": "<script>alert(1)</script>"}).content.decode()

    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [("online_depth", "abc"), ("handling_kind", "DROP TABLE"), ("department", "nobody")],
)
def test_a_filter_value_that_is_not_offered_is_an_error_on_its_field(english, client, field, value):
    _published("企业设立登记")

    response = client.get(SEARCH, {field: value})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert response.context["page_obj"] is None


def test_a_null_character_in_the_search_is_refused_on_its_field(english, client):
    response = client.get(SEARCH, {"q": "企业\x00设立"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"q": ["Null characters are not allowed."]}


def test_the_search_only_answers_reading_requests(client):
    assert client.post(SEARCH, {"q": "设立"}).status_code == 405


def test_a_page_number_out_of_range_shows_the_last_page(client):
    _published("企业设立登记")

    response = client.get(SEARCH, {"page": "999"})

    assert response.status_code == 200
    assert _found(response) == ["企业设立登记"]


# --- Service guide ----------------------------------------------------------------------------


@pytest.fixture
def guide_version():
    version = _published(
        "企业设立登记",
        implementation__department__name="宜昌市市场监督管理局",
        legal_basis="《中华人民共和国市场主体登记管理条例》第三条",
        conditions="申请人具有完全民事行为能力。",
        process="网上申请、审核、发照。",
        statutory_limit_days=15,
        promised_limit_days=3,
        online_depth=OnlineDepth.PRE_CHECK,
        visits_required=1,
        supports_appointment=True,
        delivery_post=True,
        notification_commitment=True,
        result_name="营业执照",
        hall_address="宜昌市沿江大道52号",
        hall_hours="工作日 9:00-17:00",
        contact_phone="0717-6251234",
        number=2,
        change_note="压缩承诺时限",
    )
    VersionFactory(
        implementation=version.implementation,
        number=1,
        status=Status.RETIRED,
        retired_at=timezone.now(),
        change_note="首次发布",
    )
    VersionFactory(
        implementation=version.implementation,
        number=3,
        status=Status.DRAFT,
        published_at=None,
        change_note="尚未发布的修改",
    )
    MaterialFactory(version=version, key="id_card", name="法定代表人身份证", copy_count=1)
    MaterialFactory(
        version=version,
        key="lease",
        name="住所使用证明",
        requirement=MaterialRequirement.CONDITIONAL,
        condition_note="租赁场地时提供",
        tolerable=True,
    )
    FeeItemFactory(version=version, name="工本费", amount="10.00", basis="收费文件")
    FormFieldFactory(version=version, key="company_name", label="企业名称")
    return version


def test_the_guide_shows_every_element_of_the_published_version(english, client, guide_version):
    response = client.get(_guide_url(guide_version))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="guide-title">企业设立登记</h1>' in html
    assert "宜昌市市场监督管理局" in html
    assert guide_version.implementation.code in html
    assert "《中华人民共和国市场主体登记管理条例》第三条" in html
    assert "申请人具有完全民事行为能力。" in html
    assert "网上申请、审核、发照。" in html
    assert "<dt>Statutory time limit</dt><dd>15 working days" in html
    assert "<dt>Promised time limit</dt><dd>3 working days" in html
    assert "At most 1 visit" in html
    assert "Level III: online application with pre-check" in html
    assert "You can book an appointment." in html
    assert "<li>Sent by post</li>" in html
    assert "Allowed: you may sign a written commitment" in html
    assert "营业执照" in html
    assert "宜昌市沿江大道52号" in html
    assert "工作日 9:00-17:00" in html
    assert "0717-6251234" in html
    assert "Version 2, published on" in html


def test_the_guide_lists_materials_fees_and_form_fields(english, client, guide_version):
    html = client.get(_guide_url(guide_version)).content.decode()

    assert "法定代表人身份证" in html
    assert "Required in some cases: 租赁场地时提供" in html
    assert '住所使用证明 <span class="badge warning">May be supplied later</span>' in html
    assert '<td class="num">10.00</td>' in html
    assert "Free of charge." not in html
    assert "企业名称 (Text, required)" in html


def test_the_version_history_shows_published_and_retired_versions_but_no_draft(
    client, guide_version
):
    response = client.get(_guide_url(guide_version))

    html = response.content.decode()
    assert [(v.number, v.status) for v in response.context["history"]] == [
        (2, Status.PUBLISHED),
        (1, Status.RETIRED),
    ]
    assert "压缩承诺时限" in html
    assert "首次发布" in html
    assert "尚未发布的修改" not in html


def test_a_service_without_fees_is_free_of_charge(english, client):
    version = _published("企业设立登记")

    html = client.get(_guide_url(version)).content.decode()

    assert "<p>Free of charge.</p>" in html


def test_the_guide_prints_on_a4_and_links_its_pdf(client):
    version = _published("企业设立登记")

    html = client.get(_guide_url(version)).content.decode()

    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    assert f'href="{_guide_url(version)}guide.pdf"' in html
    assert "window.print" not in html


def test_the_guide_page_runs_the_same_queries_whatever_the_number_of_materials(
    client, django_assert_num_queries
):
    small = _published("企业设立登记")
    large = _published("食品经营许可")
    MaterialFactory(version=small)
    MaterialFactory.create_batch(6, version=large)
    FeeItemFactory.create_batch(3, version=large)
    FormFieldFactory.create_batch(4, version=large)

    # version, materials, fees, form fields, themes; then the history.
    with django_assert_num_queries(6):
        client.get(_guide_url(small))
    with django_assert_num_queries(6):
        client.get(_guide_url(large))


def test_an_unknown_code_is_not_found(client):
    assert client.get("/services/000000000000-420500000000-000-X-1-00/").status_code == 404
    assert client.get("/services/no-such-service/guide.pdf").status_code == 404


# --- PDF --------------------------------------------------------------------------------------


def test_the_guide_pdf_is_an_a4_pdf_in_chinese_fonts(client, guide_version):
    response = client.get(f"{_guide_url(guide_version)}guide.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # A4 is 210 × 297 mm: 595.28 × 841.89 points, on every page.
    assert set(re.findall(rb"/MediaBox \[[^\]]*\]", _pdf_objects(response.content))) == {
        b"/MediaBox [0 0 595.275591 841.889764]"
    }
    # Text in Noto Sans CJK SC, headings in Noto Serif CJK SC, and no other font at all.
    families = {name.removesuffix("-Bold") for name in _pdf_font_names(response.content)}
    assert families == {"Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC"}


def test_the_guide_pdf_has_an_ascii_and_a_chinese_file_name(client, guide_version):
    response = client.get(f"{_guide_url(guide_version)}guide.pdf")

    code = guide_version.implementation.code
    assert response["Content-Disposition"] == (
        f'inline; filename="guide-{code}.pdf"; '
        "filename*=UTF-8''%E4%BC%81%E4%B8%9A%E8%AE%BE%E7%AB%8B%E7%99%BB%E8%AE%B0.pdf"
    )


def test_the_pdf_is_made_from_the_guide_without_navigation(guide_version):
    version = selectors.published_version(guide_version.implementation.code)
    history = [guide_version]

    html = pdf.guide_html(version=version, history=history)

    assert '<h1 id="guide-title">企业设立登记</h1>' in html
    assert "法定代表人身份证" in html
    assert '<link rel="stylesheet" href="css/print.css">' in html
    assert "primary-nav" not in html
    assert "<form" not in html


def test_the_pdf_of_a_published_version_is_kept_and_reused(client, guide_version, monkeypatch):
    url = f"{_guide_url(guide_version)}guide.pdf"
    first = client.get(url).content
    monkeypatch.setattr(pdf, "guide_pdf", lambda **kwargs: pytest.fail("rendered twice"))

    assert client.get(url).content == first


# --- Bundles ----------------------------------------------------------------------------------


@pytest.fixture
def founding_bundle():
    bundle = BundleFactory(
        code="open-a-company", name="开办企业", description="一次申请,同步办理。"
    )
    registration = _published(
        "企业设立登记", implementation__department__name="宜昌市市场监督管理局"
    )
    seal = _published("公章刻制备案", implementation__department__name="宜昌市公安局")
    for version in (registration, seal):
        FormFieldFactory(version=version, key="company_name", label="企业名称")
        MaterialFactory(version=version, key="id_card", name="法定代表人身份证")
    FormFieldFactory(version=seal, key="seal_count", label="印章数量")
    BundleItemFactory(bundle=bundle, implementation=registration.implementation, order=1)
    BundleItemFactory(bundle=bundle, implementation=seal.implementation, order=2)
    unpublished = ImplementationFactory(matter__name="税务登记")
    VersionFactory(implementation=unpublished, status=Status.DRAFT, published_at=None)
    BundleItemFactory(bundle=bundle, implementation=unpublished, order=3)
    return bundle


def test_the_bundle_page_asks_a_shared_field_and_material_once(english, client, founding_bundle):
    response = client.get("/services/bundles/open-a-company/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [f.key for f in response.context["merged"].fields] == ["company_name", "seal_count"]
    assert [m.key for m in response.context["merged"].materials] == ["id_card"]
    assert html.count("企业名称 (Text, required)") == 1
    assert html.count("法定代表人身份证") == 1
    assert "In parallel: the departments handle their services at the same time." in html
    assert "一次申请,同步办理。" in html


def test_the_bundle_page_links_its_services_to_their_guides(english, client, founding_bundle):
    response = client.get("/services/bundles/open-a-company/")

    html = response.content.decode()
    members = response.context["members"]
    assert [m["version"].name if m["version"] else None for m in members] == [
        "企业设立登记",
        "公章刻制备案",
        None,
    ]
    assert f'<a href="/services/{members[0]["implementation"].code}/">企业设立登记</a>' in html
    assert "宜昌市公安局" in html
    assert '税务登记 <span class="badge muted">Not available at the moment</span>' in html


def test_the_bundle_page_runs_the_same_queries_however_many_services_it_groups(
    client, django_assert_num_queries, founding_bundle
):
    for number in range(5):
        BundleItemFactory(
            bundle=founding_bundle,
            implementation=_published(f"批量事项{number}").implementation,
            order=10 + number,
        )

    # bundle, items with their departments and matters, published versions, fields, materials.
    with django_assert_num_queries(5):
        response = client.get("/services/bundles/open-a-company/")

    assert len(response.context["members"]) == 8


def test_the_bundle_list_shows_published_bundles_only(client, founding_bundle):
    BundleFactory(code="hidden", name="未发布一件事", is_published=False)

    response = client.get("/services/bundles/")

    assert [bundle.name for bundle in response.context["page_obj"]] == ["开办企业"]
    assert client.get("/services/bundles/hidden/").status_code == 404
