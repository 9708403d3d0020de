"""The case lifecycle as one explicit table (SPEC.md §4): for each action, the states it may
start from, the state it leads to, who may take it and whether a reason is required."""

from dataclasses import dataclass

from cases.constants import Action, CaseState, Party


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    who: frozenset[str]
    needs_comment: bool = False


def _t(sources: set[str], target: str, who: set[str], needs_comment: bool = False) -> Transition:
    return Transition(frozenset(sources), target, frozenset(who), needs_comment)


S = CaseState
STAFF = {Party.CLERK, Party.REVIEWER}

TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: _t({S.DRAFT}, S.SUBMITTED, {Party.APPLICANT}),
    Action.ACCEPT: _t({S.SUBMITTED}, S.ACCEPTED, STAFF),
    Action.REFUSE: _t({S.SUBMITTED}, S.REFUSED, STAFF, needs_comment=True),
    Action.REQUEST_CORRECTION: _t({S.SUBMITTED}, S.CORRECTION_REQUESTED, STAFF, True),
    Action.RESUBMIT: _t({S.CORRECTION_REQUESTED}, S.SUBMITTED, {Party.APPLICANT}),
    # Clerks claim and decide immediate matters only (cases.policies.refusal_reason).
    Action.CLAIM: _t({S.ACCEPTED}, S.IN_REVIEW, STAFF),
    Action.HAND_OFF: _t({S.IN_REVIEW}, S.ACCEPTED, {Party.REVIEWER}, needs_comment=True),
    Action.SUSPEND: _t({S.IN_REVIEW}, S.SUSPENDED, {Party.REVIEWER}, needs_comment=True),
    Action.RESUME: _t({S.SUSPENDED}, S.IN_REVIEW, {Party.REVIEWER}),
    Action.APPROVE: _t({S.IN_REVIEW}, S.APPROVED, STAFF),
    Action.DENY: _t({S.IN_REVIEW}, S.DENIED, STAFF, needs_comment=True),
    Action.ISSUE_RESULT: _t({S.APPROVED, S.DENIED}, S.RESULT_ISSUED, STAFF),
    Action.DELIVER: _t({S.RESULT_ISSUED}, S.DELIVERED, STAFF),
    Action.WITHDRAW: _t(
        {S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED},
        S.WITHDRAWN,
        {Party.APPLICANT},
    ),
}


def actions_from(state: str) -> list[str]:
    """The actions that can start from a state, in table order."""
    return [action for action, t in TRANSITIONS.items() if state in t.sources]
