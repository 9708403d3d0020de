"""The cast and objects of the access matrix: one citizen owns a submitted case, a
certificate, an authorisation, a complaint and a ticket in the hall of 宜昌市; everyone else
is a stranger to them in one particular way (another citizen, an agent nobody authorised, a
clerk of 西陵区's hall, a reviewer of another department), plus a supervisor and a superuser.
Everything is made through the apps' own services so the objects are in a real state."""

from dataclasses import dataclass, field
from typing import Any

from certificates import services as certificate_services
from certificates.constants import HolderKind, Layout
from certificates.models import CertificateType
from identity.constants import Role
from identity.models import User
from sharing import services as sharing_services
from supervision import services as supervision_services
from supervision.constants import ComplaintSubject
from tests.cases.reviewing import submitted_case
from tests.factories import (
    AuthorisationFactory,
    DepartmentFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
    id_number,
)
from tests.factories.matters import (
    BundleFactory,
    BundleItemFactory,
    FormFieldFactory,
    MaterialFactory,
    VersionFactory,
)
from tests.sharing.conftest import GrantFactory, ResourceFactory
from tests.windows.conftest import clerk_of, make_hall
from windows import services as window_services
from windows.constants import TicketChannel
from windows.models import Appointment

ROLES = (
    "anonymous",
    "owner",
    "other_citizen",
    "agent",
    "other_hall_clerk",
    "other_department_reviewer",
    "supervisor",
    "admin",
)
OWNER_ID_NUMBER = "420502199003071234"


@dataclass
class World:
    users: dict[str, User | None]
    objects: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    region = RegionFactory()  # 宜昌市
    other_region = RegionFactory(code="420502000000", name="西陵区")

    version = VersionFactory(
        implementation__region=region, promised_limit_days=5, statutory_limit_days=20
    )
    FormFieldFactory(version=version, key="applicant_name", label="申请人姓名", order=1)
    MaterialFactory(version=version, key="id_card", name="身份证")
    department = version.implementation.department

    owner = UserFactory(id_number=OWNER_ID_NUMBER, name="张三")
    hall = make_hall(region=region)
    make_hall(region=other_region, name="西陵区政务服务中心")
    other_hall = type(hall).objects.get(region=other_region)
    supervisor = MembershipFactory(role=Role.SUPERVISOR, organisation=DepartmentFactory()).user
    users: dict[str, User | None] = {
        "anonymous": None,
        "owner": owner,
        "other_citizen": UserFactory(name="李四"),
        "agent": UserFactory(name="王五"),
        "other_hall_clerk": clerk_of(other_hall),
        "other_department_reviewer": MembershipFactory(
            role=Role.REVIEWER, organisation=DepartmentFactory(region=region)
        ).user,
        "supervisor": supervisor,
        "admin": User.objects.create_superuser(
            id_number=id_number(999), password="Correct-Horse-42", name="管理员"
        ),
    }

    case = submitted_case(version, owner)
    # The owner authorised someone else, never the agent of the matrix.
    authorisation = AuthorisationFactory(principal=owner)

    certificate_type = CertificateType.objects.create(
        code="jzz",
        name="居住证",
        type_code="11100000000013338W001",
        holder_kind=HolderKind.PERSON,
        fields=[{"key": "applicant_name", "label": "姓名", "public": False}],
        layout=Layout.CERTIFICATE,
        issuing_department=department,
    )
    certificate = certificate_services.certificate_issue(
        type_code=certificate_type.code,
        holder_user=owner,
        holder_organisation=None,
        issuer=department,
        data={"applicant_name": "张三"},
        source_reference=case.number,
        actor=None,
    )
    share = certificate_services.grant_create(
        certificate=certificate, actor=owner, recipient="房东", purpose="租房", hours=24
    )

    complaint = supervision_services.complaint_file(
        actor=owner,
        subject=ComplaintSubject.CASE,
        text="三次去窗口都没办成",
        case_number=case.number,
    )
    ticket = window_services.ticket_issue(
        hall=hall,
        category=next(iter(_queues(hall))),
        channel=TicketChannel.ONLINE,
        person=owner,
    )

    resource = ResourceFactory(code="hjxx", name="户籍信息", provider=department)
    grant = GrantFactory(resource=resource, consumer=DepartmentFactory(region=region))
    asker = DepartmentFactory(region=region)
    access_request = sharing_services.access_request_submit(
        actor=MembershipFactory(role=Role.DEPARTMENT_HEAD, organisation=asker).user,
        consumer=asker,
        resource=resource,
        purpose="核验申请人身份",
        legal_basis="《政务数据共享管理办法》",
        fields=["name", "id_number"],
    )

    # A bundle of the one service, so that its application page opens.
    bundle = BundleFactory()
    BundleItemFactory(bundle=bundle, implementation=version.implementation, order=1)

    objects = {
        "case": case,
        "version": version,
        "bundle": bundle,
        "authorisation": authorisation,
        "certificate": certificate,
        "share": share,
        "complaint": complaint,
        "hall": hall,
        "ticket": ticket,
        "resource": resource,
        "grant": grant,
        "access_request": access_request,
        "appointment": Appointment.objects.first(),
    }
    return World(users=users, objects=objects)


def _queues(hall) -> list[str]:
    from windows import selectors as window_selectors

    return list(window_selectors.hall_queues(hall))
