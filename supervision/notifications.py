"""Telling people about deadline cards: the handler of the carded case gets a notice per
card in their inbox (站内信) and an e-mail; department heads and supervisors get one digest
per run, not one message per card, so a morning with many late cases stays readable.

A card is marked notified in the same transaction as its notices, and the cards waiting are
taken with SKIP LOCKED: two runs at once never tell anyone twice.
"""

from collections import Counter, defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.models import Notice
from identity.constants import Role
from identity.models import Membership, User
from supervision.constants import CardColour, CardKind
from supervision.models import Card

BATCH_SIZE = 500
# Lines of a digest that list cards one by one; the rest are counted.
DIGEST_LINES = 20


def _language(person: User) -> str:
    return person.language or settings.LANGUAGE_CODE


def card_subject_label(card: Card) -> str:
    """What the card is about, as people know it: a case or complaint number, a request."""
    if card.case_id is not None and card.kind != CardKind.RATING_FOLLOW_UP:
        return _("case %(number)s") % {"number": card.case.number}
    if card.kind == CardKind.RATING_FOLLOW_UP and card.case_id is not None:
        return _("the bad rating of case %(number)s") % {"number": card.case.number}
    if card.complaint_id is not None:
        return _("complaint %(number)s") % {"number": card.complaint.number}
    return _("data sharing request %(id)s") % {"id": card.subject_id.split(":")[0]}


def _card_message(card: Card) -> tuple[str, str]:
    values = {
        "colour": CardColour(card.colour).label,
        "kind": CardKind(card.kind).label,
        "subject": card_subject_label(card),
        "due": card.due.isoformat(),
    }
    title = _("%(colour)s: %(kind)s — %(subject)s") % values
    if card.colour == CardColour.RED:
        body = _("The time limit of %(subject)s passed on %(due)s (%(kind)s).") % values
    else:
        body = _("The time limit of %(subject)s ends on %(due)s (%(kind)s).") % values
    return title[:200], body


def _cards_link() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("supervision:cards")


def _digest(person: User, counts: Counter[tuple[str, str]], lines: list[str]) -> tuple[str, str]:
    with translation.override(_language(person)):
        total = sum(counts.values())
        title = _("%(count)s new deadline cards") % {"count": total}
        summary = [
            _("%(colour)s · %(kind)s: %(count)s")
            % {"colour": CardColour(c).label, "kind": CardKind(k).label, "count": n}
            for (k, c), n in sorted(counts.items())
        ]
        body = "\n".join([*summary, "", *lines[:DIGEST_LINES]])
        if len(lines) > DIGEST_LINES:
            body += "\n" + _("… and %(count)s more.") % {"count": len(lines) - DIGEST_LINES}
        body += "\n\n" + _("See every card here: %(link)s") % {"link": _cards_link()}
    return title[:200], body


def cards_notify(*, batch_size: int = BATCH_SIZE) -> int:
    """Tell the people concerned about every card not told yet; returns how many cards."""
    told = 0
    by_department: dict[int | None, Counter[tuple[str, str]]] = defaultdict(Counter)
    lines_by_department: dict[int | None, list[str]] = defaultdict(list)
    mails: list[int] = []
    while True:
        with transaction.atomic():
            batch = list(
                Card.objects.filter(notified_at__isnull=True)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("case", "complaint", "handler")
                .order_by("pk")[:batch_size]
            )
            if not batch:
                break
            notices = []
            for card in batch:
                by_department[card.department_id][(card.kind, card.colour)] += 1
                with translation.override(settings.LANGUAGE_CODE):
                    lines_by_department[card.department_id].append(_card_message(card)[0])
                if card.handler is not None:
                    with translation.override(_language(card.handler)):
                        title, body = _card_message(card)
                    notices.append(
                        Notice(recipient=card.handler, case=card.case, title=title, body=body)
                    )
            made = Notice.objects.bulk_create(notices)
            mails.extend(notice.pk for notice in made if notice.pk is not None)
            Card.objects.filter(pk__in=[card.pk for card in batch]).update(
                notified_at=timezone.now()
            )
        told += len(batch)
    if by_department:
        mails.extend(_send_digests(by_department, lines_by_department))
    if mails:
        transaction.on_commit(lambda: _mail_later(mails))
    return told


def _send_digests(
    by_department: dict[int | None, Counter[tuple[str, str]]],
    lines_by_department: dict[int | None, list[str]],
) -> list[int]:
    """One notice per department head (their department's new cards) and per supervisor
    (every new card)."""
    heads = defaultdict(list)
    for membership in Membership.objects.filter(
        role=Role.DEPARTMENT_HEAD, is_active=True, organisation_id__in=list(by_department)
    ).select_related("user"):
        heads[membership.user].append(membership.organisation_id)
    supervisors = {
        m.user
        for m in Membership.objects.filter(role=Role.SUPERVISOR, is_active=True).select_related(
            "user"
        )
    }
    everything: Counter[tuple[str, str]] = Counter()
    all_lines: list[str] = []
    for department, counts in by_department.items():
        everything.update(counts)
        all_lines.extend(lines_by_department[department])
    notices = []
    for person, departments in heads.items():
        if person in supervisors:
            continue
        counts: Counter[tuple[str, str]] = Counter()
        lines: list[str] = []
        for department in departments:
            counts.update(by_department[department])
            lines.extend(lines_by_department[department])
        title, body = _digest(person, counts, lines)
        notices.append(Notice(recipient=person, title=title, body=body))
    for person in supervisors:
        title, body = _digest(person, everything, all_lines)
        notices.append(Notice(recipient=person, title=title, body=body))
    made = Notice.objects.bulk_create(notices)
    return [notice.pk for notice in made if notice.pk is not None]


def _mail_later(notice_ids: list[Any]) -> None:
    from supervision.tasks import mail_notices

    for start in range(0, len(notice_ids), BATCH_SIZE):
        mail_notices.delay(notice_ids=notice_ids[start : start + BATCH_SIZE])


def notices_mail(*, notice_ids: list[int]) -> int:
    """E-mail the notices to their recipients who gave an address; returns how many."""
    sent = 0
    for notice in Notice.objects.filter(pk__in=notice_ids).select_related("recipient"):
        if notice.recipient.email:
            send_mail(
                notice.title, notice.body, settings.DEFAULT_FROM_EMAIL, [notice.recipient.email]
            )
            sent += 1
    return sent
