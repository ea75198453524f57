"""Pure translator tests (no database): the list's query string → a canonical query."""

from __future__ import annotations

import pytest

from apps.core.errors import ApplicationError
from apps.vendors.pushtech import translate


def query(**params: str) -> translate.ContactListQuery:
    return translate.contact_list_query(params)


def error_paths(**params: str) -> list[str]:
    with pytest.raises(ApplicationError) as exc:
        translate.contact_list_query(params)
    assert exc.value.status == 400
    return [d.path for d in exc.value.details]


def test_defaults():
    q = query()

    assert (q.limit, q.after_id, q.descending) == (200, None, False)
    assert q.filters == translate.ContactFilters()


def test_the_documented_pagination_route():
    assert query(contact_id_from="3210938120313912312").after_id == 3210938120313912312


def test_vendor_filters_map_to_hub_fields():
    f = query(user_id="xxxxxx", name_first="Jhoe", name_last="Doe", email=" Email@Email.Email ").filters

    assert (f.external_id, f.first_name, f.last_name, f.email) == (
        "xxxxxx",
        "Jhoe",
        "Doe",
        "email@email.email",
    )


def test_device_id_is_the_custom_attribute_of_that_codename():
    assert query(device_id="dev-1").filters.attributes == (("device_id", "dev-1"),)


def test_country_code_and_number_are_one_e164_phone():
    f = query(phone_countrycode="+44", phone_number="07712 345678").filters

    # What the bulk upload stores from these parts first, then the number with its leading 0 kept.
    assert f.phones == ("+447712345678", "+4407712345678")
    assert f.phone_prefix is None


def test_a_country_code_alone_is_a_prefix():
    f = query(phone_countrycode="34").filters

    assert (f.phones, f.phone_prefix) == (None, "+34")


def test_a_number_alone_matches_it_under_every_country_code():
    phones = query(phone_number="77777777").filters.phones

    assert phones is not None
    assert "+3477777777" in phones
    assert "+177777777" in phones
    assert all(p.endswith("77777777") for p in phones)


def test_empty_parameters_are_no_filter():
    assert query(email="", user_id=" ", limit="", order="").filters == translate.ContactFilters()


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"limit": "ten"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"contact_id_from": "abc"}, "contact_id_from"),
        ({"contact_id_from": "9" * 41}, "contact_id_from"),
        ({"order": "newest"}, "order"),
        ({"email": "not-an-email"}, "email"),
        ({"phone_countrycode": "UK"}, "phone_countrycode"),
        ({"phone_countrycode": "4444"}, "phone_countrycode"),
        ({"phone_number": "77x77"}, "phone_number"),
    ],
)
def test_malformed_parameters_are_400_naming_them(params, path):
    assert error_paths(**params) == [path]


def test_every_malformed_parameter_is_named():
    assert error_paths(limit="x", order="y") == ["order", "limit"]


def test_limit_is_capped_at_1000():
    assert query(limit="1000").limit == 1000
    assert query(limit="5000").limit == 1000
    assert query(limit="1").limit == 1


def test_a_huge_contact_id_is_the_largest_id():
    assert query(contact_id_from="9" * 30).after_id == 2**63 - 1


def test_order_is_case_insensitive():
    assert query(order="DESC").descending is True
    assert query(order="asc").descending is False
