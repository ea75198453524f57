"""Custom attributes: merged key by key, typed against their definitions, built-ins land in columns."""

from __future__ import annotations

import math

import pytest

from apps.attributes.models import AttributeDefinition
from apps.contacts.models import Contact, ContactChange
from apps.ingest.records import ContactRecord, MatchPolicy
from tests.ingest.helpers import codes, contact, issue, only, table_counts

pytestmark = pytest.mark.django_db


def attrs(external_id="c-1", text=False, **attributes) -> ContactRecord:
    return ContactRecord(fields={"external_id": external_id}, attributes=attributes, text_values=text)


def stored_attributes(workspace, external_id="c-1") -> dict:
    return contact(workspace, external_id=external_id).attributes


def test_attributes_are_stored_in_their_stored_form(ingest, workspace, definitions):
    result = only(
        ingest(
            attrs(
                age=42,
                is_admin=True,
                plan="pro",
                last_contacted_at="2025-01-31",
                signed_up="2025-01-01T12:30:00+02:00",
                nickname="Annie",
                prefs={"theme": "dark", "sizes": [1, 2]},
            )
        )
    )
    assert result.outcome == "created"
    assert result.issues == []
    assert stored_attributes(workspace) == {
        "age": 42,
        "is_admin": True,
        "plan": "pro",
        "last_contacted_at": "2025-01-31",
        "signed_up": "2025-01-01T10:30:00Z",
        "nickname": "Annie",
        "prefs": {"theme": "dark", "sizes": [1, 2]},
    }


def test_attributes_merge_key_by_key(ingest, workspace, definitions):
    ingest(attrs(age=42, nickname="Annie"))
    result = only(ingest(attrs(plan="free", age=43)))
    assert result.outcome == "updated"
    assert stored_attributes(workspace) == {"age": 43, "nickname": "Annie", "plan": "free"}


def test_absent_attributes_keep_stored_values(ingest, workspace, definitions):
    ingest(attrs(age=42, nickname="Annie"))
    result = only(ingest(ContactRecord(fields={"external_id": "c-1", "city": "Leeds"})))
    assert result.outcome == "updated"
    assert stored_attributes(workspace) == {"age": 42, "nickname": "Annie"}


def test_null_attribute_removes_the_key(ingest, workspace, definitions):
    ingest(attrs(age=42, nickname="Annie"))
    result = only(ingest(attrs(age=None)))
    assert result.outcome == "updated"
    assert stored_attributes(workspace) == {"nickname": "Annie"}


def test_null_for_an_absent_attribute_changes_nothing(ingest, workspace, definitions):
    ingest(attrs(nickname="Annie"))
    result = only(ingest(attrs(age=None)))
    assert result.outcome == "unchanged"
    assert stored_attributes(workspace) == {"nickname": "Annie"}


def test_builtin_codenames_land_in_the_contact_columns(ingest, workspace, definitions):
    result = only(ingest(attrs(email=" Ann@Example.com", phone="+44 7700 900123", city="Leeds", age=3)))
    c = contact(workspace, external_id="c-1")
    assert result.issues == []
    assert (c.email, c.phone, c.city) == ("ann@example.com", "+447700900123", "Leeds")
    assert c.attributes == {"age": 3}


def test_builtin_codename_in_attributes_matches_by_email(ingest, workspace, definitions):
    ingest(ContactRecord(fields={"email": "ann@example.com"}))
    result = only(ingest(ContactRecord(attributes={"email": "ann@example.com", "city": "York"})))
    assert result.outcome == "updated"
    assert Contact.objects.get().city == "York"


def test_field_wins_over_the_same_builtin_codename_in_attributes(ingest, workspace, definitions):
    ingest(ContactRecord(fields={"external_id": "c-1", "city": "Leeds"}, attributes={"city": "York"}))
    assert contact(workspace, external_id="c-1").city == "Leeds"


def test_invalid_builtin_in_attributes_is_an_issue_on_its_attribute_path(ingest, workspace, definitions):
    result = only(ingest(attrs(email="nope", nickname="Annie")))
    assert issue(result, "invalid_email").path == "attributes.email"
    assert stored_attributes(workspace) == {"nickname": "Annie"}
    assert contact(workspace, external_id="c-1").email is None


@pytest.mark.parametrize(
    ("codename", "value"),
    [
        ("age", "forty-two"),
        ("age", "42"),
        ("age", True),
        ("is_admin", "yes"),
        ("plan", "enterprise"),
        ("last_contacted_at", "2025-02-30"),
        ("last_contacted_at", "31/01/2025"),
        ("signed_up", "last tuesday"),
        ("nickname", 7),
    ],
)
def test_wrong_type_is_an_issue_on_the_attribute_and_the_rest_is_stored(
    ingest, workspace, definitions, codename, value
):
    values = {"age": 30, "nickname": "Annie"}
    values[codename] = value
    result = only(ingest(attrs(city="Leeds", **values)))
    found = issue(result, "invalid_value")
    assert result.outcome == "created"
    assert (found.path, found.severity) == (f"attributes.{codename}", "warning")
    assert codename not in stored_attributes(workspace)
    assert stored_attributes(workspace) == {
        k: v for k, v in {"age": 30, "nickname": "Annie"}.items() if k != codename
    }
    assert contact(workspace, external_id="c-1").city == "Leeds"


def test_wrong_type_keeps_the_stored_value(ingest, workspace, definitions):
    ingest(attrs(age=30))
    result = only(ingest(attrs(age="old")))
    assert result.outcome == "unchanged"
    assert "invalid_value" in codes(result)
    assert stored_attributes(workspace) == {"age": 30}


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_rejected(ingest, workspace, definitions, value):
    result = only(ingest(attrs(age=value, nickname="Annie")))
    assert issue(result, "invalid_value").path == "attributes.age"
    assert stored_attributes(workspace) == {"nickname": "Annie"}


def test_reject_policy_fails_the_record_and_writes_nothing(ingest, workspace, definitions):
    before = table_counts()
    result = only(ingest(attrs(age="old", nickname="Annie"), policy=MatchPolicy(invalid_values="reject")))
    assert result.outcome == "failed"
    assert result.contact_id is None
    assert issue(result, "invalid_value").severity == "error"
    assert table_counts() == before


def test_reject_policy_leaves_a_stored_contact_untouched(ingest, workspace, definitions):
    ingest(attrs(age=30, nickname="Annie"))
    before = contact(workspace, external_id="c-1")
    result = only(ingest(attrs(age="old", nickname="Ann"), policy=MatchPolicy(invalid_values="reject")))
    after = contact(workspace, external_id="c-1")
    assert result.outcome == "failed"
    assert (after.attributes, after.updated_at) == ({"age": 30, "nickname": "Annie"}, before.updated_at)


def test_text_values_are_parsed_from_csv_cells(ingest, workspace, definitions):
    result = only(
        ingest(
            attrs(
                text=True,
                age="42",
                is_admin="true",
                last_contacted_at="2025-01-01",
                signed_up="2025-01-01T08:00:00Z",
                prefs='{"a": 1}',
                plan="free",
            )
        )
    )
    assert result.issues == []
    assert stored_attributes(workspace) == {
        "age": 42,
        "is_admin": True,
        "last_contacted_at": "2025-01-01",
        "signed_up": "2025-01-01T08:00:00Z",
        "prefs": {"a": 1},
        "plan": "free",
    }


def test_unknown_attribute_is_dropped_with_a_warning(ingest, workspace, definitions):
    result = only(ingest(attrs(shoe_size=44, Age=3, age=30)))
    assert result.outcome == "created"
    assert {(i.path, i.code, i.severity) for i in result.issues} == {
        ("attributes.shoe_size", "unknown_attribute", "warning"),
        ("attributes.Age", "unknown_attribute", "warning"),
    }
    assert stored_attributes(workspace) == {"age": 30}


def test_archived_attribute_is_dropped_with_a_warning(ingest, workspace, definitions):
    AttributeDefinition.objects.filter(workspace=workspace, codename="nickname").update(archived=True)
    result = only(ingest(attrs(nickname="Annie", age=30)))
    assert issue(result, "unknown_attribute").path == "attributes.nickname"
    assert stored_attributes(workspace) == {"age": 30}


def test_unknown_attribute_with_reject_policy_fails_the_record(ingest, workspace, definitions):
    result = only(ingest(attrs(shoe_size=44), policy=MatchPolicy(unknown_keys="reject")))
    assert result.outcome == "failed"
    assert issue(result, "unknown_attribute").severity == "error"
    assert not Contact.objects.exists()


def test_attribute_of_another_workspace_is_unknown(ingest, workspace, other_workspace, definitions):
    AttributeDefinition.objects.create(
        workspace=other_workspace, codename="shoe_size", label="Shoe", type="number"
    )
    result = only(ingest(attrs(shoe_size=44)))
    assert "unknown_attribute" in codes(result)
    assert stored_attributes(workspace) == {}


def test_attribute_path_uses_the_vendor_path(ingest, workspace, definitions):
    record = attrs(age="x")
    record.paths = {"attributes.age": "contacts[0].customFields[age]"}
    result = only(ingest(record))
    assert issue(result, "invalid_value").path == "contacts[0].customFields[age]"


def test_attribute_changes_are_recorded_in_the_history(ingest, workspace, definitions):
    ingest(attrs(age=30, nickname="Annie"))
    ingest(attrs(age=31, nickname=None, plan="pro"))
    change = ContactChange.objects.filter(action="updated").get()
    assert change.changes == {
        "attributes.age": [30, 31],
        "attributes.nickname": ["Annie", None],
        "attributes.plan": [None, "pro"],
    }


def test_number_type_change_counts_as_a_change(ingest, workspace, definitions):
    ingest(attrs(age=1))
    assert only(ingest(attrs(age=1.0))).outcome == "unchanged"  # 1.0 is stored as 1
    assert only(ingest(attrs(age=1.5))).outcome == "updated"
    assert stored_attributes(workspace) == {"age": 1.5}


def test_huge_integer_is_an_issue_not_a_failed_batch(ingest, workspace, definitions):
    report = ingest(attrs(age=2**70), attrs("c-2", age=5))
    assert report.results[1].outcome == "created"
    assert stored_attributes(workspace, "c-2") == {"age": 5}
