"""The catalogue in the admin site, for catalogue admins (the model permissions of their group).

Published and retired versions are read-only: a catalogue admin changes an implementation by
creating a new draft version, editing it and publishing it, which retires the version before.
Every write of a version goes through matters.services; their errors become messages.
"""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import add_service_errors
from identity.services import audit_record
from matters import selectors, services
from matters.admin_forms import (
    IMPLEMENTATION_PARTS,
    VERSION_ELEMENTS,
    CatalogueImportForm,
    VersionCreateForm,
)
from matters.calendar import year_is_known
from matters.constants import VersionStatus
from matters.errors import VersionNotEditable
from matters.models import (
    Bundle,
    BundleItem,
    CalendarOverride,
    FeeItem,
    FormField,
    Implementation,
    ImplementationVersion,
    Material,
    Matter,
    Theme,
)
from matters.spreadsheet import (
    CONTENT_TYPE,
    ImportRejected,
    catalogue_export,
    catalogue_import,
)

# What importing a workbook may do: create matters, implementations and versions, and set
# the materials and fees of drafts.
IMPORT_PERMISSIONS = [
    "matters.add_matter",
    "matters.add_implementation",
    "matters.add_implementationversion",
    "matters.change_implementationversion",
    "matters.add_material",
    "matters.change_material",
    "matters.delete_material",
    "matters.add_feeitem",
    "matters.change_feeitem",
    "matters.delete_feeitem",
]


def _is_draft(version: ImplementationVersion | None) -> bool:
    return version is None or version.status == VersionStatus.DRAFT


# --- themes and matters ------------------------------------------------------------------


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "audience", "order"]
    list_filter = ["audience"]
    search_fields = ["name", "code"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ImplementationInline(ReadOnlyInline):
    model = Implementation
    fields = ["code", "region", "department", "suffix"]
    readonly_fields = fields
    verbose_name_plural = _("implementations in the regions")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Implementation]:
        return super().get_queryset(request).select_related("region", "department")


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["basic_code", "name", "matter_type", "sector", "audience"]
    list_filter = ["matter_type", "sector", "audience"]
    search_fields = ["name", "=basic_code"]
    filter_horizontal = ["themes"]
    inlines = [ImplementationInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Matter | None = None) -> list[str]:
        if obj is None:
            return []
        # Implementation codes are made from the basic code, and their departments belong to
        # the matter's sector: neither changes once the matter is implemented.
        if obj.implementations.exists():
            return ["basic_code", "sector"]
        return ["basic_code"]


# --- implementations and versions --------------------------------------------------------


class VersionHistoryInline(ReadOnlyInline):
    model = ImplementationVersion
    fields = ["number", "status", "name", "published_at", "retired_at", "created_by"]
    readonly_fields = fields
    ordering = ["-number"]
    verbose_name_plural = _("version history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ImplementationVersion]:
        return super().get_queryset(request).select_related("created_by")


@admin.register(Implementation)
class ImplementationAdmin(admin.ModelAdmin):
    """Read-only: an implementation starts with its first version (add a version, or import a
    workbook) and changes by new versions."""

    list_display = ["code", "matter", "region", "department"]
    list_select_related = ["matter", "region", "department"]
    list_filter = ["region", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "matter__name"]
    fields = ["code", "matter", "region", "department", "suffix"]
    readonly_fields = fields
    inlines = [VersionHistoryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DraftFormSet(BaseInlineFormSet):
    """Rows of a version are written only while it is a draft, checked under lock at saving
    time: a version published since the page was opened is left alone."""

    def save(self, commit: bool = True) -> list:
        if self.instance.pk is not None:
            status = (
                ImplementationVersion.objects.select_for_update()
                .values_list("status", flat=True)
                .get(pk=self.instance.pk)
            )
            if status != VersionStatus.DRAFT:
                raise VersionNotEditable()
        return super().save(commit=commit)


class DraftOnlyInline:
    """Editable while the version is a draft; read-only once it is published or retired."""

    extra = 0
    formset = DraftFormSet

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)


class MaterialInline(DraftOnlyInline, admin.StackedInline):
    model = Material
    fields = [
        ("key", "name", "order"),
        ("requirement", "condition_note"),
        ("original_count", "copy_count", "tolerable"),
        ("source", "certificate_type", "shared_resource"),
        "notes",
        ("blank_form", "sample"),
    ]


class FeeItemInline(DraftOnlyInline, admin.TabularInline):
    model = FeeItem
    fields = ["name", "amount", "basis", "waivable", "waiver_basis"]


class FormFieldInline(DraftOnlyInline, admin.StackedInline):
    model = FormField
    fields = [
        ("key", "label", "field_type", "order"),
        ("required", "max_length"),
        "choices",
        "pattern",
        "help_text",
        "prefill",
    ]


ELEMENT_FIELDSETS = [
    (_("Service guide"), {"fields": ["name", "legal_basis", "conditions", "process"]}),
    (
        _("Handling and time limits"),
        {
            "fields": [
                "handling_kind",
                ("statutory_limit_days", "promised_limit_days"),
                ("visits_required", "online_depth"),
                ("supports_appointment", "notification_commitment"),
                "window_category",
                "cross_region_scope",
            ]
        },
    ),
    (
        _("Result and delivery"),
        {
            "fields": [
                ("result_name", "result_certificate_type"),
                ("delivery_window", "delivery_post", "delivery_electronic"),
            ]
        },
    ),
    (
        _("Where and whom to ask"),
        {"fields": [("contact_phone", "complaint_phone"), "hall_address", "hall_hours"]},
    ),
]
VERSION_STATE = ["implementation", "number", "status", "published_at", "retired_at", "created_by"]


@admin.register(ImplementationVersion)
class ImplementationVersionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "implementation",
        "number",
        "status",
        "online_depth",
        "handling_kind",
        "published_at",
    ]
    list_select_related = ["implementation"]
    list_filter = ["status", "online_depth", "handling_kind", "window_category"]
    # search_text holds the name, its pinyin initials and the implementation code.
    search_fields = ["name", "search_text", "implementation__matter__name"]
    inlines = [MaterialInline, FeeItemInline, FormFieldInline]
    actions = ["make_draft", "publish", "retire"]

    # Permissions: versions are changed only while they are drafts, and never deleted once
    # published (cases refer to them).

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and request.user.has_perm(
            "matters.add_implementation"
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_draft(obj) and super().has_delete_permission(request, obj)

    def may_import(self, request: HttpRequest) -> bool:
        return request.user.has_perms(IMPORT_PERMISSIONS)

    # The form: a new implementation's parts and first version, or a draft's elements.

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        if obj is None:
            implementation = (_("Implementation"), {"fields": [*IMPLEMENTATION_PARTS]})
            return [implementation, (None, {"fields": ["change_note"]}), *ELEMENT_FIELDSETS]
        return [(None, {"fields": [*VERSION_STATE, "change_note"]}), *ELEMENT_FIELDSETS]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if obj is None else VERSION_STATE

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs):
        if obj is None:
            kwargs["form"] = VersionCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ImplementationVersion, form: ModelForm, change: bool
    ) -> None:
        if change:
            changed = {
                name: getattr(obj, name)
                for name in form.changed_data
                if name in [*VERSION_ELEMENTS, "change_note"]
            }
            if changed:
                services.version_update(version=obj, actor=request.user, **changed)
            return
        data = form.cleaned_data
        version = services.implementation_create(
            **{name: data[name] for name in IMPLEMENTATION_PARTS},
            actor=request.user,
            change_note=data["change_note"],
            **{name: data[name] for name in VERSION_ELEMENTS},
        )
        # The admin goes on with the object it gave us: make it the version just created.
        vars(obj).update(vars(version))

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        formset.save()
        if change and formset.has_changed():
            audit_record(
                action="matters.version_update",
                actor=request.user,
                target=form.instance,
                detail={"rows": formset.model._meta.model_name},
            )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            # The whole save was rolled back (the view runs in a transaction).
            self.message_user(request, str(error.message), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # Actions, each calling a service; errors become messages.

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[ImplementationVersion],
        do: Any,
    ) -> list[ImplementationVersion]:
        done = []
        for version in queryset.select_related("implementation").order_by("pk"):
            try:
                done.append(do(version=version, actor=request.user))
            except ApplicationError as error:
                self.message_user(
                    request,
                    _("%(version)s: %(error)s") % {"version": version, "error": error.message},
                    messages.ERROR,
                )
        return done

    @admin.action(description=_("Create a new draft version"), permissions=["change"])
    def make_draft(
        self, request: HttpRequest, queryset: QuerySet[ImplementationVersion]
    ) -> HttpResponse | None:
        drafts = self._each(request, queryset, services.version_draft_from)
        if len(drafts) == 1:
            return redirect(
                reverse("admin:matters_implementationversion_change", args=[drafts[0].pk])
            )
        if drafts:
            self.message_user(
                request,
                ngettext(
                    "%(count)d draft version is ready to edit.",
                    "%(count)d draft versions are ready to edit.",
                    len(drafts),
                )
                % {"count": len(drafts)},
                messages.SUCCESS,
            )
        return None

    @admin.action(
        description=_("Publish (retires the version published before)"), permissions=["change"]
    )
    def publish(self, request: HttpRequest, queryset: QuerySet[ImplementationVersion]) -> None:
        published = self._each(request, queryset, services.version_publish)
        if published:
            self.message_user(
                request,
                ngettext(
                    "%(count)d version published.", "%(count)d versions published.", len(published)
                )
                % {"count": len(published)},
                messages.SUCCESS,
            )

    @admin.action(description=_("Retire (no longer offered)"), permissions=["change"])
    def retire(self, request: HttpRequest, queryset: QuerySet[ImplementationVersion]) -> None:
        retired = self._each(request, queryset, services.version_retire)
        if retired:
            self.message_user(
                request,
                ngettext("%(count)d version retired.", "%(count)d versions retired.", len(retired))
                % {"count": len(retired)},
                messages.SUCCESS,
            )

    # Extra pages: the workbook, and a button for a new draft on a version's page.

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path(
                "spreadsheet/",
                view(self.spreadsheet_view),
                name="matters_implementationversion_spreadsheet",
            ),
            path(
                "spreadsheet/export/",
                view(self.export_view),
                name="matters_implementationversion_export",
            ),
            path(
                "<path:object_id>/new-draft/",
                view(require_POST(self.new_draft_view)),
                name="matters_implementationversion_new_draft",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "may_make_draft": super().has_change_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def new_draft_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not super().has_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(ImplementationVersion, pk=object_id)
        try:
            draft = services.version_draft_from(version=version, actor=request.user)
        except ApplicationError as error:
            self.message_user(request, str(error.message), messages.ERROR)
            return redirect(
                reverse("admin:matters_implementationversion_change", args=[version.pk])
            )
        self.message_user(
            request,
            _("Draft version %(number)d: edit it, then publish it from the list of versions.")
            % {"number": draft.number},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:matters_implementationversion_change", args=[draft.pk]))

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        data = catalogue_export(versions=selectors.published_versions())
        response = HttpResponse(data, content_type=CONTENT_TYPE)
        filename = f"catalogue-{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def spreadsheet_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_import = self.may_import(request)
        form = CatalogueImportForm()
        report = rejected = None
        if request.method == "POST":
            if not may_import:
                raise PermissionDenied
            form = CatalogueImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    report = catalogue_import(
                        data=upload.read(),
                        actor=request.user,
                        publish=form.cleaned_data["publish"],
                    )
                except ImportRejected as error:
                    rejected = error
                except ApplicationError as error:
                    add_service_errors(form, error)
                else:
                    self.message_user(request, _("The workbook was imported."), messages.SUCCESS)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import and export the catalogue"),
            "form": form,
            "may_import": may_import,
            "report": report,
            "rejected": rejected,
        }
        return TemplateResponse(
            request, "admin/matters/implementationversion/spreadsheet.html", context
        )


# --- bundles and the calendar ------------------------------------------------------------


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    autocomplete_fields = ["implementation"]
    fields = ["order", "implementation"]


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "audience", "mode", "is_published"]
    list_filter = ["audience", "mode", "is_published"]
    search_fields = ["name", "code"]
    inlines = [BundleItemInline]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["note"]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        this_year = timezone.localdate().year
        for year in (this_year, this_year + 1):
            if not year_is_known(year):
                entered = CalendarOverride.objects.filter(date__year=year).count()
                self.message_user(
                    request,
                    _(
                        "The bundled holiday calendar does not cover %(year)d yet. Enter that "
                        "year's public holidays and make-up working days here (days entered so "
                        "far: %(count)d); until then only weekends count as days off."
                    )
                    % {"year": year, "count": entered},
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)
