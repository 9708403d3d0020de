"""The case lifecycle as one explicit table (SPEC.md §4): for each action, the states it may
start from, the state it leads to, who may take it and whether a reason is required.

Three actions end somewhere else than their table target, decided by
`cases.services.transition_target` from the case itself:
- `resubmit` of a correction asked for during the review (the case was accepted already)
  returns the case to review, not to the hall's acceptance check;
- `answer_consultation` keeps the case waiting while another consulted department has not
  answered yet;
- `reassign` (target None) leaves the state as it is: only the claimant changes.
"""

from dataclasses import dataclass

from cases.constants import Action, CaseState, Party


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None
    who: frozenset[str]
    needs_comment: bool = False


def _t(
    sources: set[str], target: str | None, who: set[str], needs_comment: bool = False
) -> Transition:
    return Transition(frozenset(sources), target, frozenset(who), needs_comment)


S = CaseState
STAFF = {Party.CLERK, Party.REVIEWER}
REVIEWER = {Party.REVIEWER}
# The states of a claimed case under review: its claimant works on it.
CLAIMED = {S.IN_REVIEW, S.SUSPENDED, S.CONSULTING}

TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: _t({S.DRAFT}, S.SUBMITTED, {Party.APPLICANT}),
    Action.ACCEPT: _t({S.SUBMITTED}, S.ACCEPTED, STAFF),
    Action.REFUSE: _t({S.SUBMITTED}, S.REFUSED, STAFF, needs_comment=True),
    # At intake (the hall) or during the review (补正, the reviewer asks for more with a
    # date to answer by; the clock stops meanwhile: cases.services).
    Action.REQUEST_CORRECTION: _t({S.SUBMITTED, S.IN_REVIEW}, S.CORRECTION_REQUESTED, STAFF, True),
    Action.RESUBMIT: _t({S.CORRECTION_REQUESTED}, S.SUBMITTED, {Party.APPLICANT}),
    # Clerks claim and decide immediate matters only (cases.policies.refusal_reason).
    Action.CLAIM: _t({S.ACCEPTED}, S.IN_REVIEW, STAFF),
    # The claimant gives the case back to the queue (or the department head takes it back).
    Action.RELEASE: _t({S.IN_REVIEW}, S.ACCEPTED, REVIEWER),
    # The department head gives a claimed case to another of the department's reviewers.
    Action.REASSIGN: _t(CLAIMED, None, REVIEWER, needs_comment=True),
    # 转办: to another department's queue, unclaimed.
    Action.HAND_OFF: _t({S.IN_REVIEW}, S.ACCEPTED, REVIEWER, needs_comment=True),
    # 征求意见: the comment is the question; more departments can be asked while waiting.
    Action.CONSULT: _t({S.IN_REVIEW, S.CONSULTING}, S.CONSULTING, REVIEWER, needs_comment=True),
    Action.ANSWER_CONSULTATION: _t(
        {S.CONSULTING}, S.IN_REVIEW, {Party.CONSULTED}, needs_comment=True
    ),
    Action.SUSPEND: _t({S.IN_REVIEW}, S.SUSPENDED, REVIEWER, needs_comment=True),
    Action.RESUME: _t({S.SUSPENDED}, S.IN_REVIEW, REVIEWER),
    Action.APPROVE: _t({S.IN_REVIEW}, S.APPROVED, STAFF),
    Action.DENY: _t({S.IN_REVIEW}, S.DENIED, STAFF, needs_comment=True),
    Action.ISSUE_RESULT: _t({S.APPROVED, S.DENIED}, S.RESULT_ISSUED, STAFF),
    Action.DELIVER: _t({S.RESULT_ISSUED}, S.DELIVERED, STAFF),
    Action.WITHDRAW: _t(
        {S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, *CLAIMED},
        S.WITHDRAWN,
        {Party.APPLICANT},
    ),
}


def actions_from(state: str) -> list[str]:
    """The actions that can start from a state, in table order."""
    return [action for action, t in TRANSITIONS.items() if state in t.sources]
