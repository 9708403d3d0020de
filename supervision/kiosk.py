"""The counter rating screen (窗口好差评): the clerk opens it for one ended case and turns
the screen to the applicant, who taps a rating without signing in. The link carries a
signed, short-lived token naming the case (PORTAL_RATING_KIOSK_SECONDS); the one-rating-per-
case constraint makes it useless once used."""

from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from cases import policies as case_policies
from cases.constants import Party
from cases.models import Case
from core.errors import Conflict, NotAllowed, NotFound
from identity.services import audit_record
from supervision import policies
from supervision.models import Rating

SALT = "supervision.rating-kiosk"


def kiosk_open(*, case: Case, actor: Any) -> str:
    """The token of the rating screen for this case, for a clerk or reviewer of the case;
    404 when the case is not theirs to see, 403 for the applicant's side, 409 when the case
    has not ended or was rated."""
    parties = case_policies.case_parties(actor, case)
    if not parties:
        raise NotFound()
    if not parties & {Party.CLERK, Party.REVIEWER}:
        raise NotAllowed(_("Only the staff serving the applicant open the rating screen."))
    if case.state not in policies.RATEABLE_STATES:
        raise Conflict(_("You can rate this case once it has ended."))
    if Rating.objects.filter(case=case).exists():
        raise Conflict(_("This case has already been rated."))
    audit_record(action="supervision.rating_kiosk_open", actor=actor, target=case)
    return signing.dumps({"case": case.number}, salt=SALT, compress=True)


def kiosk_case(token: str) -> Case | None:
    """The case a valid, unexpired token names (None otherwise)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PORTAL_RATING_KIOSK_SECONDS)
    except signing.BadSignature:
        return None
    number = data.get("case") if isinstance(data, dict) else None
    if not isinstance(number, str):
        return None
    return Case.objects.select_related("version", "department").filter(number=number).first()
