from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import exceptions

from apps.core.errors import ApplicationError, ErrorDetail, validation_error
from apps.core.exception_handlers import envelope_exception_handler


def handle(exc: Exception):
    return envelope_exception_handler(exc, {})


def test_application_error_keeps_its_status_code_and_details():
    exc = ApplicationError(
        "codename: taken",
        code="duplicate",
        status=409,
        details=[ErrorDetail("codename", "duplicate", "Taken.")],
    )

    response = handle(exc)

    assert response.status_code == 409
    assert response.data == {
        "error": {
            "code": "duplicate",
            "message": "codename: taken",
            "details": [{"path": "codename", "code": "duplicate", "message": "Taken."}],
        }
    }


def test_validation_error_names_the_nested_field_path():
    exc = exceptions.ValidationError(
        {"contacts": [{}, {}, {}, {"contact_name": ["This field is required."]}]}
    )

    response = handle(exc)

    assert response.status_code == 400
    assert response.data == {
        "error": {
            "code": "invalid_request",
            "message": "contacts[3].contact_name: This field is required.",
            "details": [
                {"path": "contacts[3].contact_name", "code": "invalid", "message": "This field is required."}
            ],
        }
    }


def test_non_field_errors_have_the_parent_path():
    exc = exceptions.ValidationError({"non_field_errors": ["Bad combination."]})

    response = handle(exc)

    assert response.data["error"]["message"] == "Bad combination."
    assert response.data["error"]["details"][0]["path"] == ""


def test_validation_error_helper_counts_further_problems():
    exc = validation_error([ErrorDetail("a", "required", "Required."), ErrorDetail("b", "invalid", "Bad.")])

    response = handle(exc)

    assert response.data["error"]["message"] == "a: Required. (and 1 more)"
    assert len(response.data["error"]["details"]) == 2


def test_django_404_becomes_an_envelope():
    response = handle(Http404())

    assert response.status_code == 404
    assert response.data["error"]["code"] == "not_found"


def test_django_permission_denied_becomes_a_403_envelope():
    response = handle(PermissionDenied())

    assert response.status_code == 403
    assert response.data["error"]["code"] == "permission_denied"


def test_throttled_keeps_retry_after():
    response = handle(exceptions.Throttled(wait=7))

    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    assert response.data["error"]["code"] == "throttled"


def test_unknown_exceptions_are_left_to_django():
    assert handle(ValueError("boom")) is None
