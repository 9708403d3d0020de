"""免提交 on the application and case pages: which materials an e-certificate stands in for.

    {% load certificate_reuse %}{% reused_materials case as reuse %}
    {% with status=reuse|reuse_for:material.key %}…{% endwith %}

`case` is any application with `number`, `submitted_at`, `applicant`, `organisation` and
`version.materials` (the cases app's Case, which sits above this app).
"""

from typing import Any

from django import template

from certificates import selectors
from matters.constants import MaterialSource

register = template.Library()


@register.simple_tag
def reused_materials(case: Any) -> dict[str, selectors.ReuseRow]:
    if getattr(case, "bundle_id", None) is not None:
        return {}  # a 一件事 application is submitted as a whole, without reuse (yet)
    materials = [
        (material.key, material.certificate_type)
        for material in case.version.materials.all()
        if material.source == MaterialSource.CERTIFICATE
    ]
    if not materials:
        return {}  # most services: no query at all
    return selectors.reuse_for_case(
        case_reference=case.number,
        submitted=case.submitted_at is not None,
        materials=materials,
        applicant=case.applicant,
        organisation=case.organisation,
    )


@register.filter
def reuse_for(reuse: dict[str, selectors.ReuseRow], key: str) -> selectors.ReuseRow | None:
    return reuse.get(key) if reuse else None
