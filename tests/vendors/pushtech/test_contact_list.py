"""`GET /v2/account/:account_id/contact/`: the account's contacts, filtered, a keyset page at a time."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.attributes.services import attribute_definition_create
from apps.contacts.models import Contact
from apps.workspaces.services import api_key_revoke
from tests.vendors.pushtech.conftest import NOW, client_for, contact_make, fixture, list_url

pytestmark = pytest.mark.django_db


def get(client, workspace, query: str = "", **extra):
    return client.get(list_url(workspace.public_id, query), **extra)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["contacts"]]


@pytest.fixture
def vendor_example(workspace) -> Contact:
    """The contact of the vendor's documented response."""
    return contact_make(
        workspace,
        first_name="Jhoe",
        last_name="Doe",
        external_id="xxxxxx",
        email="email@email.email",
        phone="+3477777777",
    )


def test_the_documented_request_gets_the_documented_body(client, workspace, vendor_example):
    request = fixture("contact_list_request.json")
    route = request["route"].replace(":account_id", workspace.public_id)

    response = client.get(
        "/pushtech/api" + route, HTTP_ACCEPT=request["headers"]["Accept"], CONTENT_TYPE="application/json"
    )

    assert response.status_code == 200
    documented = fixture("contact_list_response.json")
    documented["contacts"][0]["id"] = str(vendor_example.pk)
    assert response.json() == documented


def test_the_documented_pagination_route(client, workspace):
    contacts = [contact_make(workspace, external_id=f"c{i}") for i in range(3)]
    route = fixture("contact_list_request.json")["route_with_pagination"]
    path = route.replace(":account_id", workspace.public_id).replace("{contact_id}", str(contacts[0].pk))

    assert ids(client.get("/pushtech/api" + path)) == [str(c.pk) for c in contacts[1:]]


def test_works_without_the_trailing_slash(client, workspace, vendor_example):
    response = client.get(f"/pushtech/api/v2/account/{workspace.public_id}/contact")

    assert ids(response) == [str(vendor_example.pk)]


def test_tags_are_listed(client, workspace):
    contact_make(workspace, email="a@x.io", tags=("vip", "beta"))

    assert get(client, workspace).json()["contacts"][0]["tags"] == ["beta", "vip"]


def test_pages_by_contact_id_in_creation_order(client, workspace):
    contacts = [contact_make(workspace, external_id=f"c{i}") for i in range(5)]
    all_ids = [str(c.pk) for c in contacts]

    first = ids(get(client, workspace, "?limit=2"))
    second = ids(get(client, workspace, f"?limit=2&contact_id_from={first[-1]}"))
    last = ids(get(client, workspace, f"?limit=2&contact_id_from={second[-1]}"))
    past_the_end = ids(get(client, workspace, f"?limit=2&contact_id_from={last[-1]}"))

    assert first + second + last == all_ids
    assert past_the_end == []


def test_descending_order_pages_backwards(client, workspace):
    contacts = [contact_make(workspace, external_id=f"c{i}") for i in range(4)]

    first = ids(get(client, workspace, "?order=desc&limit=2"))
    second = ids(get(client, workspace, f"?order=desc&limit=2&contact_id_from={first[-1]}"))

    assert first + second == [str(c.pk) for c in reversed(contacts)]


def test_the_default_limit_is_200(client, workspace):
    Contact.objects.bulk_create([Contact(workspace=workspace, external_id=f"c{i}") for i in range(201)])

    assert len(ids(get(client, workspace))) == 200


def test_limit_is_capped_at_1000(client, workspace):
    Contact.objects.bulk_create([Contact(workspace=workspace, external_id=f"c{i}") for i in range(1001)])

    assert len(ids(get(client, workspace, "?limit=5000"))) == 1000


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("?limit=lots", "limit"),
        ("?limit=0", "limit"),
        ("?contact_id_from=abc", "contact_id_from"),
        ("?order=sideways", "order"),
        ("?email=nope", "email"),
        ("?phone_countrycode=UK", "phone_countrycode"),
    ],
)
def test_malformed_parameters_are_400_naming_them(client, workspace, query, path):
    response = get(client, workspace, query)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith(f"{path}: ")
    assert error["details"][0]["path"] == path


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?user_id=u-1", ["a"]),
        ("?email=A@Example.com", ["a"]),
        ("?name_first=Ann", ["a", "b"]),
        ("?name_first=Ann&name_last=Ko", ["b"]),
        ("?phone_countrycode=44&phone_number=7712345678", ["a"]),
        ("?phone_countrycode=%2B44&phone_number=07712345678", ["a"]),
        ("?phone_countrycode=44", ["a"]),
        ("?phone_countrycode=1", ["b"]),
        ("?phone_number=7712345678", ["a", "b"]),
        ("?phone_number=12345678", []),  # a tail of a number is not the number
        ("?user_id=nobody", []),
    ],
)
def test_filters(client, workspace, query, expected):
    made = {
        "a": contact_make(
            workspace,
            external_id="u-1",
            email="a@example.com",
            first_name="Ann",
            last_name="Lee",
            phone="+447712345678",
        ),
        "b": contact_make(
            workspace, external_id="u-2", first_name="Ann", last_name="Ko", phone="+17712345678"
        ),
    }

    assert ids(get(client, workspace, query)) == [str(made[name].pk) for name in expected]


def test_device_id_matches_the_custom_attribute(client, workspace):
    attribute_definition_create(workspace=workspace, codename="device_id")
    mine = contact_make(workspace, external_id="a", attributes={"device_id": "dev-1"})
    contact_make(workspace, external_id="b", attributes={"device_id": "dev-2"})

    assert ids(get(client, workspace, "?device_id=dev-1")) == [str(mine.pk)]


def test_device_id_matches_nothing_without_the_attribute(client, workspace):
    contact_make(workspace, external_id="a")

    assert ids(get(client, workspace, "?device_id=dev-1")) == []


def test_deleted_contacts_are_left_out(client, workspace):
    live = contact_make(workspace, external_id="live")
    contact_make(workspace, external_id="gone", deleted_at=NOW)

    assert ids(get(client, workspace)) == [str(live.pk)]
    assert ids(get(client, workspace, "?user_id=gone")) == []


def test_another_workspaces_contacts_are_never_listed(client, workspace, other_workspace):
    mine = contact_make(workspace, external_id="same")
    contact_make(other_workspace, external_id="same")

    assert ids(get(client, workspace)) == [str(mine.pk)]
    assert ids(get(client, workspace, "?user_id=same")) == [str(mine.pk)]


def test_another_workspaces_key_on_our_account_is_403(other_key, workspace, vendor_example):
    response = get(client_for(other_key.key), workspace)

    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "permission_denied", "message": "This API key does not belong to this account."}
    }


def test_our_key_on_another_account_is_403(client, other_workspace):
    contact_make(other_workspace, external_id="theirs")

    response = get(client, other_workspace)

    assert response.status_code == 403
    assert "contacts" not in response.json()


def test_an_unknown_account_is_403(client):
    response = client.get(list_url("0" * 24))

    assert response.status_code == 403


def test_a_read_only_key_may_list(read_only_key, workspace, vendor_example):
    assert ids(get(client_for(read_only_key.key), workspace)) == [str(vendor_example.pk)]


def test_a_missing_key_is_401(workspace):
    response = get(APIClient(), workspace)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Token realm="Application"'


@pytest.mark.parametrize("header", ["Token token=ca_nope_nope", "Bearer {key}", "Token", "Basic {key}"])
def test_a_wrong_key_or_scheme_is_401(api_key, workspace, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.format(key=api_key.key))

    assert get(client, workspace).status_code == 401


@pytest.mark.parametrize("header", ['Token token="{key}"', "Token token={key}, realm=x", "token {key}"])
def test_token_header_spellings(api_key, workspace, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.format(key=api_key.key))

    assert get(client, workspace).status_code == 200


def test_a_revoked_key_is_401(api_key, workspace):
    api_key_revoke(api_key=api_key.api_key)

    assert get(client_for(api_key.key), workspace).status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_are_405(client, workspace, method):
    response = getattr(client, method)(list_url(workspace.public_id), {}, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_an_accept_header_without_json_is_406(client, workspace):
    assert get(client, workspace, HTTP_ACCEPT="text/html").status_code == 406


def test_over_the_rate_limit_is_429_with_retry_after(client, workspace, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "pushtech": "2/min"}
    for _ in range(2):
        assert get(client, workspace).status_code == 200

    response = get(client, workspace)

    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_query_count_does_not_grow_with_the_page(client, workspace):
    contact_make(workspace, external_id="first", tags=("vip",))
    get(client, workspace)  # the first request of a key records its use

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert get(client, workspace).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for i in range(30):
        contact_make(workspace, external_id=f"c{i}", phone="+447700900123", tags=("vip", "beta", f"t{i}"))

    assert queries() == one
    assert len(get(client, workspace).json()["contacts"]) == 31
