from drf_spectacular.utils import extend_schema
from knox import views as knox_views
from knox.models import AuthToken
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from identity import selectors, services
from identity.api.serializers import (
    MeSerializer,
    RegisterSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class AuthThrottled(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterView(AuthThrottled):
    @extend_schema(request=RegisterSerializer, responses={201: MeSerializer})
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_register(
            **serializer.validated_data, ip_address=selectors.client_ip(request._request)
        )
        user.active_memberships = []
        return Response(MeSerializer(user).data, status=status.HTTP_201_CREATED)


class TokenView(AuthThrottled):
    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, _device = services.user_sign_in(
            request=request._request, **serializer.validated_data, channel="api"
        )
        instance, token = AuthToken.objects.create(user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class MeView(APIView):
    @extend_schema(responses={200: MeSerializer})
    def get(self, request: Request) -> Response:
        user = request.user
        user.active_memberships = list(selectors.memberships_of(user))
        return Response(MeSerializer(user).data)


@extend_schema(request=None, responses={204: None})
class LogoutView(knox_views.LogoutView):
    """End the token used for this request."""


@extend_schema(request=None, responses={204: None})
class LogoutAllView(knox_views.LogoutAllView):
    """End every token of the signed-in person (logout everywhere)."""
