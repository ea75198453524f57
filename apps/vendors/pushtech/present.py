"""Stored contacts → PUSHTech JSON. Pure: no database (tags must be prefetched).

The vendor's list item (developers.pushtech.com, "contact/list"): `id` (a string), `name_first`,
`name_last`, `user_id`, `email`, `phone_countrycode`, `phone_number`, `tags`. Phones are stored in E.164 and
split back into country code and national number here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import phonenumbers

from apps.contacts.models import Contact


def phone_parts(phone: str | None) -> tuple[str | None, str | None]:
    """`+447712345678` → ("44", "7712345678"); the national number keeps Italy's leading 0."""
    if not phone:
        return None, None
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None, phone.removeprefix("+")  # not E.164 (stored by hand?): show what there is
    return str(number.country_code), phonenumbers.national_significant_number(number)


def contact_item(contact: Contact, tags: Iterable[str]) -> dict[str, Any]:
    country_code, number = phone_parts(contact.phone)
    return {
        "id": str(contact.pk),
        "name_first": contact.first_name,
        "name_last": contact.last_name,
        "user_id": contact.external_id,
        "email": contact.email,
        "phone_countrycode": country_code,
        "phone_number": number,
        "tags": list(tags),
    }


def contact_list_body(contacts: Iterable[Contact]) -> dict[str, Any]:
    return {"contacts": [contact_item(c, [t.name for t in c.tags.all()]) for c in contacts]}
