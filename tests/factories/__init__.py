from tests.factories.identity import (
    AuthorisationFactory,
    DepartmentFactory,
    EnterpriseFactory,
    MembershipFactory,
    RegionFactory,
    UserFactory,
    credit_code,
    id_number,
)

__all__ = [
    "AuthorisationFactory",
    "DepartmentFactory",
    "EnterpriseFactory",
    "MembershipFactory",
    "RegionFactory",
    "UserFactory",
    "credit_code",
    "id_number",
]
