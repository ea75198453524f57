"""Pure tests of the bulk uploads' translator (no database), from the seed's captured requests."""

from __future__ import annotations

import pytest

from apps.core.errors import ApplicationError
from apps.vendors.customerscore import bulk_translate
from tests.vendors.customerscore.conftest import bulk_item, fixture


def refused(body, request=bulk_translate.contacts_request) -> ApplicationError:
    with pytest.raises(ApplicationError) as exc:
        request(body)
    assert exc.value.status == 400
    return exc.value


def paths(exc: ApplicationError) -> list[tuple[str, str]]:
    return [(d.path, d.code) for d in exc.details]


def contacts(*items) -> dict:
    return {"contacts": list(items)}


def test_the_seed_example_becomes_one_record():
    [record] = bulk_translate.contacts_request(fixture("bulk_contacts_example.json"))

    assert record.fields == {"external_id": "C12345", "full_name": "John Doe"}
    assert record.customer_external_id == "12345"
    assert record.attributes == {"email": "john.doe@example.com", "phone": "+420 7123 456 789"}
    assert record.metrics == {"2025-04-29": {"resolved_tickets": 10}}


def test_the_full_example_keeps_every_attribute_and_metric_for_the_ingest_to_check():
    [record] = bulk_translate.contacts_request(fixture("bulk_contacts_full.json"))

    assert record.attributes == fixture("bulk_contacts_full.json")["contacts"][0]["attributes"]
    assert record.metrics == {
        "2025-04-29": {
            "user_status": "active",
            "has_profile_picture": True,
            "resolved_tickets": 39,
            "last_purchase_date": "2024-04-25",
        }
    }


def test_records_carry_the_vendor_paths_for_the_report():
    [record] = bulk_translate.contacts_request(fixture("bulk_contacts_full.json"))

    assert record.path("external_id") == "contacts[0].contact_external_id"
    assert record.path("full_name") == "contacts[0].contact_name"
    assert record.path("customer_external_id") == "contacts[0].customer_external_id"
    assert record.path("attributes.age") == "contacts[0].attributes.age"
    assert record.path("metrics[2025-04-29].user_status") == "contacts[0].metrics[0].user_status"


def test_the_name_is_never_split():
    [record] = bulk_translate.contacts_request(contacts(bulk_item(1, contact_name="Jan van der Berg")))

    assert record.fields == {"external_id": "C1", "full_name": "Jan van der Berg"}


def test_attribute_values_are_left_for_the_ingest_to_type():
    item = bulk_item(1, attributes={"age": "thirty", "Age": 3, "tags": ["a"]})

    [record] = bulk_translate.contacts_request(contacts(item))

    assert record.attributes == {"age": "thirty", "Age": 3, "tags": ["a"]}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ([], ("", "invalid_type")),
        ({}, ("contacts", "required")),
        ({"contacts": None}, ("contacts", "required")),
        ({"contacts": {"0": {}}}, ("contacts", "invalid_type")),
        ({"contacts": []}, ("contacts", "min_items")),
        ({"contacts": [bulk_item(n) for n in range(101)]}, ("contacts", "max_items")),
        (contacts("C1"), ("contacts[0]", "invalid_type")),
    ],
)
def test_the_envelope_is_checked(body, expected):
    assert paths(refused(body)) == [expected]


def test_100_items_fit():
    assert len(bulk_translate.contacts_request(contacts(*(bulk_item(n) for n in range(100))))) == 100


def test_every_missing_required_field_is_named():
    exc = refused(contacts(bulk_item(0), {"attributes": {}}))

    assert paths(exc) == [
        ("contacts[1].customer_external_id", "required"),
        ("contacts[1].contact_external_id", "required"),
        ("contacts[1].contact_name", "required"),
    ]
    assert exc.message == "contacts[1].customer_external_id: This field is required. (and 2 more)"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"customer_external_id": 12345}, ("contacts[0].customer_external_id", "invalid_type")),
        ({"contact_external_id": ["C1"]}, ("contacts[0].contact_external_id", "invalid_type")),
        ({"contact_name": True}, ("contacts[0].contact_name", "invalid_type")),
        ({"contact_name": "  "}, ("contacts[0].contact_name", "blank")),
        ({"contact_name": "x" * 256}, ("contacts[0].contact_name", "max_length")),
        ({"contact_external_id": "C" * 256}, ("contacts[0].contact_external_id", "max_length")),
        ({"customer_external_id": "1" * 256}, ("contacts[0].customer_external_id", "max_length")),
        ({"attributes": ["email"]}, ("contacts[0].attributes", "invalid_type")),
        ({"attributes": "email"}, ("contacts[0].attributes", "invalid_type")),
        ({"metrics": {"date": "2025-04-29"}}, ("contacts[0].metrics", "invalid_type")),
        ({"metrics": ["2025-04-29"]}, ("contacts[0].metrics[0]", "invalid_type")),
        ({"metrics": [{"resolved_tickets": 1}]}, ("contacts[0].metrics[0].date", "required")),
        ({"metrics": [{"date": 20250429}]}, ("contacts[0].metrics[0].date", "invalid_type")),
    ],
)
def test_wrong_types_and_lengths_name_the_field(extra, expected):
    assert paths(refused(contacts(bulk_item(0, **extra)))) == [expected]


def test_255_characters_fit():
    [record] = bulk_translate.contacts_request(
        contacts(bulk_item(0, contact_name="x" * 255, contact_external_id="C" * 255))
    )

    assert (len(record.fields["full_name"]), len(record.fields["external_id"])) == (255, 255)


@pytest.mark.parametrize(
    "date", ["2025-02-30", "2025-13-01", "2025-4-29", "29.04.2025", "2025-04-29T00:00:00", " 2025-04-29", ""]
)
def test_a_metric_date_must_be_a_real_calendar_date(date):
    exc = refused(contacts(bulk_item(0), bulk_item(1, metrics=[{"date": "2025-04-28"}, {"date": date}])))

    assert paths(exc) == [("contacts[1].metrics[1].date", "invalid_date")]


def test_a_leap_day_is_a_date():
    [record] = bulk_translate.contacts_request(contacts(bulk_item(0, metrics=[{"date": "2024-02-29"}])))

    assert record.metrics == {"2024-02-29": {}}


def test_a_repeated_metric_date_is_refused_naming_the_repeat():
    metrics = [{"date": "2025-04-29", "a": 1}, {"date": "2025-04-30"}, {"date": "2025-04-29", "a": 2}]

    exc = refused(contacts(bulk_item(0, metrics=metrics)))

    assert paths(exc) == [("contacts[0].metrics[2].date", "duplicate_date")]
    assert "contacts[0].metrics[0]" in exc.details[0].message


def test_the_same_date_in_two_contacts_is_fine():
    metrics = [{"date": "2025-04-29", "a": 1}]

    records = bulk_translate.contacts_request(
        contacts(bulk_item(0, metrics=metrics), bulk_item(1, metrics=metrics))
    )

    assert [r.metrics for r in records] == [{"2025-04-29": {"a": 1}}] * 2


def test_200_metrics_fit_and_201_do_not():
    def dated(n: int) -> list[dict]:
        return [{"date": f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}", "m": i} for i in range(n)]

    [record] = bulk_translate.contacts_request(contacts(bulk_item(0, metrics=dated(200))))
    assert len(record.metrics) == 200

    assert paths(refused(contacts(bulk_item(0, metrics=dated(201))))) == [
        ("contacts[0].metrics", "max_items")
    ]


def test_problems_of_several_items_are_all_named():
    exc = refused(contacts(bulk_item(0, contact_name=""), bulk_item(1), bulk_item(2, metrics=[{}])))

    assert paths(exc) == [("contacts[0].contact_name", "blank"), ("contacts[2].metrics[0].date", "required")]
    assert exc.message.endswith("(and 1 more)")


def test_the_details_are_capped_but_the_message_counts_all():
    exc = refused(contacts(*({"contact_name": "x"} for _ in range(100))))

    assert len(exc.details) == bulk_translate.MAX_ERROR_DETAILS
    assert exc.message.endswith("(and 199 more)")


# --- customers ----------------------------------------------------------------------------------------------


def test_the_customers_example_becomes_a_record():
    [record] = bulk_translate.customers_request(fixture("bulk_customers.json"))

    assert (record.external_id, record.name, record.owner_email) == (
        "12345",
        "Acme s.r.o.",
        "owner@example.com",
    )
    assert record.attributes == {"segment": "enterprise"}
    assert record.metrics == {"2025-04-29": {"resolved_tickets": 39}}
    assert record.path("attributes.segment") == "customers[0].attributes.segment"
    assert record.path("metrics[2025-04-29].resolved_tickets") == "customers[0].metrics[0].resolved_tickets"


def test_an_absent_owner_email_is_left_alone_and_null_clears_it():
    absent, cleared = bulk_translate.customers_request(
        {
            "customers": [
                {"external_id": "1", "name": "A"},
                {"external_id": "2", "name": "B", "owner_email": None},
            ]
        }
    )

    assert absent.owner_email is ...
    assert cleared.owner_email is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, ("customers", "required")),
        ({"contacts": [bulk_item(0)]}, ("customers", "required")),
        ({"customers": [{"external_id": "1", "name": "A"}] * 101}, ("customers", "max_items")),
        ({"customers": [{"name": "A"}]}, ("customers[0].external_id", "required")),
        ({"customers": [{"external_id": "1"}]}, ("customers[0].name", "required")),
        ({"customers": [{"external_id": 1, "name": "A"}]}, ("customers[0].external_id", "invalid_type")),
        ({"customers": [{"external_id": "1", "name": "A" * 256}]}, ("customers[0].name", "max_length")),
        (
            {"customers": [{"external_id": "1", "name": "A", "owner_email": 7}]},
            ("customers[0].owner_email", "invalid_type"),
        ),
        (
            {"customers": [{"external_id": "1", "name": "A", "attributes": []}]},
            ("customers[0].attributes", "invalid_type"),
        ),
        (
            {"customers": [{"external_id": "1", "name": "A", "metrics": [{"date": "2025-02-30"}]}]},
            ("customers[0].metrics[0].date", "invalid_date"),
        ),
    ],
)
def test_customer_shape_errors_name_the_field(body, expected):
    assert paths(refused(body, bulk_translate.customers_request)) == [expected]


def test_the_contacts_policy_matches_on_the_external_id_and_skips_unknown_customers():
    policy = bulk_translate.CONTACTS_POLICY

    assert (policy.keys, policy.mode, policy.restore_deleted) == (("external_id",), "upsert", True)
    assert (policy.unknown_customer, policy.unknown_keys, policy.invalid_values) == ("skip", "drop", "drop")
    assert policy.dry_run is False
