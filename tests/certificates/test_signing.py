"""Ed25519 signatures and key rotation (certificates.signing, docs/adr/0007)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from certificates import signing

PAYLOAD = {"identifier": "1.2.156.3005.2.x", "data": {"名称": "宜昌示例科技有限公司"}, "n": 1}


def test_the_canonical_form_does_not_depend_on_key_order():
    assert signing.canonical({"b": 1, "a": "张"}) == signing.canonical({"a": "张", "b": 1})
    assert signing.canonical({"a": "张", "b": 1}) == '{"a":"张","b":1}'.encode()


def test_a_signature_verifies_and_any_change_breaks_it():
    signature = signing.sign(PAYLOAD)

    assert signing.verify(PAYLOAD, signature)
    assert not signing.verify({**PAYLOAD, "n": 2}, signature)
    assert not signing.verify({**PAYLOAD, "data": {"名称": "宜昌示例科技有限公司 "}}, signature)


def test_without_a_configured_key_the_demo_key_is_derived_from_the_secret_key(settings):
    settings.PORTAL_SIGNING_KEY = ""
    first = signing.sign(PAYLOAD)
    settings.SECRET_KEY = "another-secret-key-for-another-installation-0123456789"
    second = signing.sign(PAYLOAD)

    assert first.key_id.startswith("derived-")
    assert second.key_id != first.key_id
    # A certificate signed under the old secret is "signed with an unknown key", not valid.
    assert not signing.verify(PAYLOAD, first)


def test_after_a_rotation_the_retired_key_still_verifies_what_it_signed(settings):
    old_private, old_public = signing.new_key("platform-2025")
    new_private, _new_public = signing.new_key("platform-2026")
    settings.PORTAL_SIGNING_KEY = old_private
    signed_before = signing.sign(PAYLOAD)

    settings.PORTAL_SIGNING_KEY = new_private
    settings.PORTAL_SIGNING_PUBLIC_KEYS = old_public
    signed_after = signing.sign(PAYLOAD)

    assert (signed_before.key_id, signed_after.key_id) == ("platform-2025", "platform-2026")
    assert signing.verify(PAYLOAD, signed_before)
    assert signing.verify(PAYLOAD, signed_after)
    assert set(signing.public_keys()) == {"platform-2025", "platform-2026"}


def test_a_retired_key_that_is_no_longer_listed_verifies_nothing(settings):
    old_private, _old_public = signing.new_key("platform-2025")
    settings.PORTAL_SIGNING_KEY = old_private
    signature = signing.sign(PAYLOAD)
    settings.PORTAL_SIGNING_KEY, _public = signing.new_key("platform-2026")

    assert not signing.verify(PAYLOAD, signature)


def test_a_signature_under_a_known_key_id_but_another_key_fails(settings):
    settings.PORTAL_SIGNING_KEY, _public = signing.new_key("platform")
    forged_key, _public = signing.new_key("platform")
    genuine = signing.sign(PAYLOAD)
    settings.PORTAL_SIGNING_KEY = forged_key
    forged = signing.sign(PAYLOAD)
    settings.PORTAL_SIGNING_KEY = signing.new_key("platform")[0]

    assert genuine.key_id == forged.key_id
    assert not signing.verify(PAYLOAD, forged)


@pytest.mark.parametrize("value", ["no-colon", "id:not-base64!!", "id:c2hvcnQ", ":" + "A" * 43])
def test_a_malformed_key_setting_is_a_configuration_error(settings, value):
    settings.PORTAL_SIGNING_KEY = value

    with pytest.raises(ImproperlyConfigured, match="PORTAL_SIGNING_KEY"):
        signing.sign(PAYLOAD)


def test_a_garbled_signature_value_does_not_verify():
    signature = signing.sign(PAYLOAD)

    assert not signing.verify(PAYLOAD, signing.Signature(signature.key_id, "%%%"))
    assert not signing.verify(PAYLOAD, signing.Signature(signature.key_id, signature.value[:-4]))
