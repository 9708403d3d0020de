"""The catalogue in the admin site: only catalogue admins, drafts editable and published
versions frozen, actions through the services, and the Excel import / export pages."""

import io
from decimal import Decimal
from unittest.mock import ANY

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from identity.constants import Role
from identity.models import AuditEvent
from matters.calendar import year_is_known
from matters.constants import VersionStatus
from matters.models import FeeItem, Implementation, ImplementationVersion, Material, Matter
from matters.spreadsheet import SHEET_IMPLEMENTATIONS, catalogue_export
from portal.demo import CATALOGUE_ADMIN_PERMISSIONS, CATALOGUE_ADMINS_GROUP
from tests.factories.identity import DepartmentFactory, MembershipFactory, UserFactory
from tests.factories.matters import (
    FeeItemFactory,
    MaterialFactory,
    MatterFactory,
    VersionFactory,
)

pytestmark = pytest.mark.django_db

VERSIONS = "/admin/matters/implementationversion/"


@pytest.fixture
def catalogue_admin():
    """A staff member in the demo's catalogue administrators group (its real permissions)."""
    group = Group.objects.create(name=CATALOGUE_ADMINS_GROUP)
    for app_label, model, actions in CATALOGUE_ADMIN_PERMISSIONS:
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )
    user = MembershipFactory(role=Role.CATALOGUE_ADMIN, user__is_staff=True).user
    user.groups.add(group)
    return user


@pytest.fixture
def admin_client(client, catalogue_admin, english):
    client.force_login(catalogue_admin)
    return client


@pytest.fixture
def reviewer():
    """Other staff: allowed into the admin site, without catalogue permissions."""
    return MembershipFactory(role=Role.REVIEWER, user__is_staff=True).user


@pytest.fixture
def draft():
    published = VersionFactory()
    MaterialFactory(version=published, key="id_card")
    version = VersionFactory(
        implementation=published.implementation,
        number=2,
        status=VersionStatus.DRAFT,
        published_at=None,
    )
    MaterialFactory(version=version, key="id_card")
    return version


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _form_data(response) -> dict:
    """What the admin's change page would post back unchanged: the form and its inlines."""
    data = {}

    def put(form, name):
        field = form.fields[name]
        input_type = getattr(field.widget, "input_type", None)
        if field.disabled or input_type == "file":
            return
        value = form[name].value()
        if input_type == "checkbox":
            if value:
                data[form.add_prefix(name)] = "on"
        elif value is not None:
            data[form.add_prefix(name)] = value

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for inline_form in formset.forms:
            for name in inline_form.fields:
                put(inline_form, name)
    return data


def _elements(version: ImplementationVersion) -> tuple:
    version.refresh_from_db()
    return (
        version.status,
        version.name,
        version.promised_limit_days,
        list(version.materials.values_list("key", "name")),
    )


# --- who gets in -------------------------------------------------------------------------


def test_a_catalogue_admin_lists_versions_in_a_fixed_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    for _ in range(5):
        VersionFactory()

    with django_assert_max_num_queries(12):
        response = admin_client.get(VERSIONS)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 5


@pytest.mark.parametrize("q", ["企业设立", "qysl", "000102001000-4205"])
def test_versions_are_found_by_name_pinyin_initials_or_code(admin_client, q):
    wanted = VersionFactory(
        implementation__matter=MatterFactory(basic_code="000102001000", name="企业设立登记")
    )
    VersionFactory()

    response = admin_client.get(VERSIONS, {"q": q})

    assert list(response.context["cl"].result_list) == [wanted]


def test_matters_are_found_by_name_or_basic_code(admin_client):
    wanted = MatterFactory(basic_code="000102001000", name="企业设立登记")
    MatterFactory()

    by_name = admin_client.get("/admin/matters/matter/", {"q": "设立"})
    by_code = admin_client.get("/admin/matters/matter/", {"q": "000102001000"})

    assert list(by_name.context["cl"].result_list) == [wanted]
    assert list(by_code.context["cl"].result_list) == [wanted]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/matters/matter/",
        "/admin/matters/implementation/",
        "/admin/matters/theme/",
        "/admin/matters/bundle/",
        "/admin/matters/calendaroverride/",
        "/admin/matters/implementationversion/spreadsheet/",
        "/admin/matters/implementationversion/add/",
        "/admin/matters/matter/add/",
        "/admin/matters/bundle/add/",
        "/admin/matters/calendaroverride/add/",
    ],
)
def test_a_catalogue_admin_opens_every_catalogue_page(admin_client, url):
    VersionFactory()

    assert admin_client.get(url).status_code == 200


def test_the_matter_and_implementation_pages_show_the_implementations_and_version_history(
    admin_client, draft, django_assert_max_num_queries
):
    implementation = draft.implementation

    with django_assert_max_num_queries(17):
        matter_page = admin_client.get(f"/admin/matters/matter/{implementation.matter_id}/change/")
    with django_assert_max_num_queries(15):
        history_page = admin_client.get(
            f"/admin/matters/implementation/{implementation.pk}/change/"
        )

    assert implementation.code in matter_page.content.decode()
    history = history_page.context["inline_admin_formsets"][0].formset
    assert [(f.instance.number, f.instance.status) for f in history.forms] == [
        (2, VersionStatus.DRAFT),
        (1, VersionStatus.PUBLISHED),
    ]
    assert reverse("admin:matters_implementationversion_change", args=[draft.pk]) in (
        history_page.content.decode()
    )


def test_a_citizen_is_sent_to_sign_in_and_changes_nothing(client, draft):
    client.force_login(UserFactory())
    before = _elements(draft)

    listing = client.get(VERSIONS, follow=True)
    action = client.post(
        VERSIONS, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )

    assert listing.redirect_chain[-1][0] == f"/accounts/sign-in/?next={VERSIONS}"
    assert action.redirect_chain[-1][0] == f"/accounts/sign-in/?next={VERSIONS}"
    assert _elements(draft) == before


def test_other_staff_are_refused_the_catalogue_and_change_nothing(client, reviewer, draft):
    client.force_login(reviewer)
    before = _elements(draft)
    versions_before = ImplementationVersion.objects.count()

    listing = client.get(VERSIONS)
    change = client.post(f"{VERSIONS}{draft.pk}/change/", {"name": "改"})
    action = client.post(VERSIONS, {"action": "publish", "_selected_action": [draft.pk]})
    export = client.get(f"{VERSIONS}spreadsheet/export/")
    upload = client.post(
        f"{VERSIONS}spreadsheet/",
        {"file": SimpleUploadedFile("c.xlsx", catalogue_export(versions=[draft]))},
    )
    new_draft = client.post(f"{VERSIONS}{draft.implementation.versions.last().pk}/new-draft/")

    assert [r.status_code for r in (listing, change, action, export, upload, new_draft)] == [
        403
    ] * 6
    assert _elements(draft) == before
    assert ImplementationVersion.objects.count() == versions_before


# --- drafts and published versions -------------------------------------------------------


def test_a_draft_is_saved_through_the_service_with_its_materials(
    admin_client, catalogue_admin, draft
):
    url = f"{VERSIONS}{draft.pk}/change/"
    data = _form_data(admin_client.get(url))
    data["name"] = "新名称"
    data["materials-0-name"] = "居民身份证"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert _elements(draft) == (
        VersionStatus.DRAFT,
        "新名称",
        5,
        [("id_card", "居民身份证")],
    )
    assert draft.search_text.startswith("新名称 xmc ")
    assert list(
        AuditEvent.objects.filter(actor=catalogue_admin).values_list("action", "detail")
    ) == [
        ("matters.version_update", {"fields": ["name"]}),
        ("matters.version_update", {"rows": "material"}),
        # The admin's own log entry joins the chain too (identity.signals).
        ("admin.change", {"change": ANY, "log_entry": ANY}),
    ]


def test_a_draft_with_a_promised_limit_over_the_statutory_one_is_not_saved(admin_client, draft):
    url = f"{VERSIONS}{draft.pk}/change/"
    data = _form_data(admin_client.get(url))
    data["promised_limit_days"] = 30
    before = _elements(draft)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["promised_limit_days"] == [
        "The promised time limit cannot be longer than the statutory one."
    ]
    assert _elements(draft) == before


def test_a_material_key_twice_in_a_draft_is_refused(admin_client, draft):
    url = f"{VERSIONS}{draft.pk}/change/"
    data = _form_data(admin_client.get(url))
    data |= {
        "materials-TOTAL_FORMS": 2,
        "materials-1-key": "id_card",
        "materials-1-name": "身份证复印件",
        "materials-1-requirement": "required",
        "materials-1-source": "upload",
        "materials-1-original_count": 0,
        "materials-1-copy_count": 1,
        "materials-1-order": 0,
    }
    before = _elements(draft)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Please correct the duplicate data for key."
    ]
    assert _elements(draft) == before


def test_a_published_version_cannot_be_changed_in_the_admin(admin_client, draft):
    published = draft.implementation.versions.get(status=VersionStatus.PUBLISHED)
    url = f"{VERSIONS}{published.pk}/change/"
    page = admin_client.get(url)
    data = _form_data(page) | {"name": "改过的名字", "promised_limit_days": 1}
    before = _elements(published)
    catalogue_events = AuditEvent.objects.filter(action__startswith="matters.")

    response = admin_client.post(url, data)

    assert page.context["has_change_permission"] is False
    assert page.context["inline_admin_formsets"][0].has_add_permission is False
    assert response.status_code == 403
    assert _elements(published) == before
    assert not catalogue_events.exists()


def test_the_publish_action_retires_the_version_published_before(
    admin_client, catalogue_admin, draft
):
    previous = draft.implementation.versions.get(status=VersionStatus.PUBLISHED)

    response = admin_client.post(
        VERSIONS, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )

    draft.refresh_from_db()
    previous.refresh_from_db()
    assert (draft.status, previous.status) == (VersionStatus.PUBLISHED, VersionStatus.RETIRED)
    assert previous.retired_at == draft.published_at
    assert _messages(response) == ["1 version published."]
    assert AuditEvent.objects.filter(actor=catalogue_admin).get().detail == {
        "number": 2,
        "retired": [1],
    }


def test_publishing_a_published_version_reports_the_error_and_changes_nothing(admin_client, draft):
    published = draft.implementation.versions.get(status=VersionStatus.PUBLISHED)
    before = (_elements(published), _elements(draft))

    response = admin_client.post(
        VERSIONS, {"action": "publish", "_selected_action": [published.pk]}, follow=True
    )

    assert response.status_code == 200
    assert _messages(response) == [f"{published}: Only a draft version can be published."]
    assert (_elements(published), _elements(draft)) == before


def test_the_retire_action_withdraws_a_published_version(admin_client):
    version = VersionFactory()

    admin_client.post(VERSIONS, {"action": "retire", "_selected_action": [version.pk]})

    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED


def test_the_new_draft_action_copies_the_version_and_opens_the_draft(admin_client):
    version = VersionFactory()
    MaterialFactory(version=version, key="id_card")

    response = admin_client.post(
        VERSIONS, {"action": "make_draft", "_selected_action": [version.pk]}
    )

    draft = version.implementation.versions.get(status=VersionStatus.DRAFT)
    assert response["Location"] == f"{VERSIONS}{draft.pk}/change/"
    assert (draft.number, list(draft.materials.values_list("key", flat=True))) == (2, ["id_card"])


def test_the_new_draft_button_of_a_published_version_makes_one_draft(admin_client):
    version = VersionFactory()

    first = admin_client.post(f"{VERSIONS}{version.pk}/new-draft/")
    second = admin_client.post(f"{VERSIONS}{version.pk}/new-draft/")

    draft = version.implementation.versions.get(status=VersionStatus.DRAFT)
    assert first["Location"] == second["Location"] == f"{VERSIONS}{draft.pk}/change/"
    assert version.implementation.versions.count() == 2


def test_a_new_implementation_is_added_with_its_first_draft(admin_client, catalogue_admin):
    matter = MatterFactory()
    department = DepartmentFactory(sector=matter.sector)
    page = admin_client.get(f"{VERSIONS}add/")
    data = _form_data(page) | {
        "matter": matter.pk,
        "region": department.region_id,
        "department": department.pk,
        "suffix": "1-00",
        "name": "新办",
        "legal_basis": "法",
        "conditions": "条件",
        "handling_kind": "promised",
        "statutory_limit_days": 10,
        "promised_limit_days": 2,
        "visits_required": 0,
        "online_depth": 4,
        "window_category": "livelihood",
        "cross_region_scope": "local",
        "contact_phone": "0717-1",
        "complaint_phone": "12345",
        "hall_address": "中心",
        "hall_hours": "工作日",
        "fees-TOTAL_FORMS": 1,
        "fees-0-name": "工本费",
        "fees-0-amount": "8.00",
        "fees-0-basis": "文件",
    }

    response = admin_client.post(f"{VERSIONS}add/", data)

    version = ImplementationVersion.objects.get(implementation__matter=matter)
    assert response.status_code == 302
    assert (version.number, version.status, version.created_by) == (
        1,
        VersionStatus.DRAFT,
        catalogue_admin,
    )
    assert version.implementation.code == Implementation.build_code(
        basic_code=matter.basic_code,
        region_code=department.region.code,
        credit_code=department.credit_code,
        suffix="1-00",
    )
    assert list(version.fees.values_list("name", "amount")) == [("工本费", Decimal("8.00"))]


def test_an_implementation_that_exists_already_is_not_added_twice(admin_client):
    existing = VersionFactory()
    implementation = existing.implementation
    page = admin_client.get(f"{VERSIONS}add/")
    data = _form_data(page) | {
        "matter": implementation.matter_id,
        "region": implementation.region_id,
        "department": implementation.department_id,
        "suffix": "1-00",
        "name": "重复",
        "legal_basis": "法",
        "conditions": "条件",
        "handling_kind": "promised",
        "statutory_limit_days": 10,
        "promised_limit_days": 2,
        "visits_required": 0,
        "online_depth": 4,
        "window_category": "livelihood",
        "contact_phone": "0717-1",
        "hall_address": "中心",
        "hall_hours": "工作日",
    }

    response = admin_client.post(f"{VERSIONS}add/", data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"This implementation exists already ({implementation.code}). To change it, create a "
        "new draft version of its published version."
    ]
    assert ImplementationVersion.objects.count() == 1


# --- the workbook ------------------------------------------------------------------------


def test_the_export_downloads_the_published_catalogue(admin_client):
    version = VersionFactory()
    VersionFactory(status=VersionStatus.DRAFT, published_at=None)

    response = admin_client.get(f"{VERSIONS}spreadsheet/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="catalogue-{timezone.localdate():%Y%m%d}.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook[SHEET_IMPLEMENTATIONS].iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [version.implementation.code]


def test_importing_the_exported_workbook_in_the_admin_changes_nothing(admin_client):
    version = VersionFactory()
    MaterialFactory(version=version)
    FeeItemFactory(version=version)
    exported = admin_client.get(f"{VERSIONS}spreadsheet/export/").content
    before = (ImplementationVersion.objects.count(), AuditEvent.objects.count())

    response = admin_client.post(
        f"{VERSIONS}spreadsheet/", {"file": SimpleUploadedFile("catalogue.xlsx", exported)}
    )

    assert response.status_code == 200
    assert response.context["report"].unchanged == [version.implementation.code]
    assert (ImplementationVersion.objects.count(), AuditEvent.objects.count()) == before


def test_an_import_with_a_bad_row_lists_it_and_writes_nothing(admin_client):
    version = VersionFactory()
    workbook = openpyxl.load_workbook(io.BytesIO(catalogue_export(versions=[version])))
    workbook[SHEET_IMPLEMENTATIONS]["P2"] = 99  # promised > statutory
    workbook[SHEET_IMPLEMENTATIONS]["J2"] = "新名称"
    upload = io.BytesIO()
    workbook.save(upload)
    before = (
        ImplementationVersion.objects.count(),
        Material.objects.count(),
        FeeItem.objects.count(),
        Matter.objects.count(),
        AuditEvent.objects.count(),
    )

    response = admin_client.post(
        f"{VERSIONS}spreadsheet/",
        {"file": SimpleUploadedFile("c.xlsx", upload.getvalue()), "publish": "on"},
    )

    assert response.status_code == 200
    errors = response.context["rejected"].row_errors
    assert [(e.sheet, e.row, e.cell, e.column, e.message) for e in errors] == [
        (
            "实施清单",
            2,
            "P2",
            "promised time limit (working days)",
            "The promised time limit cannot be longer than the statutory one.",
        )
    ]
    page = response.content.decode()
    assert "The file has 1 error; nothing was imported." in page
    assert "The promised time limit cannot be longer than the statutory one." in page
    assert before == (
        ImplementationVersion.objects.count(),
        Material.objects.count(),
        FeeItem.objects.count(),
        Matter.objects.count(),
        AuditEvent.objects.count(),
    )


def test_an_import_in_the_admin_can_publish_at_once(admin_client):
    version = VersionFactory()
    workbook = openpyxl.load_workbook(io.BytesIO(catalogue_export(versions=[version])))
    workbook[SHEET_IMPLEMENTATIONS]["J2"] = "新名称"
    upload = io.BytesIO()
    workbook.save(upload)

    response = admin_client.post(
        f"{VERSIONS}spreadsheet/",
        {"file": SimpleUploadedFile("c.xlsx", upload.getvalue()), "publish": "on"},
    )

    assert response.context["report"].published == [version.implementation.code]
    assert list(
        version.implementation.versions.order_by("number").values_list("status", "name")
    ) == [(VersionStatus.RETIRED, version.name), (VersionStatus.PUBLISHED, "新名称")]


def test_a_file_that_is_not_a_workbook_gets_a_clear_error_in_the_admin(admin_client):
    before = (ImplementationVersion.objects.count(), AuditEvent.objects.count())

    response = admin_client.post(
        f"{VERSIONS}spreadsheet/",
        {"file": SimpleUploadedFile("catalogue.csv", b"code,name\n1,2\n", "text/csv")},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "This file could not be read as an Excel workbook (.xlsx). Save it from your "
            "spreadsheet program as an Excel workbook and upload it again."
        ]
    }
    assert (ImplementationVersion.objects.count(), AuditEvent.objects.count()) == before


# --- the calendar ------------------------------------------------------------------------


def test_the_calendar_list_warns_about_the_years_the_bundled_calendar_does_not_know(
    admin_client,
):
    this_year = timezone.localdate().year
    unknown = [year for year in (this_year, this_year + 1) if not year_is_known(year)]

    response = admin_client.get("/admin/matters/calendaroverride/")

    assert _messages(response) == [
        f"The bundled holiday calendar does not cover {year} yet. Enter that year's public "
        "holidays and make-up working days here (days entered so far: 0); until then only "
        "weekends count as days off."
        for year in unknown
    ]
