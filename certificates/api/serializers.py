"""Serializers of the certificates API: they shape; selectors and services decide."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certificates import identifiers, selectors
from certificates.constants import EventKind, Standing
from certificates.models import Certificate, CertificateEvent
from identity.validators import mask_id_number


class FieldValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()


class TypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PartySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "organisation"])
    name = serializers.CharField()
    code = serializers.CharField(help_text="ID number (masked for a person) or credit code.")


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)

    class Meta:
        model = CertificateEvent
        fields = ["kind", "at", "note"]


class CertificateSerializer(serializers.ModelSerializer):
    """A certificate as its holder sees it in a list."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    type = TypeSerializer(read_only=True)
    holder = serializers.SerializerMethodField()
    issuer = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    verification_code = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    replaces = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "identifier",
            "type",
            "version",
            "status",
            "holder",
            "issuer",
            "issued_on",
            "valid_until",
            "verification_code",
            "verify_url",
            "pdf_url",
            "replaces",
        ]

    @extend_schema_field(PartySerializer)
    def get_holder(self, certificate: Certificate) -> dict[str, str]:
        person = certificate.holder_user_id is not None
        code = certificate.holder_code
        if person and not self.context.get("full_holder_code"):
            code = mask_id_number(code)
        return {
            "kind": "person" if person else "organisation",
            "name": certificate.holder_name,
            "code": code,
        }

    @extend_schema_field(PartySerializer)
    def get_issuer(self, certificate: Certificate) -> dict[str, str]:
        return {
            "kind": "organisation",
            "name": certificate.issuer_name,
            "code": certificate.issuer_code,
        }

    @extend_schema_field(serializers.ChoiceField(choices=Standing.choices))
    def get_status(self, certificate: Certificate) -> str:
        return selectors.standing(certificate)

    def get_verification_code(self, certificate: Certificate) -> str:
        return identifiers.format_short_code(certificate.short_code)

    def get_verify_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("verify:page", args=[certificate.verify_code]))

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf_url(self, certificate: Certificate) -> str | None:
        if not certificate.pdf_sha256:
            return None
        return self._absolute(reverse("api-certificate-pdf", args=[certificate.public_id]))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_replaces(self, certificate: Certificate) -> str | None:
        return certificate.predecessor.identifier if certificate.predecessor_id else None

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class CertificateDetailSerializer(CertificateSerializer):
    """One certificate with its data and history."""

    # Declared fields leave the class body, so "fields" does not shadow Serializer.fields.
    fields = serializers.SerializerMethodField(method_name="get_data_fields")
    pdf_sha256 = serializers.CharField(read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(CertificateSerializer.Meta):
        fields = [*CertificateSerializer.Meta.fields, "fields", "pdf_sha256", "events"]

    @extend_schema_field(FieldValueSerializer(many=True))
    def get_data_fields(self, certificate: Certificate) -> list[dict[str, str]]:
        return selectors.all_fields(certificate)


class VerifiedCertificateSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    type = TypeSerializer()
    version = serializers.IntegerField()
    holder = PartySerializer()
    issuer = PartySerializer()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    replaced_by = serializers.CharField(allow_blank=True)
    fields = FieldValueSerializer(many=True)


class VerificationSerializer(serializers.Serializer):
    """The public answer about a verification code. `certificate` is null for an unknown
    code; `signature_valid` and `pdf_intact` (null: PDF not rendered yet) say whether the
    stored record and PDF are those the platform signed."""

    status = serializers.ChoiceField(choices=Standing.choices)
    certificate = VerifiedCertificateSerializer(allow_null=True)
    signature_valid = serializers.BooleanField(allow_null=True)
    pdf_intact = serializers.BooleanField(allow_null=True)


def verification_data(result: selectors.Verification) -> dict[str, Any]:
    certificate = result.certificate
    if certificate is None:
        return {"status": result.standing, "certificate": None, "signature_valid": None,
                "pdf_intact": None}  # fmt: skip
    return {
        "status": result.standing,
        "certificate": {
            "identifier": certificate.identifier,
            "type": {"code": certificate.type.code, "name": certificate.type.name},
            "version": certificate.version,
            "holder": {
                "kind": "person" if certificate.holder_user_id else "organisation",
                "name": result.holder_name,
                "code": result.holder_code,
            },
            "issuer": {
                "kind": "organisation",
                "name": certificate.issuer_name,
                "code": certificate.issuer_code,
            },
            "issued_on": certificate.issued_on,
            "valid_until": certificate.valid_until,
            "revoked_at": certificate.revoked_at,
            "replaced_by": result.replaced_by,
            "fields": result.fields,
        },
        "signature_valid": result.signature_ok,
        "pdf_intact": result.pdf_ok,
    }


class DepartmentReadQuerySerializer(serializers.Serializer):
    holder = serializers.CharField(
        max_length=18, help_text="The holder's ID number or unified social credit code."
    )
    type = serializers.CharField(max_length=32, help_text="Certificate type code, e.g. yyzz.")
    purpose = serializers.CharField(
        max_length=200, help_text="申请事由: the purpose your department was granted."
    )
