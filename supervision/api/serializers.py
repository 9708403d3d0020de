"""Serializers of the supervision API: they parse and shape; the services decide."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from supervision.constants import (
    ComplaintAction,
    ComplaintChannel,
    ComplaintSubject,
    RatingScore,
)
from supervision.models import Complaint, ComplaintEvent, Rating, RatingFollowUp
from supervision.services import COMMENT_MAX_LENGTH, TEXT_MAX_LENGTH


class RatingCreateSerializer(serializers.Serializer):
    score = serializers.ChoiceField(
        choices=RatingScore.choices, help_text=_("1 非常不满意 … 5 非常满意.")
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_MAX_LENGTH
    )


class FollowUpSerializer(serializers.ModelSerializer):
    """What the applicant sees of the follow-up of their bad rating: the answer once closed."""

    answer = serializers.SerializerMethodField()

    class Meta:
        model = RatingFollowUp
        fields = ["due", "callback_at", "closed_at", "answer"]

    def get_answer(self, follow_up: RatingFollowUp) -> str:
        return follow_up.answer if follow_up.closed_at else ""


class RatingSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number")
    score_label = serializers.CharField(source="get_score_display")
    follow_up = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = ["case", "score", "score_label", "comment", "channel", "created_at", "follow_up"]

    def get_follow_up(self, rating: Rating) -> dict | None:
        follow_up = getattr(rating, "follow_up", None)
        return FollowUpSerializer(follow_up).data if follow_up else None


class ComplaintCreateSerializer(serializers.Serializer):
    """A complaint about one thing: `case` (a case number), `matter` (a service's
    implementation code), `department` (its unified social credit code) or `data_reference`
    (an entry of one's data use log, `<kind>:<id>`). Staff recording a 12345 call or a
    visit at the window give `channel` and the caller's name and phone (and ID number when
    they have an account)."""

    subject = serializers.ChoiceField(choices=ComplaintSubject.choices)
    text = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    case = serializers.CharField(required=False, allow_blank=True, max_length=32)
    matter = serializers.CharField(required=False, allow_blank=True, max_length=64)
    department = serializers.CharField(required=False, allow_blank=True, max_length=18)
    data_reference = serializers.CharField(required=False, allow_blank=True, max_length=64)
    channel = serializers.ChoiceField(
        choices=ComplaintChannel.choices, required=False, default=ComplaintChannel.ONLINE
    )
    complainant_id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)
    complainant_name = serializers.CharField(required=False, allow_blank=True, max_length=50)
    complainant_phone = serializers.CharField(required=False, allow_blank=True, max_length=20)


class ComplaintEventSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", default=None)

    class Meta:
        model = ComplaintEvent
        fields = ["action", "from_state", "to_state", "department", "comment", "at"]


class ComplaintSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", default=None)
    matter = serializers.CharField(source="implementation.code", default=None)
    about_department = serializers.CharField(source="about_department.name", default=None)
    department = serializers.CharField(source="department.name", default=None)
    timeline = ComplaintEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "number", "channel", "subject", "case", "matter", "about_department",
            "data_reference", "text", "department", "state", "due", "answer", "answered_at",
            "confirmed_at", "closed_at", "created_at", "timeline",
        ]  # fmt: skip


# The steps of a complaint a caller takes through the API (filing is POST /complaints/).
TRANSITION_ACTIONS = [
    (action.value, action.label)
    for action in (
        ComplaintAction.ASSIGN,
        ComplaintAction.FORWARD,
        ComplaintAction.ANSWER,
        ComplaintAction.CONFIRM,
        ComplaintAction.REOPEN,
    )
]


class ComplaintTransitionSerializer(serializers.Serializer):
    """One step of a complaint: `assign` (supervisors: `department`), `forward` (the handling
    department: `department` and `comment`), `answer` (the handling department: `answer`),
    `confirm` or `reopen` (the complainant; `reason` to reopen). `department` is a
    government department's unified social credit code."""

    action = serializers.ChoiceField(choices=TRANSITION_ACTIONS)
    department = serializers.CharField(required=False, allow_blank=True, max_length=18)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    answer = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
