"""Materials obtained by data sharing on the case pages (the reviewer's and the applicant's):

    {% load shared_data %}{% shared_materials case as shared %}

`case` is any application with `number` and `version.materials` (the cases app's Case,
which sits above this app). A service without shared-data materials costs no query beyond
its materials.
"""

from typing import Any

from django import template

from matters.constants import MaterialSource
from sharing import selectors

register = template.Library()


@register.simple_tag
def shared_materials(case: Any) -> list[selectors.SharedMaterialRow]:
    materials = [
        (material.key, material.name, material.shared_resource)
        for material in case.version.materials.all()
        if material.source == MaterialSource.SHARED_DATA and material.shared_resource
    ]
    if not materials:
        return []
    return selectors.shared_materials_of(reference=case.number, materials=materials)
