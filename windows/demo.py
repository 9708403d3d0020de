"""Demo hall for `manage.py seed_demo`: 宜昌市民之家 with a window per category and special
service, the demo clerk 赵敏 signed in at window 5, a few tickets waiting today,
appointment slots for the next working days and one booked by 张三. Idempotent: run
again, it adds only what is missing (today's tickets, slots of new days)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from identity.models import Organisation, Region, User
from matters import selectors as matter_selectors
from matters.constants import WindowCategory
from windows import selectors, services
from windows.constants import SpecialWindow, TicketChannel
from windows.models import AppointmentSlot, Hall, Ticket, Window

CITY_CODE = "420500000000"
OPERATOR = "11420500MB00000011"  # 宜昌市政务服务和大数据管理局 (portal.demo "zwfw")
CLERK = "420502198805050019"  # 赵敏
ZHANG_SAN = "420502199003071234"
HALL_NAME = "宜昌市民之家"
CLERK_WINDOW = "5"

INV, COM, LIV, PUB = (
    WindowCategory.INVESTMENT,
    WindowCategory.COMMERCIAL,
    WindowCategory.LIVELIHOOD,
    WindowCategory.PUBLIC_RESOURCES,
)
S = SpecialWindow
# (number, categories, special window)
WINDOWS = [
    ("1", [INV], ""),
    ("2", [INV], ""),
    ("3", [COM], ""),
    ("4", [COM], ""),
    (CLERK_WINDOW, [COM, LIV], ""),
    ("6", [LIV], ""),
    ("7", [LIV], ""),
    ("8", [PUB], ""),
    ("9", [], S.ENQUIRIES),
    ("10", [], S.ASSISTED),
    ("11", [], S.CROSS_PROVINCE),
    ("12", [], S.COMPLAINTS),
    ("13", [], S.FREE_SERVICES),
]
# Tickets waiting when the demo starts: (queue, taken by 张三 online).
TICKETS = [
    (COM, False),
    (COM, False),
    (LIV, False),
    (LIV, True),
    (INV, False),
    (S.ENQUIRIES, False),
]
SLOT_CATEGORIES = [INV, COM, LIV]
SLOT_STARTS = [time(9, 0), time(9, 30), time(10, 0), time(10, 30), time(11, 0), time(11, 30)]
SLOT_STARTS += [time(14, 0), time(14, 30), time(15, 0), time(15, 30), time(16, 0), time(16, 30)]
SLOT_MINUTES = 30
SLOT_CAPACITY = 3
SLOT_DAYS = 5


def seed_hall() -> Hall:
    hall, _created = Hall.objects.update_or_create(
        name=HALL_NAME,
        region=Region.objects.get(code=CITY_CODE),
        defaults={
            "operator": Organisation.objects.get(credit_code=OPERATOR),
            "address": "宜昌市西陵区沿江大道189号",
            "opening_hours": "周一至周五 9:00—12:00，13:30—17:00（法定节假日除外）；"
            "周六 9:00—12:00 延时服务",
        },
    )
    for number, categories, special in WINDOWS:
        Window.objects.update_or_create(
            hall=hall,
            number=number,
            defaults={"categories": categories, "special_kind": special, "is_active": True},
        )
    clerk = User.objects.get(id_number=CLERK)
    if selectors.clerk_session(clerk) is None:
        services.window_sign_in(clerk=clerk, window=hall.windows.get(number=CLERK_WINDOW))
    _seed_tickets(hall)
    _seed_slots(hall)
    _seed_appointment(hall)
    return hall


def _seed_tickets(hall: Hall) -> None:
    if Ticket.objects.filter(hall=hall, day=timezone.localdate()).exists():
        return
    zhang_san = User.objects.get(id_number=ZHANG_SAN)
    for category, online in TICKETS:
        services.ticket_issue(
            hall=hall,
            category=category,
            channel=TicketChannel.ONLINE if online else TicketChannel.KIOSK,
            person=zhang_san if online else None,
        )


def _seed_slots(hall: Hall) -> None:
    calendar = matter_selectors.working_calendar()
    day, days = timezone.localdate(), []
    while len(days) < SLOT_DAYS:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            days.append(day)
    zone = timezone.get_current_timezone()
    # Only times somebody can book: a category with no bookable service of the hall gets none.
    categories = [
        category
        for category in SLOT_CATEGORIES
        if selectors.implementations_of_hall(hall, category=category).exists()
    ]
    for day in days:
        for start in SLOT_STARTS:
            starts_at = datetime.combine(day, start, tzinfo=zone)
            for category in categories:
                AppointmentSlot.objects.get_or_create(
                    hall=hall,
                    category=category,
                    starts_at=starts_at,
                    defaults={
                        "ends_at": starts_at + timedelta(minutes=SLOT_MINUTES),
                        "capacity": SLOT_CAPACITY,
                    },
                )


def _seed_appointment(hall: Hall) -> None:
    """张三 has booked the first free livelihood time for a service that takes bookings."""
    zhang_san = User.objects.get(id_number=ZHANG_SAN)
    if selectors.upcoming_appointments_of(zhang_san).exists():
        return
    version = selectors.implementations_of_hall(hall, category=LIV).first()
    slot = selectors.free_slots(hall, category=LIV).first()
    if version is not None and slot is not None:
        services.appointment_book(
            person=zhang_san, slot=slot, implementation=version.implementation
        )
