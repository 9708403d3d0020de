"""Writes of supervision: ratings (好差评) and their follow-ups, complaints (有诉即办).

The deadline cards are raised by `supervision.sweep`; the services here close the cards of
what they finish at once (a complaint answered, a follow-up closed).
"""

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import policies as case_policies
from cases.constants import Action, Party
from cases.models import Case, CaseEvent, Notice
from core.errors import ApplicationError, Conflict, NotAllowed, NotFound, ValidationFailed
from identity.constants import OrganisationKind, Role
from identity.models import Membership, Organisation, User
from identity.services import audit_record
from matters import selectors as matter_selectors
from matters.models import Implementation
from sharing import selectors as sharing_selectors
from sharing import services as sharing_services
from sharing.constants import AccessLogKind, ObjectionState
from sharing.models import DataRead, Objection
from supervision import policies, sweep
from supervision.constants import (
    BAD_RATING_MAX,
    ComplaintAction,
    ComplaintChannel,
    ComplaintState,
    ComplaintSubject,
    RatingChannel,
    RatingScore,
)
from supervision.models import (
    Complaint,
    ComplaintEvent,
    ComplaintNumberBlock,
    Rating,
    RatingFollowUp,
)

COMMENT_MAX_LENGTH = 1000
TEXT_MAX_LENGTH = 2000
# The case steps whose actor is the handler a rating is tied to when nobody claimed the case
# (a refusal at the counter, an immediate matter decided on the spot).
HANDLING_ACTIONS = (
    Action.REFUSE,
    Action.APPROVE,
    Action.DENY,
    Action.ISSUE_RESULT,
    Action.DELIVER,
    Action.ACCEPT,
)


def _text(value: str, *, field: str, required: bool, limit: int = TEXT_MAX_LENGTH) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("Please fill in this field."), field=field)
    if len(value) > limit:
        raise ValidationFailed(
            _("Please keep it within %(limit)s characters.") % {"limit": limit}, field=field
        )
    return value


def _working_days_from(day: date, days: int) -> date:
    return matter_selectors.working_calendar().add_working_days(day, days)


def _tell(person: User | None, *, title: str, body: str, case: Case | None = None) -> None:
    """A notice in the person's inbox (e-mailed after the commit)."""
    if person is None:
        return
    notice = Notice.objects.create(recipient=person, case=case, title=title[:200], body=body)
    transaction.on_commit(lambda: _mail(notice.pk))


def _mail(notice_id: int) -> None:
    from supervision.tasks import mail_notices

    mail_notices.delay(notice_ids=[notice_id])


def _heads_of(department_id: int | None) -> list[User]:
    if department_id is None:
        return []
    return [
        membership.user
        for membership in Membership.objects.filter(
            organisation_id=department_id, role=Role.DEPARTMENT_HEAD, is_active=True
        ).select_related("user")
    ]


# --- Ratings (好差评) ----------------------------------------------------------------------


def _score(value: Any) -> int:
    if isinstance(value, bool) or value not in RatingScore.values:
        try:
            value = int(str(value))
        except ValueError:
            value = None
    if value not in RatingScore.values:
        raise ValidationFailed(_("Choose a rating from 1 to 5."), field="score")
    return int(value)


def _handler_of(case: Case) -> int | None:
    if case.claimed_by_id is not None:
        return case.claimed_by_id
    return (
        CaseEvent.objects.filter(case=case, action__in=HANDLING_ACTIONS, actor__isnull=False)
        .order_by("-at", "-pk")
        .values_list("actor_id", flat=True)
        .first()
    )


def _rate(*, case: Case, rater: User, score: Any, comment: str, channel: str) -> Rating:
    score = _score(score)
    comment = _text(comment, field="comment", required=False, limit=COMMENT_MAX_LENGTH)
    today = timezone.localdate()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("version").get(pk=case.pk)
        )
        if case.state not in policies.RATEABLE_STATES:
            raise Conflict(_("You can rate this case once it has ended."))
        if Rating.objects.filter(case=case).exists():
            raise Conflict(_("This case has already been rated."))
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    case=case,
                    score=score,
                    comment=comment,
                    channel=channel,
                    applicant=rater,
                    implementation_id=case.version.implementation_id,
                    department_id=case.department_id,
                    handler_id=_handler_of(case),
                    created_at=timezone.now(),
                )
        except IntegrityError:
            raise Conflict(_("This case has already been rated.")) from None
        audit_record(
            action="supervision.rating",
            actor=rater,
            target=rating,
            subject=case.applicant,
            detail={"number": case.number, "score": score, "channel": channel},
        )
        if score <= BAD_RATING_MAX:
            _open_follow_up(rating, today)
    return rating


def _open_follow_up(rating: Rating, today: date) -> RatingFollowUp:
    """差评: the department must call back, rectify and answer within the set working days."""
    follow_up = RatingFollowUp.objects.create(
        rating=rating,
        department_id=rating.department_id,
        due=_working_days_from(today, settings.PORTAL_RATING_FOLLOWUP_DAYS),
    )
    for head in _heads_of(rating.department_id):
        _tell(
            head,
            title=_("Bad rating for case %(number)s") % {"number": rating.case.number},
            body=_(
                "The applicant rated case %(number)s “%(score)s”. Call them back, rectify "
                "and answer them by %(due)s."
            )
            % {
                "number": rating.case.number,
                "score": RatingScore(rating.score).label,
                "due": follow_up.due.isoformat(),
            },
            case=rating.case,
        )
    return follow_up


def rating_create(
    *, case: Case, actor: User, score: Any, comment: str = "", channel: str = RatingChannel.WEB
) -> Rating:
    """The applicant (or their agent) rates their ended case: 404 when the case is not
    theirs to see, 403 when they play another part in it, 409 when it has not ended or was
    rated already."""
    refusal = policies.rating_refusal(actor, case)
    if refusal == "not_found":
        raise NotFound()
    if refusal == "forbidden":
        raise NotAllowed(_("Only the applicant rates a case."))
    return _rate(case=case, rater=actor, score=score, comment=comment, channel=channel)


def rating_create_at_counter(*, case: Case, score: Any, comment: str = "") -> Rating:
    """The applicant rates at the counter's rating screen, opened by the clerk for this case
    (supervision.kiosk checks the signed link): the rater is the person who came, the agent
    if there was one."""
    rater = case.agent or case.applicant
    return _rate(
        case=case, rater=rater, score=score, comment=comment, channel=RatingChannel.COUNTER
    )


def _locked_follow_up(follow_up: RatingFollowUp, actor: User) -> RatingFollowUp:
    follow_up = (
        RatingFollowUp.objects.select_for_update(of=("self",))
        .select_related("rating__case")
        .get(pk=follow_up.pk)
    )
    if not policies.follow_ups_visible_to(actor).filter(pk=follow_up.pk).exists():
        raise NotFound()
    if not policies.can_handle_follow_up(actor, follow_up):
        raise NotAllowed(_("Only the rated department follows up a rating."))
    if follow_up.closed_at is not None:
        raise Conflict(_("This follow-up is closed."))
    return follow_up


def follow_up_record_callback(
    *, follow_up: RatingFollowUp, actor: User, notes: str
) -> RatingFollowUp:
    """回访: the department called the applicant back; what they said."""
    notes = _text(notes, field="callback_notes", required=True)
    with transaction.atomic():
        follow_up = _locked_follow_up(follow_up, actor)
        follow_up.callback_by = actor
        follow_up.callback_at = timezone.now()
        follow_up.callback_notes = notes
        follow_up.save(update_fields=["callback_by", "callback_at", "callback_notes", "updated_at"])
        audit_record(
            action="supervision.follow_up_callback",
            actor=actor,
            target=follow_up,
            subject=follow_up.rating.applicant,
        )
    return follow_up


def follow_up_close(
    *, follow_up: RatingFollowUp, actor: User, rectification: str, answer: str
) -> RatingFollowUp:
    """整改: record what was rectified and the answer the applicant reads; closes the
    follow-up and its cards. The applicant must have been called back first."""
    errors: dict[str, list[Any]] = {}
    values = {}
    for field, value in (("rectification", rectification), ("answer", answer)):
        try:
            values[field] = _text(value, field=field, required=True)
        except ValidationFailed as error:
            errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors=errors)
    with transaction.atomic():
        follow_up = _locked_follow_up(follow_up, actor)
        if follow_up.callback_at is None:
            raise ValidationFailed(
                _("Call the applicant back and record the call first."), field="callback_notes"
            )
        now = timezone.now()
        follow_up.rectification = values["rectification"]
        follow_up.answer = values["answer"]
        follow_up.closed_by, follow_up.closed_at = actor, now
        follow_up.save(
            update_fields=["rectification", "answer", "closed_by", "closed_at", "updated_at"]
        )
        sweep.cards_close_for_follow_up(follow_up=follow_up, now=now)
        rating = follow_up.rating
        audit_record(
            action="supervision.follow_up_close",
            actor=actor,
            target=follow_up,
            subject=rating.applicant,
        )
        _tell(
            rating.applicant,
            title=_("Answer to your rating of case %(number)s") % {"number": rating.case.number},
            body=follow_up.answer,
            case=rating.case,
        )
    return follow_up


# --- Complaints (有诉即办) -------------------------------------------------------------------


def _complaint_number(day: date) -> str:
    prefix = f"TS{day:%Y%m%d}"
    with transaction.atomic():
        block, _created = ComplaintNumberBlock.objects.select_for_update().get_or_create(
            prefix=prefix
        )
        block.last += 1
        block.save(update_fields=["last"])
    return f"{prefix}{block.last:05d}"


def _event(
    complaint: Complaint,
    *,
    actor: User | None,
    action: str,
    from_state: str,
    department: Organisation | None = None,
    comment: str = "",
) -> ComplaintEvent:
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=complaint.state,
        department=department,
        comment=comment,
        at=timezone.now(),
    )
    audit_record(
        action=f"supervision.complaint_{action}",
        actor=actor,
        target=complaint,
        subject=complaint.complainant,
        detail={"number": complaint.number, "from": from_state, "to": complaint.state},
    )
    return event


def _department(value: Any, *, field: str) -> Organisation:
    """A government department, given as itself or by its unified social credit code."""
    department = value if isinstance(value, Organisation) else None
    if department is None and isinstance(value, str) and value.strip():
        department = Organisation.objects.filter(credit_code=value.strip().upper()).first()
    if department is None or department.kind != OrganisationKind.DEPARTMENT:
        raise ValidationFailed(_("Choose a government department."), field=field)
    return department


def _data_use(complainant: User | None, reference: str) -> tuple[str, int | None]:
    """A use of the complainant's data, named `<log kind>:<entry id>` (their data use log):
    the reference kept, and the department that read the data (None when unknown)."""
    kind, _sep, entry_id = (reference or "").strip().partition(":")
    entry = None
    if complainant is not None and kind in AccessLogKind.values and entry_id:
        entry = sharing_selectors.access_log_entry(complainant, kind=kind, entry_id=entry_id)
    if entry is None:
        raise ValidationFailed(
            _("Choose a read of your data from your data use log."), field="data_reference"
        )
    reader = None
    if kind == AccessLogKind.DATA_READ:
        reader = (
            DataRead.objects.filter(public_id=uuid.UUID(entry_id))
            .values_list("consumer_id", flat=True)
            .first()
        )
    return f"{kind}:{entry_id}", reader


def complaint_file(
    *,
    actor: User,
    subject: str,
    text: str,
    channel: str = ComplaintChannel.ONLINE,
    case_number: str = "",
    implementation_code: str = "",
    department: Any = None,
    data_reference: str = "",
    complainant: User | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
) -> Complaint:
    """Receive a complaint. Online, the signed-in person complains for themselves; on the
    12345 hotline or at the 有诉即办 window a clerk or supervisor records it for the caller
    (with their account when they have one, else their name and phone). It goes at once to
    the department its subject names; otherwise a supervisor assigns it."""
    if channel not in ComplaintChannel.values:
        raise ValidationFailed(_("Choose how the complaint was received."), field="channel")
    if channel == ComplaintChannel.ONLINE:
        complainant = actor
        complainant_name, complainant_phone = actor.name, actor.phone
    elif not policies.may_record_complaints(actor):
        raise NotAllowed(_("Only hotline operators and window clerks record complaints."))
    errors: dict[str, list[Any]] = {}
    try:
        text = _text(text, field="text", required=True)
    except ValidationFailed as error:
        errors.update(error.errors)
    if complainant is not None:
        complainant_name = complainant_name or complainant.name
        complainant_phone = complainant_phone or complainant.phone
    try:
        complainant_name = _text(
            complainant_name, field="complainant_name", required=True, limit=50
        )
        complainant_phone = _text(
            complainant_phone,
            field="complainant_phone",
            required=complainant is None,
            limit=20,
        )
    except ValidationFailed as error:
        errors.update(error.errors)
    if subject not in ComplaintSubject.values:
        errors["subject"] = [_("Choose what the complaint is about.")]
    if errors:
        raise ValidationFailed(errors=errors)

    about: dict[str, Any] = {}
    handling: int | None = None
    if subject == ComplaintSubject.CASE:
        case = Case.objects.filter(number=(case_number or "").strip()).first()
        # Online, only a case of one's own (anyone else's is not found, as everywhere).
        if case is None or (
            channel == ComplaintChannel.ONLINE
            and Party.APPLICANT not in case_policies.case_parties(actor, case)
        ):
            raise ValidationFailed(_("No case of yours has this number."), field="case_number")
        about["case"], handling = case, case.department_id
    elif subject == ComplaintSubject.MATTER:
        implementation = Implementation.objects.filter(
            code=(implementation_code or "").strip()
        ).first()
        if implementation is None:
            raise ValidationFailed(_("No service has this code."), field="implementation_code")
        about["implementation"], handling = implementation, implementation.department_id
    elif subject == ComplaintSubject.DEPARTMENT:
        about["about_department"] = _department(department, field="department")
        handling = about["about_department"].pk
    else:
        about["data_reference"], handling = _data_use(complainant, data_reference)

    return _complaint_create(
        actor=actor,
        channel=channel,
        complainant=complainant,
        complainant_name=complainant_name,
        complainant_phone=complainant_phone,
        subject=subject,
        text=text,
        about=about,
        handling=handling,
    )


def _complaint_create(
    *,
    actor: User,
    channel: str,
    complainant: User | None,
    complainant_name: str,
    complainant_phone: str,
    subject: str,
    text: str,
    about: dict[str, Any],
    handling: int | None,
) -> Complaint:
    today, now = timezone.localdate(), timezone.now()
    with transaction.atomic():
        complaint = Complaint.objects.create(
            number=_complaint_number(today),
            channel=channel,
            complainant=complainant,
            complainant_name=complainant_name,
            complainant_phone=complainant_phone,
            entered_by=None if channel == ComplaintChannel.ONLINE else actor,
            subject=subject,
            text=text,
            assign_due=_working_days_from(today, settings.PORTAL_COMPLAINT_ASSIGN_DAYS),
            due=_working_days_from(today, settings.PORTAL_COMPLAINT_REPLY_DAYS),
            **about,
        )
        _event(complaint, actor=actor, action=ComplaintAction.FILE, from_state="")
        if handling is not None:
            department = Organisation.objects.get(pk=handling)
            complaint.department, complaint.assigned_at = department, now
            complaint.state = ComplaintState.ASSIGNED
            complaint.save(update_fields=["department", "assigned_at", "state", "updated_at"])
            _event(
                complaint,
                actor=None,
                action=ComplaintAction.ASSIGN,
                from_state=ComplaintState.RECEIVED,
                department=department,
            )
            _tell_department(complaint)
    return complaint


def _tell_department(complaint: Complaint) -> None:
    for head in _heads_of(complaint.department_id):
        _tell(
            head,
            title=_("Complaint %(number)s to answer") % {"number": complaint.number},
            body=_("Answer complaint %(number)s by %(due)s.")
            % {"number": complaint.number, "due": complaint.due.isoformat()},
        )


def _locked_complaint(complaint: Complaint, actor: User, action: str) -> Complaint:
    """The complaint, locked: 404 when it is not the actor's to see, 403 when its state
    allows the action but not to them, 409 when its state does not allow it."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    refusal = policies.complaint_refusal(actor, complaint, action)
    if refusal == "not_found":
        raise NotFound()
    if refusal == "forbidden":
        raise NotAllowed(_("You may not do this to this complaint."))
    if refusal == "impossible":
        raise Conflict(
            _("This complaint is “%(state)s”: this is not possible now.")
            % {"state": complaint.get_state_display()}
        )
    return complaint


def complaint_assign(*, complaint: Complaint, actor: User, department: Any) -> Complaint:
    """A supervisor gives the complaint to the department that answers it."""
    department = _department(department, field="department")
    with transaction.atomic():
        complaint = _locked_complaint(complaint, actor, "assign")
        from_state = complaint.state
        complaint.department = department
        complaint.assigned_at = complaint.assigned_at or timezone.now()
        if complaint.state != ComplaintState.REOPENED:
            complaint.state = ComplaintState.ASSIGNED
        complaint.save(update_fields=["department", "assigned_at", "state", "updated_at"])
        _event(
            complaint,
            actor=actor,
            action=ComplaintAction.ASSIGN,
            from_state=from_state,
            department=department,
        )
        _tell_department(complaint)
    return complaint


def complaint_forward(
    *, complaint: Complaint, actor: User, department: Any, comment: str
) -> Complaint:
    """转办: the department hands the complaint to the department that should answer it."""
    department = _department(department, field="department")
    comment = _text(comment, field="comment", required=True)
    with transaction.atomic():
        complaint = _locked_complaint(complaint, actor, "forward")
        if department.pk == complaint.department_id:
            raise ValidationFailed(
                _("Choose another department than the one handling it."), field="department"
            )
        from_state = complaint.state
        complaint.department = department
        complaint.state = ComplaintState.FORWARDED
        complaint.forward_count += 1
        complaint.save(update_fields=["department", "state", "forward_count", "updated_at"])
        # The reply cards move with the complaint to its new department.
        complaint.cards.filter(closed_at__isnull=True).update(department=department)
        _event(
            complaint,
            actor=actor,
            action=ComplaintAction.FORWARD,
            from_state=from_state,
            department=department,
            comment=comment,
        )
        _tell_department(complaint)
    return complaint


def complaint_answer(*, complaint: Complaint, actor: User, answer: str) -> Complaint:
    """The department answers; the complainant then confirms or reopens."""
    answer = _text(answer, field="answer", required=True)
    with transaction.atomic():
        complaint = _locked_complaint(complaint, actor, "answer")
        from_state, now = complaint.state, timezone.now()
        complaint.state = ComplaintState.ANSWERED
        complaint.answer, complaint.answered_by, complaint.answered_at = answer, actor, now
        complaint.save(
            update_fields=["state", "answer", "answered_by", "answered_at", "updated_at"]
        )
        sweep.cards_close_for_complaint(complaint=complaint, now=now)
        _event(
            complaint, actor=actor, action=ComplaintAction.ANSWER, from_state=from_state,
            comment=answer,
        )  # fmt: skip
        _tell(
            complaint.complainant,
            title=_("Your complaint %(number)s has been answered") % {"number": complaint.number},
            body=answer,
            case=complaint.case,
        )
    return complaint


def complaint_confirm(*, complaint: Complaint, actor: User) -> Complaint:
    """The complainant accepts the answer: the complaint is closed."""
    with transaction.atomic():
        complaint = _locked_complaint(complaint, actor, "confirm")
        from_state, now = complaint.state, timezone.now()
        complaint.state = ComplaintState.CLOSED
        complaint.confirmed_at = complaint.closed_at = now
        complaint.save(update_fields=["state", "confirmed_at", "closed_at", "updated_at"])
        _event(complaint, actor=actor, action=ComplaintAction.CONFIRM, from_state=from_state)
    return complaint


def complaint_reopen(*, complaint: Complaint, actor: User, reason: str) -> Complaint:
    """The complainant is not satisfied with the answer: the department answers again,
    within a new deadline."""
    reason = _text(reason, field="reason", required=True)
    with transaction.atomic():
        complaint = _locked_complaint(complaint, actor, "reopen")
        from_state = complaint.state
        complaint.state = ComplaintState.REOPENED
        complaint.reopen_count += 1
        complaint.due = _working_days_from(
            timezone.localdate(), settings.PORTAL_COMPLAINT_REPLY_DAYS
        )
        complaint.answered_at = None
        complaint.save(update_fields=["state", "reopen_count", "due", "answered_at", "updated_at"])
        _event(
            complaint, actor=actor, action=ComplaintAction.REOPEN, from_state=from_state,
            comment=reason,
        )  # fmt: skip
        _tell_department(complaint)
    return complaint


def _objection_reader(objection: Objection) -> int | None:
    if objection.entry_kind != AccessLogKind.DATA_READ:
        return None
    try:
        public_id = uuid.UUID(objection.entry_id)
    except ValueError:
        return None
    return (
        DataRead.objects.filter(public_id=public_id).values_list("consumer_id", flat=True).first()
    )


def complaints_from_objections(*, limit: int = 500) -> list[Complaint]:
    """Objections raised in the data use log (sharing) become complaints about a data access,
    filed online by the person who objected and sent to the department that read the data;
    the objection records the complaint number. Safe to run twice: an objection already
    taken up is skipped."""
    made = []
    objections = Objection.objects.filter(state=ObjectionState.OPEN).select_related("person")
    for objection in objections.order_by("pk")[:limit]:
        person = objection.person
        text = f"{objection.text}\n\n{objection.reader}: {objection.summary}"
        try:
            with transaction.atomic():
                complaint = _complaint_create(
                    actor=person,
                    channel=ComplaintChannel.ONLINE,
                    complainant=person,
                    complainant_name=person.name,
                    complainant_phone=person.phone,
                    subject=ComplaintSubject.DATA_ACCESS,
                    text=text[:TEXT_MAX_LENGTH],
                    about={"data_reference": f"{objection.entry_kind}:{objection.entry_id}"[:64]},
                    handling=_objection_reader(objection),
                )
                sharing_services.objection_forward(
                    objection=objection, complaint_reference=complaint.number
                )
        except ApplicationError:
            continue  # taken up meanwhile by a concurrent run
        made.append(complaint)
    return made
