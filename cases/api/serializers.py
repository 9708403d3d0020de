"""Serializers of the cases API: they parse and shape; the services decide."""

from django.utils import timezone
from rest_framework import serializers

from cases import policies, selectors
from cases.constants import Action
from cases.models import Case, CaseEvent, CaseMaterial
from cases.workflow import TRANSITIONS, actions_from
from matters import selectors as matter_selectors


class CaseCreateSerializer(serializers.Serializer):
    matter = serializers.CharField(max_length=64)
    form = serializers.DictField(required=False, default=dict)
    submit = serializers.BooleanField(required=False, default=False)
    on_behalf_of = serializers.CharField(max_length=18, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=18, required=False, allow_blank=True)


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


class CaseDetailSerializer(CaseSerializer):
    form = serializers.JSONField(source="form_data")
    materials = CaseMaterialSerializer(many=True)
    timeline = CaseEventSerializer(many=True, source="events")

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "form", "materials", "timeline", "delivery_method", "fees_due", "fees_paid",
        ]  # fmt: skip
