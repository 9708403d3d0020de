"""A 一件事 application after submission (并联审批): its services' cases (the children) go to
their departments in parallel, or one after the other when the bundle is handled in order;
the parent follows them and is delivered with them.

The rules, in one place:
- A clerk accepts the parent (case_transition ACCEPT); that acceptance covers its children.
  Each child that may start gets a "cases.route_child" outbox message, delivered after the
  commit: the child is accepted (in the clerk's name; its own deadline starts) and its
  department is told. In parallel every child starts at once; in order (Bundle.mode
  "sequential", children in the bundle's item order) the first one starts, and each next
  one when the previous one is approved. A child that is denied, refused or withdrawn ends
  an ordered chain: the children after it that have not started are closed as not accepted.
- A child is done when its result is issued (after approval or denial) or it ended without
  one (refused, withdrawn). The parent is complete — its result issued — when every child is
  done (withdrawn instead when every child was withdrawn). Each step of a child that may
  change this writes a "cases.bundle_advance" message, whose delivery locks the parent and
  decides: so two children finishing at once cannot both miss the completion.
- A denial is told to the applicant at once (a notice about the parent) and shown on the
  parent's page.
- The parent takes only the front desk's actions: accept, refuse (its children are refused
  with it), withdraw (its open children are withdrawn with it) and deliver (its children
  whose result is issued are delivered with it, the way the applicant chose for the parent).
  A child is not delivered on its own while its parent still will be.

Steps no person takes (closing a child that cannot start, completing the parent) are written
here with the system as actor; the bundle, not one service's transition table, governs them.
"""

from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import outbox, policies
from cases.constants import Action, CaseState
from cases.errors import TransitionImpossible
from cases.models import Case, CaseEvent, Notice
from cases.outbox import OutboxKind
from cases.services import _apply_effects, case_transition
from cases.workflow import TRANSITIONS
from core.errors import NotAllowed, NotFound
from identity.models import User
from identity.services import audit_record
from matters.constants import BundleMode

S = CaseState
# What may be done to the parent: the front desk's steps. Claiming, deciding and the rest
# happen on the children.
PARENT_ACTIONS = frozenset({Action.ACCEPT, Action.REFUSE, Action.WITHDRAW, Action.DELIVER})
# Parent steps its children follow.
CASCADED = frozenset({Action.REFUSE, Action.WITHDRAW, Action.DELIVER})
# A child is done for its bundle in these states.
DONE_STATES = frozenset({S.RESULT_ISSUED, S.DELIVERED, S.REFUSED, S.WITHDRAWN})
# A child reaching one of these may start the next one, end a chain or complete the parent.
ADVANCING_STATES = frozenset({S.APPROVED, S.DENIED, S.RESULT_ISSUED, S.REFUSED, S.WITHDRAWN})
# A child stopped short of approval ends an ordered chain.
STOPPED_STATES = frozenset({S.DENIED, S.REFUSED, S.WITHDRAWN})

MSG_PARENT_ACTION = _(
    "A combined application is reviewed and decided through the cases of its services."
)
MSG_NOT_STARTED = _("This service starts when the combined application is accepted.")
MSG_NOT_YOUR_TURN = _(
    "This service starts when the previous service of the application is approved."
)
MSG_DELIVERED_TOGETHER = _(
    "The results of a combined application are delivered together: deliver the application."
)
MSG_CASCADE_REFUSED = _(
    "Every case of this combined application must be yours to act on; please ask the service hall."
)
MSG_CLOSED_UNSTARTED = _(
    "Not started: an earlier service of this combined application was not approved."
)


@dataclass(frozen=True)
class ChildProgress:
    """One service of a combined application as its parent's page shows it."""

    case: Case
    # The department's decision (Action.APPROVE or Action.DENY), "" before one.
    outcome: str
    denial_reason: str
    # Accepted with its application but not started yet (its turn, or its routing, to come).
    waiting: bool


# --- The hook of case_transition ---------------------------------------------------------


def after_transition(*, case: Case, event: CaseEvent) -> None:
    """What a step of a bundle's parent or child means for the rest of the bundle. Called by
    case_transition inside its transaction, the case locked and saved; it may refuse the
    step (the whole transaction then rolls back)."""
    if case.bundle_id is not None:
        _parent_stepped(case, event)
    elif case.parent_id is not None:
        _child_stepped(case, event)


def _parent_stepped(parent: Case, event: CaseEvent) -> None:
    if event.action not in PARENT_ACTIONS:
        raise TransitionImpossible(MSG_PARENT_ACTION)
    children = _children(parent, lock=True)
    if event.action == Action.ACCEPT:
        _advance(parent, children, accepted_by=event.actor_id)
        return
    for child in children:
        if child.state not in TRANSITIONS[event.action].sources:
            continue
        if event.action == Action.DELIVER:
            # The applicant chose once, for the whole application.
            for name in DELIVERY_FIELDS:
                setattr(child, name, getattr(parent, name))
            child.save(update_fields=[*DELIVERY_FIELDS, "updated_at"])
        try:
            case_transition(
                case=child,
                action=event.action,
                actor=event.actor,
                comment=event.comment,
                payload={"bundle": parent.number},
            )
        except (NotFound, NotAllowed) as error:
            raise NotAllowed(MSG_CASCADE_REFUSED) from error


DELIVERY_FIELDS = (
    "delivery_method",
    "delivery_address",
    "pickup_code",
    "express_carrier",
    "express_tracking",
)


def _child_stepped(child: Case, event: CaseEvent) -> None:
    parent = Case.objects.select_related("bundle").get(pk=child.parent_id)
    if event.action == Action.ACCEPT:
        refusal = _start_refusal(parent, child)
        if refusal:
            raise TransitionImpossible(refusal)
    if event.action == Action.DELIVER and parent.state in (S.ACCEPTED, S.RESULT_ISSUED):
        raise TransitionImpossible(MSG_DELIVERED_TOGETHER)
    if event.action == Action.DENY:
        _tell_denial(parent=parent, child=child, reason=event.comment)
    if child.state in ADVANCING_STATES and parent.state == S.ACCEPTED:
        outbox.enqueue(kind=OutboxKind.BUNDLE_ADVANCE, payload={"parent": parent.pk})


def _start_refusal(parent: Case, child: Case) -> str | None:
    """Why a child may not be accepted now (None when it may)."""
    if parent.state != S.ACCEPTED:
        return str(MSG_NOT_STARTED)
    if parent.bundle.mode != BundleMode.SEQUENTIAL:
        return None
    earlier = [c for c in _children(parent) if c.pk < child.pk]
    outcomes = _outcomes(earlier)
    if any(outcomes.get(c.pk) != Action.APPROVE for c in earlier):
        return str(MSG_NOT_YOUR_TURN)
    return None


# --- Moving the bundle on (outbox handlers call these) -----------------------------------


def child_start(*, child_id: int, accepted_by: int) -> Case | None:
    """Accept one child in the name of the clerk who accepted its parent (a route_child
    message); None when it is no longer waiting (withdrawn, refused, already started)."""
    child = Case.objects.select_for_update().filter(pk=child_id).first()
    if child is None or child.state != S.SUBMITTED:
        return None
    parent = Case.objects.select_related("bundle").get(pk=child.parent_id)
    if _start_refusal(parent, child):
        return None
    return case_transition(
        case=child,
        action=Action.ACCEPT,
        actor=User.objects.get(pk=accepted_by),
        payload={"bundle": parent.number},
    )


def bundle_advance(*, parent_id: int) -> None:
    """Take the bundle's next steps (a bundle_advance message): start the children whose turn
    has come, close those that can no longer start, complete the parent when all are done."""
    parent = (
        Case.objects.select_for_update(of=("self",))
        .select_related("bundle")
        .filter(pk=parent_id)
        .first()
    )
    if parent is None or parent.state != S.ACCEPTED:
        return
    accepted_by = (
        CaseEvent.objects.filter(case=parent, action=Action.ACCEPT)
        .order_by("-at", "-id")
        .values_list("actor_id", flat=True)
        .first()
    )
    _advance(parent, _children(parent, lock=True), accepted_by=accepted_by)


def _advance(parent: Case, children: list[Case], *, accepted_by: int | None) -> None:
    """With the parent locked: route the children that may start, close the ones that can
    no longer start, and complete the parent when nothing is left open."""
    start, close = _next_steps(parent.bundle.mode, children, _outcomes(children))
    for child in start:
        outbox.enqueue(
            kind=OutboxKind.ROUTE_CHILD,
            payload={"case": child.pk, "parent": parent.pk, "accepted_by": accepted_by},
        )
    for child in close:
        _system_step(child, action=Action.REFUSE, target=S.REFUSED, comment=MSG_CLOSED_UNSTARTED)
    if children and all(child.state in DONE_STATES for child in children):
        if all(child.state == S.WITHDRAWN for child in children):
            _system_step(parent, action=Action.WITHDRAW, target=S.WITHDRAWN)
        else:
            _system_step(parent, action=Action.ISSUE_RESULT, target=S.RESULT_ISSUED)


def _next_steps(
    mode: str, children: list[Case], outcomes: dict[int, str]
) -> tuple[list[Case], list[Case]]:
    """(children to start, children to close) in the bundle's mode."""
    if mode != BundleMode.SEQUENTIAL:
        return [child for child in children if child.state == S.SUBMITTED], []
    for index, child in enumerate(children):
        if outcomes.get(child.pk) == Action.APPROVE:
            continue
        if child.state == S.SUBMITTED:
            return [child], []
        if child.state in STOPPED_STATES or outcomes.get(child.pk) == Action.DENY:
            return [], [later for later in children[index + 1 :] if later.state == S.SUBMITTED]
        return [], []
    return [], []


# --- Small helpers -----------------------------------------------------------------------


def _children(parent: Case, *, lock: bool = False) -> list[Case]:
    """The parent's children in the bundle's order (they were created in it), locked in
    primary-key order when asked (the parent is locked first by the caller)."""
    children = Case.objects.filter(parent=parent).order_by("pk")
    if lock:
        children = children.select_for_update()
    return list(children)


def _decisions(children: list[Case]) -> dict[int, CaseEvent]:
    """The latest decision (approve or deny event) of each child that has one."""
    events = CaseEvent.objects.filter(
        case_id__in=[child.pk for child in children], action__in=[Action.APPROVE, Action.DENY]
    ).order_by("at", "id")
    return {event.case_id: event for event in events}


def _outcomes(children: list[Case]) -> dict[int, str]:
    return {case_id: event.action for case_id, event in _decisions(children).items()}


def _system_step(case: Case, *, action: str, target: str, comment: Any = "") -> CaseEvent:
    """Write a step the bundle takes by itself (no person acts), with its event, audit and
    notice, like case_transition does for a person's step."""
    now = timezone.now()
    # The same side effects as a person's step of that action (e.g. the pickup code of a
    # result collected at the window).
    fields = ["state", "updated_at", *_apply_effects(case, action, timezone.localdate(), {})]
    from_state, case.state = case.state, target
    if target == S.RESULT_ISSUED:
        case.decided_at = now
        fields.append("decided_at")
    case.save(update_fields=fields)
    event = CaseEvent.objects.create(
        case=case,
        actor=None,
        action=action,
        from_state=from_state,
        to_state=target,
        at=now,
        comment=str(comment),
        notify_pending=True,
    )
    audit_record(
        action=f"cases.{action}",
        actor_label="bundle",
        target=case,
        detail={"number": case.number, "from": from_state, "to": target},
    )
    transaction.on_commit(partial(_notify, event.pk))
    return event


def _notify(event_id: int) -> None:
    from cases.tasks import notify_case_event
    from core.tasks import enqueue

    enqueue(notify_case_event, event_id=event_id)


def _tell_denial(*, parent: Case, child: Case, reason: str) -> None:
    """Tell the applicant (and the agent) at once that a service of their combined
    application was denied, in their own language."""
    people = {
        person.pk: person
        for person in User.objects.filter(pk__in=[parent.applicant_id, parent.agent_id])
    }
    notices = []
    for person in people.values():
        with translation.override(person.language or settings.LANGUAGE_CODE):
            values = {
                "number": parent.number,
                "child": child.number,
                "service": child.version.name,
                "reason": reason,
            }
            title = gettext("A service of your combined application %(number)s was denied") % values
            body = gettext("%(service)s (case %(child)s) was denied. Reason: %(reason)s") % values
        notices.append(Notice(recipient=person, case=parent, title=title[:200], body=body))
    Notice.objects.bulk_create(notices)


# --- Reads -------------------------------------------------------------------------------


def bundle_progress(*, parent: Case, user: Any) -> list[ChildProgress]:
    """The children of a combined application with their department's decision, each shown
    only to those who may see it."""
    children = [
        child
        for child in Case.objects.filter(parent=parent)
        .select_related("version", "department")
        .order_by("pk")
        if policies.case_parties(user, child)
    ]
    decisions = _decisions(children)
    rows = []
    for child in children:
        decision = decisions.get(child.pk)
        outcome = decision.action if decision else ""
        reason = decision.comment if decision and decision.action == Action.DENY else ""
        waiting = parent.state == S.ACCEPTED and child.state == S.SUBMITTED
        rows.append(
            ChildProgress(case=child, outcome=outcome, denial_reason=reason, waiting=waiting)
        )
    return rows
