"""Signals other apps listen to, so that cases need not know them (apps depend downward)."""

from django.dispatch import Signal

# Sent by case_transition inside the transaction of the change, after the event is written:
# case (its new state saved), event (the CaseEvent). A receiver's error rolls the change back.
case_transitioned = Signal()
