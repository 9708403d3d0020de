"""The hall API (API.md): halls and their queues, taking tickets, calling the next ticket,
the hall's screen, appointments."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.errors import ValidationFailed
from identity.authentication import ApiKeyRateThrottle
from matters.models import Implementation
from windows import policies, selectors, services
from windows.api.serializers import (
    AppointmentCreateSerializer,
    AppointmentSerializer,
    BoardSerializer,
    CheckInSerializer,
    HallSerializer,
    SlotSerializer,
    TicketActionSerializer,
    TicketCreateSerializer,
    TicketSerializer,
    board_data,
)
from windows.constants import Queue, TicketChannel
from windows.models import Appointment, AppointmentSlot, Hall, Ticket, Window


class KioskRateThrottle(AnonRateThrottle):
    """Tickets and check-ins without signing in, per address ("kiosk" rate)."""

    scope = "kiosk"


def _hall(pk: int) -> Hall:
    return get_object_or_404(selectors.halls(), pk=pk)


class HallListView(generics.ListAPIView):
    """Open service halls with their queues and how many wait in each."""

    serializer_class = HallSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.halls().order_by("region__code", "name", "pk")


class HallDetailView(generics.RetrieveAPIView):
    serializer_class = HallSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.halls()


class HallDisplayView(APIView):
    """What the hall's screen shows: the tickets called last and their windows."""

    permission_classes = [AllowAny]

    @extend_schema(responses=BoardSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(BoardSerializer(board_data(selectors.display_board(_hall(pk)))).data)


class HallSlotsView(generics.ListAPIView):
    """Appointment slots of the hall still to start with places free."""

    serializer_class = SlotSerializer
    permission_classes = [AllowAny]
    queryset = AppointmentSlot.objects.none()  # for the schema; get_queryset reads the hall

    @extend_schema(
        parameters=[
            OpenApiParameter("category", str, enum=Queue.values, required=False),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        category = self.request.query_params.get("category", "")
        if category and category not in Queue.values:
            raise ValidationFailed(_("Choose one of the queues."), field="category")
        return selectors.free_slots(_hall(self.kwargs["pk"]), category=category)


class HallCheckInView(APIView):
    """Check in an appointment on arrival (the kiosk): a priority ticket."""

    permission_classes = [AllowAny]
    throttle_classes = [ApiKeyRateThrottle, KioskRateThrottle]

    @extend_schema(request=CheckInSerializer, responses={201: TicketSerializer})
    def post(self, request: Request, pk: int) -> Response:
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = request.user if request.user.is_authenticated else None
        ticket = services.appointment_check_in(
            hall=_hall(pk), code=data.validated_data["code"], actor=actor
        )
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class TicketListCreateView(generics.ListAPIView):
    """GET: the caller's tickets. POST: take a ticket; signed in it is the caller's
    (one live ticket per queue), without signing in it is an anonymous kiosk ticket."""

    serializer_class = TicketSerializer
    throttle_classes = [ApiKeyRateThrottle, KioskRateThrottle]
    queryset = Ticket.objects.none()  # for the schema; get_queryset reads the caller's

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    def get_queryset(self):
        return selectors.tickets_of(self.request.user)

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def post(self, request: Request) -> Response:
        data = TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hall = selectors.halls().filter(pk=data.validated_data["hall"]).first()
        if hall is None:
            raise ValidationFailed(_("There is no open hall with this number."), field="hall")
        signed_in = request.user.is_authenticated
        ticket = services.ticket_issue(
            hall=hall,
            category=data.validated_data["category"],
            channel=TicketChannel.ONLINE if signed_in else TicketChannel.KIOSK,
            person=request.user if signed_in else None,
        )
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)


class TicketDetailView(generics.RetrieveAPIView):
    serializer_class = TicketSerializer
    queryset = Ticket.objects.none()  # for the schema; get_queryset reads the caller's

    def get_queryset(self):
        return selectors.tickets_of(self.request.user)


def _clerk_ticket(request: Request, pk: int) -> Ticket:
    """A ticket of a hall the caller serves as a clerk (404 for any other)."""
    ticket = (
        Ticket.objects.filter(pk=pk, hall__in=selectors.halls_of_clerk(request.user))
        .select_related("hall", "window")
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


class TicketActionView(APIView):
    """The clerk at the ticket's window: recall, skip (did not come), start, finish, or
    transfer to another window or queue of the hall. 409 when the ticket is not at the
    caller's window or not in a state for the action."""

    @extend_schema(
        request=TicketActionSerializer,
        responses={200: OpenApiResponse(TicketSerializer, "The ticket the person now holds.")},
    )
    def post(self, request: Request, pk: int) -> Response:
        # Who may act is settled before the input: 403 for a non-clerk, 404 for another hall.
        policies.require_clerk(request.user)
        ticket = _clerk_ticket(request, pk)
        data = TicketActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        action = values["action"]
        if action == "transfer":
            window = None
            if values.get("window"):
                window = Window.objects.filter(pk=values["window"], hall=ticket.hall).first()
                if window is None:
                    raise ValidationFailed(_("Choose a window of this hall."), field="window")
            ticket = services.ticket_transfer(
                ticket=ticket,
                clerk=request.user,
                window=window,
                category=values.get("category", ""),
            )
        else:
            perform = {
                "recall": services.ticket_recall,
                "skip": services.ticket_skip,
                "start": services.ticket_start,
                "finish": services.ticket_finish,
            }[action]
            ticket = perform(ticket=ticket, clerk=request.user)
        return Response(TicketSerializer(ticket).data)


def _window(pk: int) -> Window:
    return get_object_or_404(Window.objects.select_related("hall"), pk=pk)


class WindowCallNextView(APIView):
    """Call the next ticket to the window: one sent to it, then appointment check-ins, then
    the oldest of its queues. The caller must be a clerk of the window's hall (403 for
    anyone else, 404 for another hall's clerk) signed in to this window (409 otherwise, and
    409 while a ticket is still at the window)."""

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(TicketSerializer, "The ticket called to the window."),
            204: OpenApiResponse(description="Nobody is waiting for this window."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        ticket = services.ticket_call_next(window=_window(pk), clerk=request.user)
        if ticket is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(TicketSerializer(ticket).data)


class WindowSessionView(APIView):
    """POST: sign in to the window (ends the caller's session at another window). DELETE:
    sign out of it."""

    @extend_schema(request=None, responses={201: OpenApiResponse(description="Signed in.")})
    def post(self, request: Request, pk: int) -> Response:
        services.window_sign_in(clerk=request.user, window=_window(pk))
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: OpenApiResponse(description="Signed out.")})
    def delete(self, request: Request, pk: int) -> Response:
        session = selectors.clerk_session(request.user)
        if session is None or session.window_id != pk:
            raise Http404
        services.window_sign_out(clerk=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AppointmentListCreateView(generics.ListAPIView):
    """GET: the caller's appointments. POST: book a slot for a service of the hall."""

    serializer_class = AppointmentSerializer
    queryset = Appointment.objects.none()  # for the schema; get_queryset reads the caller's

    def get_queryset(self):
        return selectors.appointments_of(self.request.user)

    @extend_schema(request=AppointmentCreateSerializer, responses={201: AppointmentSerializer})
    def post(self, request: Request) -> Response:
        data = AppointmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slot = (
            AppointmentSlot.objects.select_related("hall")
            .filter(pk=data.validated_data["slot"], hall__is_active=True)
            .first()
        )
        if slot is None:
            raise ValidationFailed(_("There is no such appointment time."), field="slot")
        implementation = Implementation.objects.filter(code=data.validated_data["matter"]).first()
        if implementation is None:
            raise ValidationFailed(_("No service has this code."), field="matter")
        appointment = services.appointment_book(
            person=request.user, slot=slot, implementation=implementation
        )
        return Response(AppointmentSerializer(appointment).data, status=status.HTTP_201_CREATED)


class AppointmentCancelView(APIView):
    @extend_schema(request=None, responses={200: AppointmentSerializer})
    def post(self, request: Request, code: str) -> Response:
        appointment = selectors.appointments_of(request.user).filter(code=code).first()
        if appointment is None:
            raise Http404
        appointment = services.appointment_cancel(appointment=appointment, person=request.user)
        return Response(AppointmentSerializer(appointment).data)
