"""Serializers of the hall API: they parse and shape; windows.services decides."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from windows import selectors
from windows.constants import TICKET_LETTERS, AppointmentState, Queue, TicketState
from windows.models import Appointment, AppointmentSlot, Hall, Ticket


class QueueSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Queue.choices)
    label = serializers.CharField()
    letter = serializers.CharField(help_text="The letter before the number on its tickets.")
    waiting = serializers.IntegerField()


def queues_of(hall: Hall) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "label": str(Queue(code).label),
            "letter": TICKET_LETTERS[code],
            "waiting": n,
        }
        for code, n in selectors.queue_lengths(hall).items()
    ]


class HallSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    queues = serializers.SerializerMethodField()

    class Meta:
        model = Hall
        fields = ["id", "name", "region", "address", "opening_hours", "queues"]

    @extend_schema_field(QueueSerializer(many=True))
    def get_queues(self, hall: Hall) -> list[dict[str, Any]]:
        return queues_of(hall)


class TicketSerializer(serializers.ModelSerializer):
    hall = serializers.IntegerField(source="hall_id", read_only=True)
    state = serializers.ChoiceField(choices=TicketState.choices, read_only=True)
    window = serializers.CharField(
        source="window.number", read_only=True, allow_null=True, default=None
    )
    people_ahead = serializers.SerializerMethodField()

    class Meta:
        model = Ticket
        fields = [
            "id", "code", "hall", "category", "day", "number", "channel", "priority", "state",
            "window", "people_ahead", "issued_at", "called_at", "service_started_at",
            "finished_at", "recalled",
        ]  # fmt: skip
        read_only_fields = fields

    def get_people_ahead(self, ticket: Ticket) -> int:
        return selectors.people_ahead(ticket)


class TicketCreateSerializer(serializers.Serializer):
    hall = serializers.IntegerField(min_value=1)
    category = serializers.ChoiceField(choices=Queue.choices)


class TicketActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["recall", "skip", "start", "finish", "transfer"],
        help_text="transfer takes `window` (another window of the hall) or `category`.",
    )
    window = serializers.IntegerField(required=False, min_value=1)
    category = serializers.ChoiceField(choices=Queue.choices, required=False)


class CalledSerializer(serializers.Serializer):
    code = serializers.CharField()
    category = serializers.CharField()
    window = serializers.CharField(help_text="The window's number.")
    window_label = serializers.CharField(help_text="How the screen names the window.")
    called_at = serializers.DateTimeField()


class BoardSerializer(serializers.Serializer):
    hall = serializers.IntegerField()
    called = CalledSerializer(many=True)
    queues = QueueSerializer(many=True)
    updated_at = serializers.DateTimeField()


def board_data(board: selectors.Board) -> dict[str, Any]:
    return {
        "hall": board.hall.pk,
        "called": [
            {
                "code": ticket.code,
                "category": ticket.category,
                "window": ticket.window.number,
                "window_label": str(ticket.window),
                "called_at": ticket.last_called_at,
            }
            for ticket in board.called
        ],
        "queues": [
            {"code": code, "label": label, "letter": TICKET_LETTERS[code], "waiting": count}
            for code, label, count in board.queues
        ],
        "updated_at": board.updated_at,
    }


class SlotSerializer(serializers.ModelSerializer):
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = AppointmentSlot
        fields = ["id", "hall", "category", "starts_at", "ends_at", "capacity", "free"]
        read_only_fields = fields


class AppointmentSerializer(serializers.ModelSerializer):
    hall = serializers.IntegerField(source="slot.hall_id", read_only=True)
    category = serializers.CharField(source="slot.category", read_only=True)
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True)
    ends_at = serializers.DateTimeField(source="slot.ends_at", read_only=True)
    matter = serializers.CharField(source="implementation.code", read_only=True)
    state = serializers.ChoiceField(choices=AppointmentState.choices, read_only=True)
    ticket = serializers.CharField(
        source="ticket.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Appointment
        fields = [
            "code", "hall", "category", "starts_at", "ends_at", "matter", "state", "ticket",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class AppointmentCreateSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1)
    matter = serializers.CharField(max_length=64, help_text="The implementation code.")


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=12)
