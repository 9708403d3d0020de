"""Parsing and shapes of the sharing API; the services decide what is valid."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sharing.constants import AccessLogKind
from sharing.models import AccessRequest, Grant, Objection, Resource


class DepartmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    credit_code = serializers.CharField()


class ResourceFieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ResourceSerializer(serializers.ModelSerializer):
    provider = DepartmentSerializer()
    fields = ResourceFieldSerializer(many=True)

    class Meta:
        model = Resource
        fields = [
            "code", "name", "provider", "subject_kind", "fields", "update_frequency",
            "sharing_class", "description",
        ]  # fmt: skip


class GrantSummarySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    fields = serializers.SerializerMethodField(method_name="granted_fields")
    active = serializers.SerializerMethodField()

    class Meta:
        model = Grant
        fields = ["id", "basis", "fields", "valid_until", "revoked_at", "active"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def granted_fields(self, grant: Grant) -> list[str]:
        return grant.granted_fields()

    def get_active(self, grant: Grant) -> bool:
        return grant.is_active_on(self.context["today"])


class GrantSerializer(GrantSummarySerializer):
    resource = serializers.CharField(source="resource.code")
    consumer = DepartmentSerializer()

    class Meta(GrantSummarySerializer.Meta):
        fields = ["id", "resource", "consumer", *GrantSummarySerializer.Meta.fields, "purpose"]


class AccessRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    resource = serializers.CharField(source="resource.code")
    consumer = DepartmentSerializer()
    grant = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id", "resource", "consumer", "state", "purpose", "legal_basis", "fields",
            "valid_until", "created_at", "platform_due", "platform_comment", "provider_due",
            "decided_at", "decision_comment", "grant",
        ]  # fmt: skip

    @extend_schema_field(GrantSummarySerializer(allow_null=True))
    def get_grant(self, request: AccessRequest) -> dict | None:
        grant = getattr(request, "grant", None)
        if grant is None:
            return None
        return GrantSummarySerializer(grant, context=self.context).data


class AccessRequestCreateSerializer(serializers.Serializer):
    resource = serializers.CharField(max_length=64)
    purpose = serializers.CharField(max_length=200)
    legal_basis = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    fields = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=64
    )
    valid_until = serializers.DateField(required=False, allow_null=True)
    consumer = serializers.CharField(
        required=False,
        max_length=18,
        help_text="Credit code of the requesting department (staff acting for several).",
    )


class DataSerializer(serializers.Serializer):
    resource = serializers.CharField()
    provider = DepartmentSerializer()
    subject = serializers.CharField()
    data = serializers.DictField(child=serializers.JSONField(allow_null=True))
    read = serializers.UUIDField(help_text="The identifier of this read in the access log.")


class AccessLogEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AccessLogKind.choices)
    id = serializers.CharField(source="entry_id")
    at = serializers.DateTimeField()
    reader = serializers.CharField(help_text="The department that read the data.")
    what = serializers.CharField()
    fields = serializers.ListField(child=serializers.CharField())
    purpose = serializers.CharField()
    channel = serializers.CharField()
    reference = serializers.CharField(help_text="The application the read was for, if any.")
    objected = serializers.BooleanField()


class ObjectionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AccessLogKind.choices, default=AccessLogKind.DATA_READ)
    entry = serializers.CharField(max_length=64)
    text = serializers.CharField(max_length=2000)


class ObjectionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField(source="entry_kind")
    entry = serializers.CharField(source="entry_id")

    class Meta:
        model = Objection
        fields = [
            "id", "kind", "entry", "reader", "summary", "read_at", "text", "state",
            "complaint_reference", "created_at",
        ]  # fmt: skip
