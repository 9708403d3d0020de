"""Writes of the cases app: creating a case, changing its form, attaching materials and the
one `case_transition` service every state change goes through."""

from datetime import date
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import policies
from cases.constants import EDITABLE_STATES, Action, CaseState, Channel, Party
from cases.errors import CaseIncomplete, CaseNotEditable, TransitionImpossible
from cases.models import Case, CaseEvent, CaseMaterial, CaseNumberBlock
from cases.uploads import UploadInfo, inspect_upload, storage_name
from cases.workflow import TRANSITIONS
from core.errors import NotAllowed, NotFound, ValidationFailed
from identity import selectors as identity_selectors
from identity.constants import ORGANISATION_ROLES
from identity.models import Organisation, User
from identity.services import audit_record
from matters import selectors as matter_selectors
from matters.constants import HandlingKind, OnlineDepth
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
    submit: bool = False,
) -> Case:
    """Start an application (a draft), optionally submitting it at once. The same
    idempotency key from the same person returns the case made the first time."""
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
    if submit:
        case = case_transition(case=case, action=Action.SUBMIT, actor=actor)
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
    _cleaned, errors = clean_form_data(
        fields=list(case.version.form_fields.all()), data=case.form_data, complete=True
    )
    missing = form_errors(errors)
    # Materials given, or replaced by the applicant's signed commitment (告知承诺制).
    given = set(case.materials.values_list("material_key", flat=True))
    given.update(case.commitment_materials)
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
        # The clock stood still: the deadline moves by the suspended working days.
        calendar = matter_selectors.working_calendar()
        stopped = calendar.working_days_between(case.suspended_since, today)
        if case.deadline is not None and stopped:
            case.deadline = calendar.add_working_days(case.deadline, stopped)
        case.suspended_since = None
        return ["suspended_since", "deadline"]
    if action in (Action.APPROVE, Action.DENY):
        case.decided_at = now
        return ["decided_at"]
    if action == Action.DELIVER:
        case.delivered_at = now
        return ["delivered_at"]
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
        changed = _apply_effects(case, action, today, payload)
        from_state, case.state = case.state, transition.target
        case.save(update_fields=["state", "updated_at", *changed])
        event = CaseEvent.objects.create(
            case=case,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=case.state,
            at=timezone.now(),
            comment=comment,
            payload=payload,
        )
        audit_record(
            action=f"cases.{action}",
            actor=actor,
            target=case,
            detail={"number": case.number, "from": from_state, "to": case.state},
        )
        transaction.on_commit(lambda: _notify(event.pk))
    return case


def _notify(event_id: int) -> None:
    from cases.tasks import notify_case_event

    notify_case_event.delay(event_id=event_id)
