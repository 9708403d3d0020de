"""Writes of the cases app: creating a case, changing its form, attaching materials and the
one `case_transition` service every state change goes through."""

import secrets
from collections.abc import Callable
from datetime import date
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm

from cases import decision, issuance, policies, reuse, routing, signals
from cases.constants import (
    EDITABLE_STATES,
    Action,
    CaseState,
    Channel,
    DeliveryMethod,
    MaterialVerification,
    Party,
)
from cases.errors import CaseIncomplete, CaseNotEditable, TransitionImpossible
from cases.models import Case, CaseEvent, CaseMaterial, CaseNumberBlock, Consultation
from cases.uploads import UploadInfo, inspect_upload, storage_name
from cases.workflow import CLAIMED, TRANSITIONS
from core.errors import NotAllowed, NotFound, ValidationFailed
from identity import selectors as identity_selectors
from identity.constants import ORGANISATION_ROLES, OrganisationKind
from identity.models import Organisation, User
from identity.services import audit_record
from matters import selectors as matter_selectors
from matters.constants import HandlingKind, MaterialSource, OnlineDepth
from matters.forms_runtime import clean_form_data
from matters.models import ImplementationVersion


def reserve_case_number(*, region_code: str, day: date) -> str:
    """The next case number of a region and day, e.g. 420500-20261122-000017."""
    prefix = f"{region_code[:6]}-{day:%Y%m%d}"
    with transaction.atomic():
        block, _created = CaseNumberBlock.objects.select_for_update().get_or_create(prefix=prefix)
        block.last += 1
        block.save(update_fields=["last"])
    return f"{prefix}-{block.last:06d}"


def _in_bundle_draft(case: Case) -> bool:
    """A child of a 一件事 application still being written: it changes only through the
    bundle (cases.bundles), never on its own."""
    if case.parent_id is None:
        return False
    parent_state = Case.objects.values_list("state", flat=True).get(pk=case.parent_id)
    return parent_state == CaseState.DRAFT


def form_errors(errors: dict[str, list[Any]]) -> dict[str, list[Any]]:
    return {f"form.{key}": messages for key, messages in errors.items()}


def applicant_for(
    *,
    actor: User,
    version: ImplementationVersion,
    on_behalf_of: User | None,
    organisation: Organisation | None,
) -> dict[str, Any]:
    """Who the case belongs to: the actor, a person who authorised the actor, or an
    organisation the actor acts for."""
    parties: dict[str, Any] = {"applicant": actor, "organisation": None}
    if on_behalf_of is not None and on_behalf_of.pk != actor.pk:
        authorisation = identity_selectors.authorisation_active(
            principal=on_behalf_of,
            agent=actor,
            matter_code=version.implementation.matter.basic_code,
        )
        if authorisation is None:
            raise NotAllowed(
                _("You have no valid authorisation from this person for this service."),
                field="on_behalf_of",
            )
        parties.update(applicant=on_behalf_of, agent=actor, authorisation=authorisation)
    if organisation is not None:
        roles = identity_selectors.user_roles_by_organisation(actor).get(organisation.pk, set())
        if not roles & ORGANISATION_ROLES:
            raise NotAllowed(_("You do not act for this organisation."), field="organisation")
        parties["organisation"] = organisation
    return parties


def case_create(
    *,
    version: ImplementationVersion,
    actor: User,
    form_data: dict[str, Any],
    channel: str = Channel.ONLINE,
    on_behalf_of: User | None = None,
    organisation: Organisation | None = None,
    idempotency_key: str = "",
) -> Case:
    """Start an application (a draft). The same idempotency key from the same person returns
    the case made the first time (cases.prefill.case_create_prefilled also submits it)."""
    if idempotency_key:
        existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if channel != Channel.COUNTER and version.online_depth < OnlineDepth.PRE_CHECK:
        raise ValidationFailed(
            _("This service cannot be applied for online; please apply at the service hall."),
            field="matter",
        )
    parties = applicant_for(
        actor=actor, version=version, on_behalf_of=on_behalf_of, organisation=organisation
    )
    fields = list(version.form_fields.all())
    cleaned, errors = clean_form_data(fields=fields, data=form_data, complete=False)
    if errors:
        raise ValidationFailed(errors=form_errors(errors))
    implementation = version.implementation
    try:
        with transaction.atomic():
            case = Case.objects.create(
                number=reserve_case_number(
                    region_code=implementation.region.code, day=timezone.localdate()
                ),
                version=version,
                department=implementation.department,
                region=implementation.region,
                channel=channel,
                created_by=actor,
                idempotency_key=idempotency_key,
                form_data=cleaned,
                fees_due=sum((fee.amount for fee in version.fees.all()), start=0),
                **parties,
            )
            audit_record(
                action="cases.create",
                actor=actor,
                target=case,
                detail={"number": case.number, "version": version.pk},
            )
    except IntegrityError:
        # A concurrent retry with the same key won: answer with its case.
        existing = Case.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    return case


def case_update_form(*, case: Case, actor: User, form_data: dict[str, Any]) -> dict[str, list]:
    """Save the answers of an application still being written (暂存). Every valid answer is
    kept; the invalid ones are returned as errors and not stored."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if Party.APPLICANT not in policies.case_parties(actor, case):
            raise NotFound()
        if case.state not in EDITABLE_STATES or _in_bundle_draft(case):
            raise CaseNotEditable()
        fields = list(case.version.form_fields.all())
        cleaned, errors = clean_form_data(fields=fields, data=form_data, complete=False)
        # An answer emptied by the applicant is removed; one they mistyped keeps its old value.
        cleared = {key for key, value in form_data.items() if value in ("", None)}
        kept = {k: v for k, v in case.form_data.items() if k not in cleared}
        case.form_data = {**kept, **cleaned}
        case.save(update_fields=["form_data", "updated_at"])
    return form_errors(errors)


def case_material_attach(
    *, case: Case, actor: User, material_key: str, file: IO[bytes], name: str
) -> CaseMaterial:
    """Attach the file for one material, replacing an earlier file for the same material."""
    info = inspect_upload(file=file, name=name)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if Party.APPLICANT not in policies.case_parties(actor, case):
            raise NotFound()
        if case.state not in EDITABLE_STATES or _in_bundle_draft(case):
            raise CaseNotEditable()
        if not case.version.materials.filter(key=material_key).exists():
            raise ValidationFailed(
                _("This service does not ask for this material."), field="material"
            )
        material = store_material(
            case=case, actor=actor, material_key=material_key, file=file, info=info
        )
    return material


def store_material(
    *, case: Case, actor: User, material_key: str, file: IO[bytes], info: UploadInfo
) -> CaseMaterial:
    """Store a checked upload as the case's file for one material (inside the caller's
    locked transaction), replacing and, once committed, deleting an earlier file."""
    material = CaseMaterial.objects.filter(case=case, material_key=material_key).first()
    previous_file = material.file.name if material else None
    material = material or CaseMaterial(case=case, material_key=material_key)
    material.file.save(storage_name(info=info, prefix="cases"), file, save=False)
    material.original_name = info.original_name
    material.content_type = info.content_type
    material.size = info.size
    material.sha256 = info.sha256
    material.uploaded_by = actor
    material.uploaded_at = timezone.now()
    # A new file is checked afresh.
    material.verification = MaterialVerification.PENDING
    material.verification_note, material.verified_by, material.verified_at = "", None, None
    material.save()
    audit_record(
        action="cases.material_attach",
        actor=actor,
        target=case,
        detail={"material": material_key, "sha256": info.sha256, "size": info.size},
    )
    if previous_file:
        storage = material.file.storage
        transaction.on_commit(lambda: storage.delete(previous_file))
    return material


def _missing(case: Case) -> dict[str, list[Any]]:
    """Everything still missing, all at once (一次性告知)."""
    # One query each, though the checks below (the certificate check too) read them again.
    prefetch_related_objects([case.version], "form_fields", "materials")
    _cleaned, errors = clean_form_data(
        fields=list(case.version.form_fields.all()), data=case.form_data, complete=True
    )
    missing = form_errors(errors)
    # Materials given, or replaced by the applicant's signed commitment (告知承诺制).
    given = set(case.materials.values_list("material_key", flat=True))
    given.update(case.commitment_materials)
    given.update(reuse.reuse_certificates(case))  # 免提交: e-certificates stand in for paper
    for material in case.version.materials.all():
        if material.must_be_uploaded and material.key not in given:
            missing[f"materials.{material.key}"] = [
                _("Please provide this material: %(name)s.") % {"name": material.name}
            ]
    return missing


def _defer_materials(case: Case, payload: dict[str, Any], today: date) -> list[str]:
    """容缺受理: the tolerable materials still missing at acceptance and the date by which
    they must follow. Only materials the guide marks as tolerable may be deferred."""
    keys = payload.get("deferred_materials") or []
    if not keys:
        return []
    tolerable = {m.key for m in case.version.materials.all() if m.tolerable}
    unknown = [key for key in keys if key not in tolerable]
    if unknown:
        raise ValidationFailed(
            _("Only materials the service guide allows to follow later can be deferred."),
            field="deferred_materials",
        )
    until = payload.get("deferred_until")
    if isinstance(until, str):
        try:
            until = date.fromisoformat(until)
        except ValueError:
            until = None
    if not isinstance(until, date) or until <= today:
        raise ValidationFailed(
            _("Please give a date after today by which the materials must be supplied."),
            field="deferred_until",
        )
    case.deferred_materials = sorted(set(keys))
    case.deferred_until = until
    payload["deferred_until"] = until.isoformat()
    return ["deferred_materials", "deferred_until"]


# --- The back office: claim, hand-off, consultation, correction during review ------------


def _date_in(payload: dict[str, Any], key: str, *, after: date, message: str) -> date:
    """A date given in the payload (a date or ISO text), later than `after`; written back as
    ISO text so the event keeps it."""
    value = payload.get(key)
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, date) or value <= after:
        raise ValidationFailed(message, field=key)
    payload[key] = value.isoformat()
    return value


def _department_in(payload: dict[str, Any], *, other_than: int) -> Organisation:
    """The government department named in the payload by its credit code (or itself)."""
    value = payload.get("department")
    code = value.credit_code if isinstance(value, Organisation) else str(value or "")
    department = Organisation.objects.filter(
        credit_code=code.strip().upper(), kind=OrganisationKind.DEPARTMENT
    ).first()
    if department is None:
        raise ValidationFailed(_("Please choose a government department."), field="department")
    if department.pk == other_than:
        raise ValidationFailed(
            _("Please choose another department than the case's own."), field="department"
        )
    payload["department"] = department.credit_code
    payload["department_name"] = department.name
    return department


def _reviewer_in(payload: dict[str, Any], *, department_id: int) -> User:
    """The reviewer of the department named in the payload (`to`: their ID number)."""
    value = payload.pop("to", None)
    person = (
        value if isinstance(value, User) else identity_selectors.user_by_id_number(str(value or ""))
    )
    reviewers = (
        identity_selectors.user_roles_by_organisation(person).get(department_id, frozenset())
        if person is not None and person.is_active
        else frozenset()
    )
    if not reviewers & policies.REVIEWING_ROLES:
        raise ValidationFailed(_("Please choose a reviewer of the case's department."), field="to")
    payload["to_name"] = person.name
    return person


def _restart_clock(case: Case, today: date) -> list[str]:
    """The clock stood still since `suspended_since`: the deadline moves by the working
    days it stood still."""
    calendar = matter_selectors.working_calendar()
    if case.suspended_since is not None and case.deadline is not None:
        stopped = calendar.working_days_between(case.suspended_since, today)
        if stopped:
            case.deadline = calendar.add_working_days(case.deadline, stopped)
    case.suspended_since = None
    return ["suspended_since", "deadline"]


def _open_consultation(case: Case, actor: User, payload: dict[str, Any]) -> Consultation:
    """The unanswered consultation of the actor's department on the case (the one named by
    `consultation` in the payload when the department was asked more than once)."""
    open_ones = Consultation.objects.select_for_update().filter(
        case=case, department_id__in=policies.reviews_for(actor), answered_at__isnull=True
    )
    if payload.get("consultation"):
        open_ones = open_ones.filter(pk=payload["consultation"])
    consultation = open_ones.order_by("pk").first()
    if consultation is None:
        raise TransitionImpossible(_("Your department has no open question on this case."))
    payload["consultation"] = consultation.pk
    return consultation


def _apply_review_effects(
    case: Case,
    action: str,
    actor: User,
    today: date,
    payload: dict[str, Any],
    followups: list[Callable[[], object]],
    comment: str,
) -> list[str]:
    """What the back office's steps change besides the state; returns the changed fields
    and adds to `followups` what is written once the step's event is (routing, the
    transactional outbox's messages to other departments)."""
    now = timezone.now()
    if action == Action.ACCEPT:
        followups.append(lambda: routing.route_case(case=case, actor=actor))
        return []
    if action == Action.CLAIM:
        case.claimed_by, case.claimed_at = actor, now
        return ["claimed_by", "claimed_at"]
    if action == Action.RELEASE:
        payload["released"] = case.claimed_by.name if case.claimed_by else ""
        case.claimed_by, case.claimed_at = None, None
        return ["claimed_by", "claimed_at"]
    if action == Action.REASSIGN:
        case.claimed_by = _reviewer_in(payload, department_id=case.department_id)
        case.claimed_at = now
        return ["claimed_by", "claimed_at"]
    if action == Action.HAND_OFF:
        from_department = case.department
        to_department = _department_in(payload, other_than=case.department_id)
        payload["from_department"] = from_department.credit_code
        case.department = to_department
        case.claimed_by, case.claimed_at = None, None

        def hand_off() -> None:
            from cases import handoffs

            handoffs.hand_off_enqueue(
                case=case,
                to_department=to_department,
                from_department=from_department,
                reason=comment,
            )

        followups.append(hand_off)
        return ["department", "claimed_by", "claimed_at"]
    if action == Action.CONSULT:
        department = _department_in(payload, other_than=case.department_id)
        due = None
        if payload.get("due"):
            due = _date_in(
                payload, "due", after=today, message=_("Please give a date after today.")
            )
        if case.consultations.filter(department=department, answered_at__isnull=True).exists():
            raise ValidationFailed(
                _("This department has not answered the earlier question yet."),
                field="department",
            )
        consultation = Consultation.objects.create(
            case=case, department=department, question=comment, requested_by=actor, due=due
        )
        payload["consultation"] = consultation.pk
        # The consulted department's reviewers may see the case from now on (policies).
        assign_perm(f"cases.{policies.VIEW_CASE}", policies.reviewer_group(department), case)

        def consult() -> None:
            from cases import handoffs

            handoffs.consultation_enqueue(consultation=consultation)

        followups.append(consult)
        return []
    if action == Action.ANSWER_CONSULTATION:
        consultation = _open_consultation(case, actor, payload)
        consultation.answer = comment
        consultation.answered_by, consultation.answered_at = actor, now
        consultation.save(update_fields=["answer", "answered_by", "answered_at", "updated_at"])
        return []
    if action == Action.REQUEST_CORRECTION and case.state == CaseState.IN_REVIEW:
        # 补正 during the review: the applicant answers by a date; the working days spent
        # waiting for them do not count against the promised limit (as a suspension).
        case.correction_due = _date_in(
            payload,
            "respond_by",
            after=today,
            message=_("Please give a date after today by which the applicant should answer."),
        )
        case.suspended_since = today
        return ["correction_due", "suspended_since"]
    if action == Action.RESUBMIT and case.accepted_at is not None:
        case.correction_due = None
        return ["correction_due", *_restart_clock(case, today)]
    return []


def transition_target(case: Case, action: str) -> str:
    """Where an action leads this case (cases.workflow explains the exceptions)."""
    target = TRANSITIONS[action].target
    if target is None:
        return case.state
    if action == Action.RESUBMIT and case.accepted_at is not None:
        return CaseState.IN_REVIEW
    if (
        action == Action.ANSWER_CONSULTATION
        and case.consultations.filter(answered_at__isnull=True).exists()
    ):
        return CaseState.CONSULTING
    return target


def case_material_verify(
    *, case: Case, actor: User, material_key: str, verdict: str, note: str = ""
) -> CaseMaterial:
    """The reviewer handling a case records their check of one of its files: verified, or
    rejected with a note saying why (what to ask the applicant for)."""
    if verdict not in MaterialVerification.values:
        raise ValidationFailed(_("Please choose a verdict."), field="verdict")
    note = note.strip()
    if verdict == MaterialVerification.REJECTED and not note:
        raise ValidationFailed(_("Please say what is wrong with this file."), field="note")
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        parties = policies.case_parties(actor, case)
        if not parties:
            raise NotFound()
        if not policies.may_verify_materials(actor, parties, case):
            raise NotAllowed(_("Only the reviewer handling this case checks its materials."))
        if case.state not in CLAIMED:
            raise TransitionImpossible(
                _("This case is “%(state)s”: its materials are no longer checked.")
                % {"state": case.get_state_display()}
            )
        material = CaseMaterial.objects.filter(case=case, material_key=material_key).first()
        if material is None:
            raise NotFound()
        material.verification, material.verification_note = verdict, note
        material.verified_by, material.verified_at = actor, timezone.now()
        material.save(
            update_fields=["verification", "verification_note", "verified_by", "verified_at"]
        )
        audit_record(
            action="cases.material_verify",
            actor=actor,
            target=case,
            detail={"material": material_key, "verdict": verdict},
        )
    return material


def _apply_effects(case: Case, action: str, today: date, payload: dict[str, Any]) -> list[str]:
    """What a transition changes besides the state; returns the changed fields."""
    now = timezone.now()
    if action in (Action.SUBMIT, Action.RESUBMIT):
        missing = _missing(case)
        if missing:
            raise CaseIncomplete(errors=missing)
        case.submitted_at = now
        return ["submitted_at"]
    if action == Action.ACCEPT:
        case.accepted_at = now
        days = case.version.promised_limit_days
        if case.version.handling_kind == HandlingKind.IMMEDIATE:
            days = 0
        case.deadline = matter_selectors.working_calendar().add_working_days(today, days)
        return ["accepted_at", "deadline", *_defer_materials(case, payload, today)]
    if action == Action.SUSPEND:
        case.suspended_since = today
        return ["suspended_since"]
    if action == Action.RESUME:
        return _restart_clock(case, today)
    if action in (Action.APPROVE, Action.DENY):
        case.decided_at = now
        outcome = CaseState.APPROVED if action == Action.APPROVE else CaseState.DENIED
        case.decision_number = decision.decision_number_next(case=case, outcome=outcome)
        payload["decision_number"] = case.decision_number
        return ["decided_at", "decision_number"]
    if action == Action.ISSUE_RESULT:
        return _pickup_code(case)
    if action == Action.DELIVER:
        case.delivered_at = now
        return ["delivered_at", *_express(case, payload)]
    return []


def case_transition(
    *,
    case: Case,
    action: str,
    actor: User,
    comment: str = "",
    payload: dict[str, Any] | None = None,
    today: date | None = None,
) -> Case:
    """Take one action on a case: guarded by who the actor is to the case (404 when it is
    not theirs to see, 403 when they may not take it) and by its state (409)."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationFailed(_("This action does not exist."), field="action")
    today = today or timezone.localdate()
    payload = dict(payload or {})
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("version").get(pk=case.pk)
        )
        parties = policies.case_parties(actor, case)
        if not parties:
            raise NotFound()
        if not parties & transition.who:
            raise NotAllowed(_("You may not take this action on this case."))
        refusal = policies.refusal_reason(actor, parties, case, action)
        if refusal:
            raise NotAllowed(refusal)
        if case.state not in transition.sources:
            raise TransitionImpossible(
                _("This case is “%(state)s”: “%(action)s” is not possible now.")
                % {"state": case.get_state_display(), "action": Action(action).label}
            )
        if action in (Action.SUBMIT, Action.RESUBMIT) and (
            case.bundle_id is not None or _in_bundle_draft(case)
        ):
            raise TransitionImpossible(
                _("This case belongs to a bundle application: submit the bundle as a whole.")
            )
        comment = comment.strip()
        if transition.needs_comment and not comment:
            raise ValidationFailed(_("Please give the reason."), field="comment")
        followups: list[Callable[[], object]] = []
        changed = [
            *_apply_review_effects(case, action, actor, today, payload, followups, comment),
            *_apply_effects(case, action, today, payload),
        ]
        from_state, case.state = case.state, transition_target(case, action)
        case.save(update_fields=["state", "updated_at", *changed])
        if action == Action.APPROVE:  # 电子证照: issued in the approval's transaction
            issuance.issue_certificate_for(case, actor)
        event = CaseEvent.objects.create(
            case=case,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=case.state,
            at=timezone.now(),
            comment=comment,
            payload=payload,
            notify_pending=True,
        )
        audit_record(
            action=f"cases.{action}",
            actor=actor,
            target=case,
            detail={"number": case.number, "from": from_state, "to": case.state},
        )
        for followup in followups:  # routing, outbox messages: same transaction
            followup()
        if case.bundle_id is not None or case.parent_id is not None:
            from cases import bundle_flow  # builds on this module

            bundle_flow.after_transition(case=case, event=event)
        signals.case_transitioned.send(sender=Case, case=case, event=event)
        transaction.on_commit(lambda: _notify(event.pk))
    return case


def _notify(event_id: int) -> None:
    from cases.tasks import notify_case_event
    from core.tasks import enqueue

    enqueue(notify_case_event, event_id=event_id)


# --- The hall: pickup, express, 容缺 supply, 告知承诺 (used by the windows app) ----------

PICKUP_CODE_DIGITS = 8
EXPRESS_MAX_LENGTH = Case._meta.get_field("express_tracking").max_length
# After acceptance and before the decision: when a deferred (容缺) material can still follow.
SUPPLY_STATES = frozenset({CaseState.ACCEPTED, CaseState.IN_REVIEW, CaseState.SUSPENDED})


def collects_at_window(case: Case) -> bool:
    """The applicant collects the result at the hall: they chose so, or made no choice and
    the service offers it."""
    if case.delivery_method:
        return case.delivery_method == DeliveryMethod.WINDOW
    return case.version.delivery_window


def _pickup_code(case: Case) -> list[str]:
    """综合窗口出件: a result collected at the window gets the code the applicant shows."""
    if not collects_at_window(case):
        return []
    case.pickup_code = f"{secrets.randbelow(10**PICKUP_CODE_DIGITS):0{PICKUP_CODE_DIGITS}d}"
    return ["pickup_code"]


def _express(case: Case, payload: dict[str, Any]) -> list[str]:
    """A result sent by post records the carrier and the tracking number (both or neither)."""
    carrier = str(payload.get("express_carrier") or "").strip()
    tracking = str(payload.get("express_tracking") or "").strip()
    if not carrier and not tracking:
        return []
    errors: dict[str, list[Any]] = {}
    for field, value in (("express_carrier", carrier), ("express_tracking", tracking)):
        if not value:
            errors[field] = [_("Please give both the carrier and the tracking number.")]
        elif len(value) > EXPRESS_MAX_LENGTH:
            errors[field] = [
                _("Please keep it within %(limit)s characters.") % {"limit": EXPRESS_MAX_LENGTH}
            ]
    if errors:
        raise ValidationFailed(errors=errors)
    case.express_carrier, case.express_tracking = carrier, tracking
    payload.update(express_carrier=carrier, express_tracking=tracking)
    return ["express_carrier", "express_tracking"]


def case_supply_deferred(
    *, case: Case, actor: User, material_key: str, file: IO[bytes], name: str
) -> CaseMaterial:
    """容缺受理: the applicant (or a clerk of the hall) supplies a material the case was
    accepted without; once every deferred material is in, the supply is complete."""
    info = inspect_upload(file=file, name=name)
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        parties = policies.case_parties(actor, case)
        if not parties:
            raise NotFound()
        if not parties & {Party.APPLICANT, Party.CLERK}:
            raise NotAllowed(_("Only the applicant or a window clerk supplies materials."))
        if material_key not in case.deferred_materials:
            raise ValidationFailed(
                _("This case does not wait for this material."), field="material"
            )
        if case.state not in SUPPLY_STATES:
            raise CaseNotEditable(
                _("This case is “%(state)s”: materials can no longer be supplied.")
                % {"state": case.get_state_display()}
            )
        material = store_material(
            case=case, actor=actor, material_key=material_key, file=file, info=info
        )
        given = set(case.materials.values_list("material_key", flat=True))
        if case.deferred_supplied_at is None and set(case.deferred_materials) <= given:
            case.deferred_supplied_at = timezone.now()
            case.save(update_fields=["deferred_supplied_at", "updated_at"])
            audit_record(
                action="cases.deferred_supplied",
                actor=actor,
                target=case,
                detail={"number": case.number, "materials": case.deferred_materials},
            )
    return material


def case_record_commitment(
    *, case: Case, actor: User, material_keys: list[str], signed: bool
) -> Case:
    """告知承诺制: record the applicant's signed commitment standing in for some materials
    (an empty list withdraws it). Only while the application can still change, and only for
    services that offer the procedure."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("version").get(pk=case.pk)
        )
        if Party.APPLICANT not in policies.case_parties(actor, case):
            raise NotFound()
        if case.state not in EDITABLE_STATES or _in_bundle_draft(case):
            raise CaseNotEditable()
        if not case.version.notification_commitment:
            raise ValidationFailed(
                _("This service does not offer the notification and commitment procedure."),
                field="materials",
            )
        uploadable = {
            m.key for m in case.version.materials.all() if m.source == MaterialSource.UPLOAD
        }
        keys = sorted(set(material_keys))
        if any(key not in uploadable for key in keys):
            raise ValidationFailed(
                _("A commitment can only stand in for materials the applicant would upload."),
                field="materials",
            )
        if keys and not signed:
            raise ValidationFailed(
                _("The applicant must sign the commitment before it is recorded."),
                field="signed",
            )
        case.commitment_materials = keys
        case.commitment_signed_at = timezone.now() if keys else None
        case.save(update_fields=["commitment_materials", "commitment_signed_at", "updated_at"])
        audit_record(
            action="cases.commitment",
            actor=actor,
            target=case,
            detail={"number": case.number, "materials": keys},
        )
    return case
