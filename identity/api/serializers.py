"""Serializers parse and shape; validation of identities lives in the services."""

from rest_framework import serializers

from identity.models import Membership, User


class RegisterSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18)
    name = serializers.CharField(max_length=50, allow_blank=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")


class TokenRequestSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18)
    password = serializers.CharField(trim_whitespace=False)
    otp = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)


class MembershipSerializer(serializers.ModelSerializer):
    credit_code = serializers.CharField(source="organisation.credit_code")
    organisation = serializers.CharField(source="organisation.name")
    kind = serializers.CharField(source="organisation.kind")

    class Meta:
        model = Membership
        fields = ["credit_code", "organisation", "kind", "role"]


class MeSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(source="masked_id_number")
    memberships = MembershipSerializer(many=True, source="active_memberships")

    class Meta:
        model = User
        fields = ["id_number", "name", "phone", "email", "elder_mode", "language", "memberships"]
