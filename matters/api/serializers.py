"""Serializers of the public catalogue API: shapes only; the selectors decide what is shown."""

from rest_framework import serializers

from matters.constants import HandlingKind, OnlineDepth
from matters.models import FeeItem, FormField, ImplementationVersion, Material


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=True)
    department = serializers.CharField(required=False, allow_blank=True, default="")
    region = serializers.CharField(required=False, allow_blank=True, default="")
    online_depth = serializers.ChoiceField(
        choices=OnlineDepth.choices, required=False, allow_null=True, default=None
    )
    handling_kind = serializers.ChoiceField(
        choices=HandlingKind.choices, required=False, allow_blank=True, default=""
    )
    at_most_one_visit = serializers.BooleanField(required=False, default=False)
    theme = serializers.CharField(required=False, allow_blank=True, default="")
    audience = serializers.CharField(required=False, allow_blank=True, default="")


class MaterialSerializer(serializers.ModelSerializer):
    class Meta:
        model = Material
        fields = [
            "key", "name", "requirement", "condition_note", "original_count", "copy_count",
            "source", "certificate_type", "shared_resource", "tolerable", "notes",
        ]  # fmt: skip


class FeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeItem
        fields = ["name", "amount", "basis", "waivable", "waiver_basis"]


class FormFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormField
        fields = [
            "key", "label", "field_type", "required", "choices", "pattern", "max_length",
            "help_text",
        ]  # fmt: skip


class ImplementationSummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="implementation.code")
    version = serializers.IntegerField(source="number")
    basic_code = serializers.CharField(source="implementation.matter.basic_code")
    matter_type = serializers.CharField(source="implementation.matter.matter_type")
    department = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()

    class Meta:
        model = ImplementationVersion
        fields = [
            "code", "name", "version", "basic_code", "matter_type", "department", "region",
            "handling_kind", "statutory_limit_days", "promised_limit_days", "visits_required",
            "online_depth", "window_category",
        ]  # fmt: skip

    def get_department(self, version: ImplementationVersion) -> dict[str, str]:
        department = version.implementation.department
        return {"credit_code": department.credit_code, "name": department.name}

    def get_region(self, version: ImplementationVersion) -> dict[str, str]:
        region = version.implementation.region
        return {"code": region.code, "name": region.name}


class ImplementationDetailSerializer(ImplementationSummarySerializer):
    materials = MaterialSerializer(many=True)
    fees = FeeSerializer(many=True)
    form_fields = FormFieldSerializer(many=True)

    class Meta(ImplementationSummarySerializer.Meta):
        fields = [
            *ImplementationSummarySerializer.Meta.fields,
            "published_at", "legal_basis", "conditions", "process", "supports_appointment",
            "delivery_window", "delivery_post", "delivery_electronic",
            "notification_commitment", "cross_region_scope", "result_name",
            "result_certificate_type", "contact_phone", "complaint_phone", "hall_address",
            "hall_hours", "materials", "fees", "form_fields",
        ]  # fmt: skip


class BundleMemberSerializer(serializers.Serializer):
    code = serializers.CharField(source="implementation.code")
    name = serializers.CharField()
    department = serializers.CharField(source="implementation.department.name")
    promised_limit_days = serializers.IntegerField()


class BundleSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    audience = serializers.CharField()
    mode = serializers.CharField()


class BundleDetailSerializer(BundleSummarySerializer):
    members = BundleMemberSerializer(many=True, source="merged.versions")
    form_fields = FormFieldSerializer(many=True, source="merged.fields")
    materials = MaterialSerializer(many=True, source="merged.materials")
