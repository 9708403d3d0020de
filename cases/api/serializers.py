"""Serializers of the cases API: they parse and shape; the services decide."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import policies, prefill, reuse, selectors
from cases.constants import QUEUE_STATES, Action, CardColour, CaseState, Channel
from cases.models import Case, CaseEvent, CaseMaterial, Consultation, DepartmentNotice
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
    """An action and its reason; the other fields are the details some actions take."""

    action = serializers.ChoiceField(
        choices=[(action, Action(action).label) for action in TRANSITIONS]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    department = serializers.CharField(
        required=False,
        max_length=18,
        help_text=_("hand_off, consult: the credit code of the other department."),
    )
    to = serializers.CharField(
        required=False,
        max_length=18,
        help_text=_("reassign: the ID number of the department's reviewer to take the case."),
    )
    respond_by = serializers.DateField(
        required=False, help_text=_("request_correction during the review: answer by this date.")
    )
    due = serializers.DateField(
        required=False, help_text=_("consult: the date the opinion is wanted by.")
    )
    consultation = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("answer_consultation: which question, when several are open."),
    )
    deferred_materials = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        help_text=_("accept (容缺受理): the material keys that will follow later."),
    )
    deferred_until = serializers.DateField(
        required=False, help_text=_("accept (容缺受理): the date they must follow by.")
    )

    def payload(self) -> dict:
        """The details given, for case_transition (dates as ISO text: the event keeps them)."""
        return {
            key: value.isoformat() if isinstance(value, date) else value
            for key, value in self.validated_data.items()
            if key not in ("action", "comment")
        }


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
            "submitted_at", "accepted_at", "decided_at", "decision_number", "delivered_at",
            "created_at",
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


class PrefilledAnswerSerializer(serializers.Serializer):
    field = serializers.CharField(help_text=_("The question's key."))
    provider = serializers.CharField(help_text=_("The department the answer came from."))


class SharedMaterialSerializer(serializers.Serializer):
    """A material obtained by data sharing instead of an upload (让数据多跑路)."""

    material = serializers.CharField()
    provider = serializers.CharField()
    resource = serializers.CharField()
    obtained_at = serializers.DateTimeField()
    data = serializers.DictField(child=serializers.CharField())


class CertificateMaterialSerializer(serializers.Serializer):
    """A material an e-certificate stands in for (免提交), or why none could."""

    material = serializers.CharField(source="material.key")
    name = serializers.CharField(source="material.name")
    reused = serializers.BooleanField(source="status.reused")
    recorded = serializers.BooleanField(
        source="status.recorded", help_text=_("Recorded when the application was submitted.")
    )
    verified = serializers.BooleanField(source="status.verified")
    certificate = serializers.SerializerMethodField(
        help_text=_("The certificate's identifier, if the applicant holds one of this type.")
    )
    standing = serializers.CharField(source="status.standing")
    reason = serializers.CharField(
        source="status.reason", help_text=_("Why no certificate could be reused.")
    )

    def get_certificate(self, item: reuse.ReuseItem) -> str | None:
        certificate = item.status.certificate
        return certificate.identifier if certificate is not None else None


class CaseDetailSerializer(CaseSerializer):
    form = serializers.JSONField(source="form_data")
    materials = CaseMaterialSerializer(many=True)
    timeline = CaseEventSerializer(many=True, source="events")
    bundle = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    prefilled = serializers.SerializerMethodField()
    shared_materials = serializers.SerializerMethodField()
    certificate_materials = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "form", "materials", "timeline", "delivery_method", "fees_due", "fees_paid",
            "bundle", "parent", "children", "prefilled", "shared_materials",
            "certificate_materials",
        ]  # fmt: skip

    @extend_schema_field(PrefilledAnswerSerializer(many=True))
    def get_prefilled(self, case: Case) -> list[dict]:
        """The answers still as fetched from shared data, with the department they came from."""
        marks = prefill.prefill_marks(case)
        return [{"field": key, "provider": provider} for key, provider in sorted(marks.items())]

    @extend_schema_field(SharedMaterialSerializer(many=True))
    def get_shared_materials(self, case: Case) -> list[dict]:
        found = prefill.shared_materials(case)
        rows = [
            {
                "material": key,
                "provider": shared.provider,
                "resource": shared.resource,
                "obtained_at": shared.obtained_at,
                "data": {str(label): str(value) for label, value in shared.data.items()},
            }
            for key, shared in sorted(found.items())
        ]
        return SharedMaterialSerializer(rows, many=True).data

    @extend_schema_field(CertificateMaterialSerializer(many=True))
    def get_certificate_materials(self, case: Case) -> list[dict]:
        return CertificateMaterialSerializer(reuse.reuse_items(case).values(), many=True).data

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


class QueueFilterSerializer(serializers.Serializer):
    """The query of GET /api/v1/queue/: every part optional."""

    department = serializers.CharField(
        required=False,
        max_length=18,
        help_text=_("Credit code of the department (reviewers of several, supervisors)."),
    )
    matter = serializers.CharField(required=False, max_length=64)
    state = serializers.ChoiceField(
        required=False, choices=[(state, CaseState(state).label) for state in QUEUE_STATES]
    )
    claimed = serializers.ChoiceField(required=False, choices=["me", "unclaimed"])
    card = serializers.ChoiceField(required=False, choices=CardColour.choices)
    channel = serializers.ChoiceField(required=False, choices=Channel.choices)
    accepted_from = serializers.DateField(required=False)
    accepted_until = serializers.DateField(required=False)
    q = serializers.CharField(
        required=False,
        max_length=40,
        help_text=_("A case number (or its start), an applicant's name or ID number's last 4."),
    )

    def filters(self) -> selectors.QueueFilter:
        data = self.validated_data
        return selectors.QueueFilter(
            matter=data.get("matter", ""),
            state=data.get("state", ""),
            claimed=data.get("claimed", ""),
            card=data.get("card", ""),
            channel=data.get("channel", ""),
            accepted_from=data.get("accepted_from"),
            accepted_until=data.get("accepted_until"),
            search=data.get("q", ""),
        )


class QueueCaseSerializer(serializers.ModelSerializer):
    """One case of a department's queue."""

    matter = serializers.CharField(source="version.implementation.code")
    service = serializers.CharField(source="version.name")
    applicant = serializers.CharField(source="applicant.masked_id_number")
    applicant_name = serializers.CharField(source="applicant.name")
    organisation = serializers.SerializerMethodField()
    claimed_by = serializers.SerializerMethodField()
    working_days_left = serializers.SerializerMethodField()
    card = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "number", "state", "matter", "service", "channel", "applicant", "applicant_name",
            "organisation", "accepted_at", "deadline", "working_days_left", "card",
            "claimed_by", "claimed_at",
        ]  # fmt: skip

    def get_organisation(self, case: Case) -> str | None:
        return case.organisation.name if case.organisation else None

    def get_claimed_by(self, case: Case) -> str | None:
        return case.claimed_by.name if case.claimed_by else None

    def _days_left(self, case: Case) -> int | None:
        return selectors.working_days_left(
            case, calendar=self.context["calendar"], today=self.context["today"]
        )

    def get_working_days_left(self, case: Case) -> int | None:
        return self._days_left(case)

    @extend_schema_field(serializers.ChoiceField(choices=["", *CardColour.values]))
    def get_card(self, case: Case) -> str:
        return selectors.card_colour(
            case,
            calendar=self.context["calendar"],
            today=self.context["today"],
            days_left=self._days_left(case),
        )


class DepartmentNoticeSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    service = serializers.CharField(source="case.version.name")
    department = serializers.CharField(source="department.credit_code")

    class Meta:
        model = DepartmentNotice
        fields = ["id", "kind", "case", "service", "department", "text", "created_at", "read_at"]


class ConsultationSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    service = serializers.CharField(source="case.version.name")
    asked_by = serializers.CharField(source="case.department.name")

    class Meta:
        model = Consultation
        fields = ["id", "case", "service", "asked_by", "question", "due", "created_at"]
