"""Department API keys: created by administrators, stored hashed, shown once, revocable."""

import hashlib
import re

import pytest

from core.errors import ValidationFailed
from identity import services
from identity.constants import Role
from identity.models import ApiKey, AuditEvent
from tests.factories import DepartmentFactory, EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def official(department):
    return MembershipFactory(role=Role.REVIEWER, organisation=department).user


def test_a_key_is_stored_as_its_digest_only(department, official):
    api_key, secret = services.api_key_create(
        name="审批系统", department=department, owner=official, created_by=None
    )

    stored = ApiKey.objects.get()
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(f"{stored.prefix}.")
    assert len(secret) > 40
    assert secret not in str(ApiKey.objects.values().get())
    assert AuditEvent.objects.filter(action="identity.api_key_create").count() == 1
    assert api_key == stored


def test_two_keys_never_share_a_secret(department, official):
    secrets = {
        services.api_key_create(name=f"k{n}", department=department, owner=official,
                                created_by=None)[1]
        for n in range(5)
    }  # fmt: skip

    assert len(secrets) == 5


@pytest.mark.parametrize("role", [Role.CLERK, Role.SUPERVISOR])
def test_a_key_acts_only_as_a_reviewer_or_head_of_its_department(department, role):
    not_reviewing = MembershipFactory(role=role, organisation=department).user
    of_another = MembershipFactory(role=Role.REVIEWER).user

    for owner in (not_reviewing, of_another, UserFactory()):
        with pytest.raises(ValidationFailed) as refused:
            services.api_key_create(name="k", department=department, owner=owner, created_by=None)
        assert list(refused.value.errors) == ["owner"]
    assert not ApiKey.objects.exists()


def test_a_key_belongs_to_a_government_department(official):
    with pytest.raises(ValidationFailed) as refused:
        services.api_key_create(
            name="k", department=EnterpriseFactory(), owner=official, created_by=None
        )

    assert list(refused.value.errors) == ["department"]


def test_revoking_is_recorded_once(department, official):
    api_key, _secret = services.api_key_create(
        name="k", department=department, owner=official, created_by=None
    )

    first = services.api_key_revoke(api_key=api_key, revoked_by=official).revoked_at
    again = services.api_key_revoke(api_key=api_key, revoked_by=official).revoked_at

    assert first is not None
    assert again == first
    assert AuditEvent.objects.filter(action="identity.api_key_revoke").count() == 1


def test_the_admin_shows_the_full_key_once_and_keeps_only_its_digest(client, department, official):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    added = client.post(
        "/admin/identity/apikey/add/",
        {"name": "审批系统", "department": department.pk, "owner": official.pk},
        follow=True,
    )
    api_key = ApiKey.objects.get()
    shown = [str(m) for m in added.context["messages"]]
    later = client.get(f"/admin/identity/apikey/{api_key.pk}/change/")

    pattern = re.compile(re.escape(api_key.prefix) + r"\.[A-Za-z0-9_-]+")
    secret = next(match.group() for m in shown if (match := pattern.search(m)))
    assert hashlib.sha256(secret.encode()).hexdigest() == api_key.digest
    assert secret not in later.content.decode()


def test_the_admin_refuses_an_owner_who_does_not_review_for_the_department(client, department):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/identity/apikey/add/",
        {"name": "k", "department": department.pk, "owner": UserFactory().pk},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["owner"]
    assert not ApiKey.objects.exists()
