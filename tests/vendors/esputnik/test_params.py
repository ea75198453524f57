"""params.py is pure: query parameters and path ids → typed values, or a 400 naming the parameter."""

from __future__ import annotations

import pytest

from apps.core.errors import ApplicationError
from apps.vendors.esputnik.params import contact_id_from_path, contact_search_params, delete_params


def test_search_params_default_to_the_first_500():
    search = contact_search_params({})

    assert (search.offset, search.limit, search.email, search.phone, search.external_id) == (
        0,
        500,
        None,
        None,
        None,
    )


def test_search_params_normalise_the_identities():
    search = contact_search_params(
        {
            "email": " John@Example.com ",
            "sms": "+1 212 555 0123",
            "externalCustomerId": "EM1",
            "startindex": "3",
        }
    )

    assert (search.email, search.phone, search.external_id, search.offset) == (
        "john@example.com",
        "+12125550123",
        "EM1",
        2,
    )


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"maxrows": "501"}, "maxrows"),
        ({"maxrows": "0"}, "maxrows"),
        ({"maxrows": "ten"}, "maxrows"),
        ({"startindex": "0"}, "startindex"),
        ({"startindex": "99999999999999999999"}, "startindex"),
        ({"sms": "12"}, "sms"),
    ],
)
def test_bad_search_params_are_a_400_naming_them(params, name):
    with pytest.raises(ApplicationError) as caught:
        contact_search_params(params)

    assert caught.value.status == 400
    assert caught.value.details[0].path == name


def test_delete_params():
    assert delete_params({"externalCustomerId": "EM1", "erase": "true"}).erase is True
    assert delete_params({"externalCustomerId": "EM1"}).erase is False
    with pytest.raises(ApplicationError) as caught:
        delete_params({"erase": "maybe"})
    assert [d.path for d in caught.value.details] == ["externalCustomerId", "erase"]


@pytest.mark.parametrize(("text", "expected"), [("12", 12), ("0", None), ("abc", None), ("9" * 30, None)])
def test_contact_id_from_path(text, expected):
    assert contact_id_from_path(text) == expected
