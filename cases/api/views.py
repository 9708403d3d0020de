"""The cases API of API.md: apply, follow, upload materials and take actions."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.pagination import BasePagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from cases import bundles, handoffs, policies, prefill, selectors, services
from cases.api.serializers import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseMaterialSerializer,
    CaseSerializer,
    ConsultationSerializer,
    DepartmentNoticeSerializer,
    MaterialUploadSerializer,
    QueueCaseSerializer,
    QueueFilterSerializer,
    TransitionSerializer,
)
from cases.constants import Action, Channel
from cases.models import Case, Consultation, DepartmentNotice
from core.api import Pagination
from core.errors import NotAllowed, ValidationFailed
from identity import selectors as identity_selectors
from identity.constants import OrganisationKind
from identity.models import Organisation, User
from matters import selectors as matter_selectors

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="Retries with the same key return the case made the first time.",
)  # fmt: skip


CURSOR = OpenApiParameter(
    "cursor", str, OpenApiParameter.QUERY, required=False,
    description="The page after or before a case, from `next` or `previous`.",
)  # fmt: skip
PAGE_SIZE = OpenApiParameter(
    "page_size", int, OpenApiParameter.QUERY, required=False, description="1 to 100."
)


def _visible_case(request: Request, number: str, *, detail: bool = True) -> Case:
    """The case, or 404; `detail` fetches what its representation shows too."""
    case = (selectors.case_detail if detail else selectors.visible_case)(request.user, number)
    if case is None:
        raise Http404
    return case


class DepartmentSystemScope(BasePermission):
    """A department system's key reads cases and takes actions on them, as its official,
    who must review for the key's department (403 otherwise); it does not apply for
    services or upload materials (views list what a key may do in `api_key_methods`)."""

    message = _("This key's official does not review the key's department.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if identity_selectors.api_key_department(request.user) is None:
            return True
        if request.method not in getattr(view, "api_key_methods", ("GET", "HEAD", "OPTIONS")):
            self.message = _("A department system's key may not do this.")
            return False
        return bool(policies.reviews_for(request.user))


class CasesApiView(APIView):
    permission_classes = [IsAuthenticated, DepartmentSystemScope]


class CaseListCreateView(generics.ListAPIView):
    serializer_class = CaseSerializer
    permission_classes = CasesApiView.permission_classes

    def get_queryset(self):
        return selectors.cases_for(self.request.user)

    @extend_schema(
        request=CaseCreateSerializer,
        responses={201: CaseDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request) -> Response:
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        version = None
        if values.get("matter"):
            version = matter_selectors.version_to_apply_for(values["matter"])
            if version is None:
                raise ValidationFailed(_("No published service has this code."), field="matter")
        principal = None
        if values.get("on_behalf_of"):
            principal = User.objects.filter(id_number=values["on_behalf_of"].upper()).first()
            if principal is None:
                raise NotAllowed(
                    _("You have no valid authorisation from this person for this service."),
                    field="on_behalf_of",
                )
        organisation = None
        if values.get("organisation"):
            organisation = Organisation.objects.filter(
                credit_code=values["organisation"].upper()
            ).first()
            if organisation is None:
                raise NotAllowed(_("You do not act for this organisation."), field="organisation")
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 64:
            raise ValidationFailed(
                _("An idempotency key has at most 64 characters."), field="Idempotency-Key"
            )
        common = {
            "actor": request.user,
            "form_data": values["form"],
            "channel": Channel.API,
            "on_behalf_of": principal,
            "organisation": organisation,
            "idempotency_key": key,
            "submit": values["submit"],
        }
        # Answers and materials the departments can fetch are filled in as on the web.
        case = prefill.case_create_prefilled(
            version=version, bundle_code=values.get("bundle", ""), **common
        )
        case = _visible_case(request, case.number)
        body = CaseDetailSerializer(case, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class CaseDetailView(generics.RetrieveAPIView):
    serializer_class = CaseDetailSerializer
    permission_classes = CasesApiView.permission_classes

    def get_object(self) -> Case:
        return _visible_case(self.request, self.kwargs["number"])


class CaseTransitionView(CasesApiView):
    api_key_methods = ("POST", "OPTIONS")

    @extend_schema(request=TransitionSerializer, responses={200: CaseDetailSerializer})
    def post(self, request: Request, number: str) -> Response:
        # Who may act is settled before the input; the answer is read after the change.
        case = _visible_case(request, number, detail=False)
        if not policies.may_act(policies.case_parties(request.user, case)):
            raise NotAllowed(_("You may not take this action on this case."))
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action = data.validated_data["action"]
        if case.bundle_id is not None and action == Action.SUBMIT:
            changed = bundles.bundle_case_submit(case=case, actor=request.user)
        else:
            changed = services.case_transition(
                case=case,
                action=action,
                actor=request.user,
                comment=data.validated_data["comment"],
                payload=data.payload(),
            )
        # A step can give the case away (转办 to another department, reassignment): the
        # caller is then shown it as it left them, not told it does not exist.
        case = selectors.case_detail(request.user, number) or changed
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CaseMaterialView(CasesApiView):
    api_key_methods = ()
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=MaterialUploadSerializer, responses={201: CaseMaterialSerializer})
    def post(self, request: Request, number: str) -> Response:
        # Who may upload is settled before the input.
        case = _visible_case(request, number, detail=False)
        if not policies.is_applicant_side(policies.case_parties(request.user, case)):
            raise NotAllowed(_("Only the applicant uploads the materials of an application."))
        data = MaterialUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        attach = (
            bundles.bundle_material_attach
            if case.bundle_id is not None
            else services.case_material_attach
        )
        material = attach(
            case=case,
            actor=request.user,
            material_key=data.validated_data["material"],
            file=upload,
            name=upload.name,
        )
        return Response(CaseMaterialSerializer(material).data, status=status.HTTP_201_CREATED)


# --- The back office: a department's queue ----------------------------------------------


class QueuePagination(BasePagination):
    """Seek pagination on (deadline, id): `next` and `previous` carry a cursor; `count` is
    the number of cases in the department's queue (in the chosen state), kept for half a
    minute, and null when other filters apply: no page counts the whole queue."""

    page_size = 20
    max_page_size = 100

    def paginate(self, request: Request, cases: QuerySet[Case], *, count: int | None) -> list[Case]:
        size = Pagination().get_page_size(request)
        self.request, self.count = request, count
        self.page = selectors.queue_page(
            cases, cursor=request.query_params.get("cursor", ""), size=size
        )
        return self.page.cases

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "cursor", cursor)

    def get_paginated_response(self, data: list) -> Response:
        return Response(
            {
                "count": self.count,
                "next": self._link(self.page.next),
                "previous": self._link(self.page.previous),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "nullable": True},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


def queue_department(user: Any, credit_code: str = "") -> Organisation:
    """The department whose queue the person asked for (their own when they review for one
    only). 403 when it is not theirs to see, 400 when they must say which."""
    if credit_code:
        department = Organisation.objects.filter(
            credit_code=credit_code.upper(), kind=OrganisationKind.DEPARTMENT
        ).first()
        if department is None:
            raise ValidationFailed(_("No department has this credit code."), field="department")
    else:
        departments = policies.reviews_for(user)
        if not departments:
            if policies.sees_every_queue(user):
                raise ValidationFailed(_("Please choose a department."), field="department")
            raise NotAllowed(_("Only a department's reviewers work its queue."))
        department = Organisation.objects.get(pk=departments[0])
    if not policies.may_view_queue(user, department):
        raise NotAllowed(_("Only a department's reviewers work its queue."))
    return department


@extend_schema(parameters=[QueueFilterSerializer, CURSOR, PAGE_SIZE])
class QueueView(generics.ListAPIView):
    """A department's routed cases not yet decided, soonest due (and overdue) first."""

    serializer_class = QueueCaseSerializer
    permission_classes = CasesApiView.permission_classes
    pagination_class = QueuePagination
    queryset = Case.objects.none()  # for the schema: list() reads through cases.selectors

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = QueueFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        department = queue_department(request.user, query.validated_data.get("department", ""))
        calendar, today = matter_selectors.working_calendar(), timezone.localdate()
        filters = query.filters()
        cases = selectors.queue_for_department(
            department.pk, user=request.user, filters=filters, calendar=calendar, today=today
        )
        counts = selectors.queue_counts(department.pk)
        only_state = filters == selectors.QueueFilter(state=filters.state)
        count = counts.get(filters.state, 0) if filters.state else sum(counts.values())
        paginator = self.paginator
        page = paginator.paginate(request, cases, count=count if only_state else None)
        context = {"request": request, "calendar": calendar, "today": today}
        return paginator.get_paginated_response(
            QueueCaseSerializer(page, many=True, context=context).data
        )


class QueueNoticesView(generics.ListAPIView):
    """What the caller's departments received: cases routed or handed to them, requests for
    their opinion, services of combined applications; unread first (`?unread=true`)."""

    serializer_class = DepartmentNoticeSerializer
    permission_classes = CasesApiView.permission_classes

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policies.reviews_for(request.user):
            raise NotAllowed(_("Only a department's reviewers work its queue."))
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[DepartmentNotice]:
        unread = self.request.query_params.get("unread") == "true"
        return handoffs.department_notices_for(self.request.user, unread=unread)


class QueueConsultationsView(generics.ListAPIView):
    """The questions other departments asked the caller's departments (征求意见), open."""

    serializer_class = ConsultationSerializer
    permission_classes = CasesApiView.permission_classes

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not policies.reviews_for(request.user):  # as the queue: only reviewers are asked
            raise NotAllowed(_("Only a department's reviewers work its queue."))
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Consultation]:
        return selectors.consultations_open_for(policies.reviews_for(self.request.user))
