"""The demo certificate library: a type for every certificate the catalogue names, and the
demo holders' certificates (SPEC.md §7)."""

import pytest
from django.core.management import call_command

from certificates import demo, identifiers, selectors
from certificates.constants import CertificateState, Standing
from certificates.models import Certificate, CertificateType, CertificateUse
from matters.demo import CATALOGUE, CERTIFICATE_TYPES, MATERIALS

ISSUE_NAMES = {"营业执照", "食品经营许可证", "不动产权证书", "出生医学证明", "社会保障卡",
               "残疾人证", "建筑工程施工许可证"}  # fmt: skip


def test_every_type_the_catalogue_names_has_a_certificate_type_of_the_same_name():
    named = set(CERTIFICATE_TYPES)
    named |= {m["result_certificate_type"] for m in CATALOGUE if m.get("result_certificate_type")}
    named |= {
        spec["certificate_type"] for _name, spec in MATERIALS.values() if "certificate_type" in spec
    }

    assert named <= set(demo.TYPES)
    assert {code: spec[0] for code, spec in demo.TYPES.items()} == CERTIFICATE_TYPES
    assert {spec[0] for spec in demo.TYPES.values()} >= ISSUE_NAMES


def test_every_type_has_fields_with_labels_and_unique_keys():
    for code, (_name, _dept, _holder, _years, _single, _layout, fields) in demo.TYPES.items():
        keys = [field["key"] for field in fields]
        assert fields, code
        assert len(keys) == len(set(keys)), code
        assert all(field["label"] for field in fields), code


@pytest.mark.django_db
def test_the_demo_seeds_every_type_and_the_demo_holders_certificates(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")

    types = CertificateType.objects.all()
    assert {t.code for t in types} == set(demo.TYPES)
    assert all(identifiers.TYPE_CODE_RE.match(t.type_code) for t in types)
    assert all(t.issuing_department is not None for t in types)
    by_type = {}
    for certificate in Certificate.objects.select_related("type"):
        by_type.setdefault(certificate.type.code, []).append(certificate)
        assert identifiers.identifier_is_valid(certificate.identifier)
        assert selectors.signature_intact(certificate)
        assert selectors.pdf_intact(certificate) is True
    zhang = {c.type.code: c for c in Certificate.objects.filter(holder_user__name="张三")}
    assert selectors.standing(zhang["jzz"]) == Standing.VALID
    assert zhang["jdcjsz"].state == CertificateState.REVOKED
    licences = sorted(
        Certificate.objects.filter(type__code="yyzz", holder_organisation__isnull=False),
        key=lambda c: c.version,
    )
    # Replaced by the demo (住所变更), and again by each demo approval that reissues it.
    assert len(licences) >= 2
    assert {c.state for c in licences[:-1]} == {CertificateState.REPLACED}
    assert licences[-1].state == CertificateState.ISSUED
    assert "spjyxkz" in by_type
    # The enterprise's demo applications reused its 营业执照 instead of asking for a copy.
    reused = set(CertificateUse.objects.values_list("certificate__type__code", "certificate"))
    assert {code for code, _pk in reused} == {"yyzz"}
    assert {pk for _code, pk in reused} & {c.pk for c in licences}

    call_command("seed_demo")
    assert Certificate.objects.count() == sum(len(v) for v in by_type.values())
