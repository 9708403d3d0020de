"""Provider adapters: where the exchange gets a resource's data from.

The exchange never stores a department's data itself. For each read it asks the provider's
adapter for the record of one subject (a citizen ID number or a credit code), limited to the
fields the consumer may read:

    adapter.fetch(resource, subject, fields) -> dict | None

returning {field key: value} for the fields asked (a missing value may be left out), or None
when the provider holds no record about the subject. An adapter that cannot reach its system
raises `ProviderUnavailable`; the read is then logged as "unavailable" and the caller gets 503.

This is the place to plug a department's real system (its own database view, a message bus,
or the national exchange's interface): write a class with `fetch` and name it for the
provider in the setting `SHARING_PROVIDER_ADAPTERS` (provider credit code → dotted path). An
adapter must not return fields that were not asked for; the exchange drops them anyway.

Without a setting, the built-in `DemoTableAdapter` serves the rows `seed_demo` writes into
`sharing.models.DemoRecord`.
"""

from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from sharing.errors import ProviderUnavailable
from sharing.models import DemoRecord, Resource

__all__ = ["DemoTableAdapter", "ProviderAdapter", "ProviderUnavailable", "adapter_for"]


class ProviderAdapter(Protocol):
    def fetch(
        self, resource: Resource, subject: str, fields: Sequence[str]
    ) -> dict[str, Any] | None: ...


class DemoTableAdapter:
    """The built-in adapter: one query on the demo table."""

    def fetch(
        self, resource: Resource, subject: str, fields: Sequence[str]
    ) -> dict[str, Any] | None:
        data = (
            DemoRecord.objects.filter(resource=resource, subject=subject)
            .order_by()  # the model's ordering would join the resource table
            .values_list("data", flat=True)
            .first()
        )
        if data is None:
            return None
        return {key: data[key] for key in fields if key in data}


@cache
def _load(path: str) -> ProviderAdapter:
    return import_string(path)()


def adapter_for(resource: Resource) -> ProviderAdapter:
    """The adapter of the resource's provider (settings.SHARING_PROVIDER_ADAPTERS), else the
    built-in one. Adapters are made once per process."""
    configured: dict[str, str] = getattr(settings, "SHARING_PROVIDER_ADAPTERS", {})
    return _load(
        configured.get(resource.provider.credit_code, "sharing.providers.DemoTableAdapter")
    )
