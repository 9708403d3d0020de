"""The supervision API of API.md: 好差评 on a case, and 有诉即办 complaints."""

from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors as case_selectors
from core.errors import Conflict, NotAllowed, ValidationFailed
from identity import selectors as identity_selectors
from identity.models import Organisation
from supervision import policies, selectors, services
from supervision.api.serializers import (
    ComplaintCreateSerializer,
    ComplaintSerializer,
    ComplaintTransitionSerializer,
    RatingCreateSerializer,
    RatingSerializer,
)
from supervision.constants import RatingChannel
from supervision.models import Complaint, ComplaintEvent


class CaseRatingView(APIView):
    @extend_schema(responses={200: RatingSerializer})
    def get(self, request: Request, number: str) -> Response:
        """The case's rating, with the answer to a bad rating once its follow-up is closed."""
        case = case_selectors.case_detail(request.user, number)
        rating = selectors.rating_for_case(case) if case is not None else None
        if rating is None or not policies.sees_rating(request.user, rating):
            raise Http404
        return Response(RatingSerializer(rating).data)

    @extend_schema(request=RatingCreateSerializer, responses={201: RatingSerializer})
    def post(self, request: Request, number: str) -> Response:
        """Rate an ended case (one rating per case: a second answers 409)."""
        case = case_selectors.case_detail(request.user, number)
        refusal = policies.rating_refusal(request.user, case) if case is not None else "not_found"
        if refusal == "not_found":  # who may rate is settled before the input
            raise Http404
        if refusal == "forbidden":
            raise NotAllowed(_("Only the applicant rates a case."))
        data = RatingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.rating_create(
            case=case,
            actor=request.user,
            score=data.validated_data["score"],
            comment=data.validated_data["comment"],
            channel=RatingChannel.API,
        )
        rating = selectors.rating_for_case(case)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class ComplaintListCreateView(generics.ListAPIView):
    """The caller's own complaints; department staff also see their departments' (and
    supervisors every complaint)."""

    serializer_class = ComplaintSerializer

    def get_queryset(self):
        return selectors.complaints_for(self.request.user).prefetch_related(
            Prefetch("events", queryset=ComplaintEvent.objects.select_related("department"))
        )

    @extend_schema(request=ComplaintCreateSerializer, responses={201: ComplaintSerializer})
    def post(self, request: Request) -> Response:
        data = ComplaintCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        department = None
        if values.get("department"):
            department = Organisation.objects.filter(
                credit_code=values["department"].strip().upper()
            ).first()
            if department is None:
                raise ValidationFailed(_("No department has this credit code."), field="department")
        complainant = None
        if values.get("complainant_id_number"):
            complainant = identity_selectors.user_by_id_number(values["complainant_id_number"])
            if complainant is None:
                raise ValidationFailed(
                    _("Nobody is registered with this ID number."),
                    field="complainant_id_number",
                )
        complaint = services.complaint_file(
            actor=request.user,
            subject=values["subject"],
            text=values["text"],
            channel=values["channel"],
            case_number=values.get("case", ""),
            implementation_code=values.get("matter", ""),
            department=department,
            data_reference=values.get("data_reference", ""),
            complainant=complainant,
            complainant_name=values.get("complainant_name", ""),
            complainant_phone=values.get("complainant_phone", ""),
        )
        complaint = selectors.complaint_detail(request.user, complaint.number)
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class ComplaintDetailView(generics.RetrieveAPIView):
    serializer_class = ComplaintSerializer

    def get_object(self):
        complaint = selectors.complaint_detail(self.request.user, self.kwargs["number"])
        if complaint is None:
            raise Http404
        return complaint


def _complaint_step(action: str, complaint: Any, actor: Any, data: dict[str, Any]) -> None:
    if action == "assign":
        services.complaint_assign(
            complaint=complaint, actor=actor, department=data.get("department", "")
        )
    elif action == "forward":
        services.complaint_forward(
            complaint=complaint,
            actor=actor,
            department=data.get("department", ""),
            comment=data["comment"],
        )
    elif action == "answer":
        services.complaint_answer(complaint=complaint, actor=actor, answer=data["answer"])
    elif action == "confirm":
        services.complaint_confirm(complaint=complaint, actor=actor)
    else:
        services.complaint_reopen(complaint=complaint, actor=actor, reason=data["reason"])


class ComplaintTransitionView(APIView):
    @extend_schema(request=ComplaintTransitionSerializer, responses={200: ComplaintSerializer})
    def post(self, request: Request, number: str) -> Response:
        """Take one step on a complaint: 404 when it is not the caller's to see, 403 when its
        state allows the step but not to the caller, 409 when its state does not allow it."""
        complaint = selectors.complaint_detail(request.user, number)
        if complaint is None:
            raise Http404
        # Who may act is settled before the rest of the input is read.
        data = ComplaintTransitionSerializer(data=request.data)
        valid = data.is_valid()
        if not valid and {"action", "non_field_errors"} & set(data.errors):
            raise ValidationError(data.errors)
        action = data.initial_data["action"]
        refusal = policies.complaint_refusal(request.user, complaint, action)
        if refusal == "forbidden":
            raise NotAllowed(_("You may not do this to this complaint."))
        if refusal == "impossible":
            raise Conflict(
                _("This complaint is “%(state)s”: this is not possible now.")
                % {"state": complaint.get_state_display()}
            )
        if not valid:
            raise ValidationError(data.errors)
        _complaint_step(action, complaint, request.user, data.validated_data)
        # Read again as it is now (a department that forwarded it no longer sees it, but
        # is told where it went).
        complaint = (
            Complaint.objects.select_related("department", "case", "implementation")
            .select_related("about_department")
            .prefetch_related(
                Prefetch("events", queryset=ComplaintEvent.objects.select_related("department"))
            )
            .get(pk=complaint.pk)
        )
        return Response(ComplaintSerializer(complaint).data)
