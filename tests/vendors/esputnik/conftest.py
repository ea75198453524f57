"""Clients speaking eSputnik's HTTP Basic (any user name, the key as password) and the seed's request."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.vendors.esputnik.helpers import client_for, load_fixture


@pytest.fixture
def client(api_key) -> APIClient:
    return client_for(api_key.key)


@pytest.fixture
def read_only_client(read_only_key) -> APIClient:
    return client_for(read_only_key.key)


@pytest.fixture
def other_client(other_key) -> APIClient:
    return client_for(other_key.key)


@pytest.fixture
def seed() -> dict[str, Any]:
    """The seed's example request, verbatim (its email was redacted by the page's publisher)."""
    return load_fixture("seed_add_update_contact.json")


@pytest.fixture
def seed_storable(seed) -> dict[str, Any]:
    """The seed with its two placeholder channel values made real: the published page shows the email as
    Cloudflare's "[email protected]", and "+1234567890" is not a possible phone number (+1 takes ten
    digits). Everything else is the seed's."""
    body = copy.deepcopy(seed)
    body["channels"][0]["value"] = "john.smith@example.com"
    body["channels"][1]["value"] = "+12125550123"
    return body


@pytest.fixture
def seed_fields(workspace):
    """The seed's custom fields, defined in the workspace."""
    from apps.attributes.services import attribute_definition_create

    return {
        "birthDate": attribute_definition_create(workspace=workspace, codename="birthDate", type="date"),
        "loyaltyLevel": attribute_definition_create(
            workspace=workspace, codename="loyaltyLevel", type="choice", choices=["Bronze", "Silver", "Gold"]
        ),
    }


@pytest.fixture
def yespo_bulk() -> dict[str, Any]:
    """Yespo's own "Add/update contacts request example", verbatim."""
    return load_fixture("bulk_yespo_docs_example.json")


@pytest.fixture
def seed_bulk(seed_storable) -> dict[str, Any]:
    """The seed's contact (placeholders made real) as the one item of a bulk matched on its external id."""
    return {"contacts": [seed_storable], "dedupeOn": "externalCustomerId"}
