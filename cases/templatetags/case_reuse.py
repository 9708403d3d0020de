"""免提交 on the application and case pages: which materials an e-certificate stands in for.

{% load case_reuse %}{% reused_materials case as reuse %}
{% with status=reuse|reuse_for:material.key %}…{% endwith %}
"""

from django import template

from cases import reuse as case_reuse
from cases.models import Case
from certificates.selectors import ReuseRow

register = template.Library()


@register.simple_tag
def reused_materials(case: Case) -> dict[str, case_reuse.ReuseItem]:
    return case_reuse.reuse_items(case)


@register.filter
def reuse_for(reuse: dict[str, case_reuse.ReuseItem], key: str) -> ReuseRow | None:
    item = reuse.get(key) if reuse else None
    return item.status if item else None
