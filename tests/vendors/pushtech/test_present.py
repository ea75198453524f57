"""Pure presenter tests (no database): contacts built in memory."""

from __future__ import annotations

from apps.contacts.models import Contact
from apps.vendors.pushtech import present
from tests.vendors.pushtech.conftest import fixture


def test_the_vendors_example_contact():
    documented = fixture("contact_list_response.json")["contacts"][0]
    contact = Contact(
        pk=3210938120313912312,
        first_name="Jhoe",
        last_name="Doe",
        external_id="xxxxxx",
        email="email@email.email",
        phone="+3477777777",
    )

    assert present.contact_item(contact, []) == documented


def test_tags_are_listed_by_name():
    assert present.contact_item(Contact(pk=1), ["beta", "vip"])["tags"] == ["beta", "vip"]


def test_a_contact_without_phone_has_null_parts():
    item = present.contact_item(Contact(pk=1, email="a@b.io"), [])

    assert (item["phone_countrycode"], item["phone_number"]) == (None, None)


def test_phone_parts():
    assert present.phone_parts("+447712345678") == ("44", "7712345678")
    assert present.phone_parts("+390612345678") == ("39", "0612345678")  # Italy keeps its leading 0
    assert present.phone_parts("+18005550100") == ("1", "8005550100")
    assert present.phone_parts("12345") == (None, "12345")
    assert present.phone_parts(None) == (None, None)
