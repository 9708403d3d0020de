import pytest

from core.errors import ValidationFailed
from identity import selectors, services
from identity.constants import Role
from identity.models import Membership
from tests.factories import DepartmentFactory, EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_department_role_makes_a_person_staff():
    user = UserFactory()

    services.membership_grant(user=user, organisation=DepartmentFactory(), role=Role.REVIEWER)

    assert selectors.user_is_staff(user)


def test_acting_for_an_enterprise_does_not_make_a_person_staff():
    user = UserFactory()

    services.membership_grant(
        user=user, organisation=EnterpriseFactory(), role=Role.LEGAL_REPRESENTATIVE
    )

    assert not selectors.user_is_staff(user)
    assert [m.role for m in selectors.memberships_of(user)] == [Role.LEGAL_REPRESENTATIVE]


@pytest.mark.parametrize(
    ("factory", "role"),
    [(EnterpriseFactory, Role.REVIEWER), (DepartmentFactory, Role.LEGAL_REPRESENTATIVE)],
)
def test_a_role_must_fit_the_kind_of_organisation(factory, role):
    with pytest.raises(ValidationFailed) as raised:
        services.membership_grant(user=UserFactory(), organisation=factory(), role=role)

    assert list(raised.value.errors) == ["role"]
    assert not Membership.objects.exists()


def test_a_new_legal_representative_replaces_the_previous_one():
    enterprise = EnterpriseFactory()
    first, second = UserFactory(), UserFactory()
    services.membership_grant(user=first, organisation=enterprise, role=Role.LEGAL_REPRESENTATIVE)

    services.membership_grant(user=second, organisation=enterprise, role=Role.LEGAL_REPRESENTATIVE)

    active = Membership.objects.filter(organisation=enterprise, is_active=True)
    assert [m.user for m in active] == [second]
