import hashlib
from datetime import timedelta

from django.forms.models import model_to_dict
from django.utils import timezone

from apps.workspaces.models import ApiKey
from apps.workspaces.services import api_key_authenticate, api_key_revoke


def test_key_is_stored_as_prefix_and_digest_never_the_key(api_key):
    row = ApiKey.objects.get(pk=api_key.api_key.pk)

    assert api_key.key.split("_")[1] == row.prefix
    assert row.digest == hashlib.sha256(api_key.key.encode()).hexdigest()
    secret_part = api_key.key.split("_", 2)[2]
    assert not any(secret_part in str(value) for value in model_to_dict(row).values())


def test_keys_are_unique(workspace, api_key, read_only_key):
    assert api_key.key != read_only_key.key
    assert api_key.api_key.prefix != read_only_key.api_key.prefix


def test_authenticate_accepts_the_issued_key(api_key):
    assert api_key_authenticate(api_key.key) == api_key.api_key


def test_authenticate_rejects_a_key_with_a_known_prefix_and_wrong_secret(api_key):
    forged = api_key.key[:-4] + ("AAAA" if not api_key.key.endswith("AAAA") else "BBBB")

    assert api_key_authenticate(forged) is None


def test_authenticate_rejects_a_revoked_key(api_key):
    api_key_revoke(api_key=api_key.api_key)

    assert api_key_authenticate(api_key.key) is None


def test_revoking_twice_keeps_the_first_revocation_time(api_key):
    first = api_key_revoke(api_key=api_key.api_key).revoked_at

    assert api_key_revoke(api_key=api_key.api_key).revoked_at == first


def test_use_is_recorded(api_key):
    api_key_authenticate(api_key.key)

    assert ApiKey.objects.get(pk=api_key.api_key.pk).last_used_at is not None


def test_recent_use_is_not_rewritten(api_key, django_assert_num_queries):
    api_key_authenticate(api_key.key)
    recorded = ApiKey.objects.get(pk=api_key.api_key.pk).last_used_at

    with django_assert_num_queries(1):  # the lookup; no UPDATE
        api_key_authenticate(api_key.key)

    assert ApiKey.objects.get(pk=api_key.api_key.pk).last_used_at == recorded


def test_use_after_the_resolution_window_is_recorded_again(api_key, settings):
    old = timezone.now() - timedelta(seconds=settings.API_KEY_LAST_USED_RESOLUTION_SECONDS + 1)
    ApiKey.objects.filter(pk=api_key.api_key.pk).update(last_used_at=old)

    api_key_authenticate(api_key.key)

    assert ApiKey.objects.get(pk=api_key.api_key.pk).last_used_at > old
