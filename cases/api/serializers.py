"""Serializers of the cases API: they parse and shape; the services decide."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import policies, selectors
from cases.constants import Action
from cases.models import Case, CaseEvent, CaseMaterial
from cases.workflow import TRANSITIONS, actions_from
from matters import selectors as matter_selectors


class CaseCreateSerializer(serializers.Serializer):
    """Apply for one service (`matter`: its implementation code) or for a bundle (`bundle`:
    its code), never both."""

    matter = serializers.CharField(max_length=64, required=False, allow_blank=True)
    bundle = serializers.CharField(max_length=64, required=False, allow_blank=True)
    form = serializers.DictField(required=False, default=dict)
    submit = serializers.BooleanField(required=False, default=False)
    on_behalf_of = serializers.CharField(max_length=18, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=18, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("matter")) == bool(attrs.get("bundle")):
            raise serializers.ValidationError(
                {"matter": _("Give the code of a service or the code of a bundle, not both.")}
            )
        return attrs


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MaterialUploadSerializer(serializers.Serializer):
    material = serializers.CharField(max_length=64)
    file = serializers.FileField()


class CaseMaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseMaterial
        fields = ["material_key", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["action", "from_state", "to_state", "at", "comment", "actor"]

    def get_actor(self, event: CaseEvent) -> str:
        return event.actor.name if event.actor else ""


class CaseSerializer(serializers.ModelSerializer):
    matter = serializers.CharField(source="version.implementation.code")
    service = serializers.CharField(source="version.name")
    version = serializers.IntegerField(source="version.number")
    department = serializers.CharField(source="department.name")
    applicant = serializers.CharField(source="applicant.masked_id_number")
    organisation = serializers.SerializerMethodField()
    working_days_left = serializers.SerializerMethodField()
    next_actions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "number", "state", "matter", "service", "version", "department", "channel",
            "applicant", "organisation", "deadline", "working_days_left", "next_actions",
            "submitted_at", "accepted_at", "decided_at", "delivered_at", "created_at",
        ]  # fmt: skip

    def get_organisation(self, case: Case) -> str | None:
        return case.organisation.credit_code if case.organisation else None

    def get_working_days_left(self, case: Case) -> int | None:
        if "calendar" not in self.context:  # one calendar for the whole page
            self.context["calendar"] = matter_selectors.working_calendar()
        calendar = self.context["calendar"]
        return selectors.working_days_left(case, calendar=calendar, today=timezone.localdate())

    def get_next_actions(self, case: Case) -> list[str]:
        parties = policies.case_parties(self.context["request"].user, case)
        return [a for a in actions_from(case.state) if parties & TRANSITIONS[a].who]


class ChildCaseSerializer(serializers.ModelSerializer):
    """One case of a bundle application, as its parent shows it."""

    service = serializers.CharField(source="version.name")

    class Meta:
        model = Case
        fields = ["number", "state", "service"]


class CaseDetailSerializer(CaseSerializer):
    form = serializers.JSONField(source="form_data")
    materials = CaseMaterialSerializer(many=True)
    timeline = CaseEventSerializer(many=True, source="events")
    bundle = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "form", "materials", "timeline", "delivery_method", "fees_due", "fees_paid",
            "bundle", "parent", "children",
        ]  # fmt: skip

    def get_bundle(self, case: Case) -> str | None:
        return case.bundle.code if case.bundle_id else None

    def get_parent(self, case: Case) -> str | None:
        return case.parent.number if case.parent_id else None

    @extend_schema_field(ChildCaseSerializer(many=True))
    def get_children(self, case: Case) -> list[dict]:
        if not case.bundle_id:
            return []
        # Only the children the caller may see (a lead department's reviewer sees the
        # parent, not the other departments' cases).
        children = selectors.cases_for(self.context["request"].user).filter(parent=case)
        return ChildCaseSerializer(children.order_by("pk"), many=True).data
