"""No write endpoint exists yet, so the default permission is driven through a throwaway view."""

from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView


class EchoApi(APIView):
    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"received": request.data})


def call(method: str, key: str):
    factory = APIRequestFactory()
    make = getattr(factory, method)
    kwargs = {"data": {"a": 1}, "format": "json"} if method == "post" else {}
    request = make("/echo", HTTP_AUTHORIZATION=f"Bearer {key}", **kwargs)
    response = EchoApi.as_view()(request)
    response.render()
    return response


def test_read_only_key_gets_403_on_a_write(read_only_key):
    response = call("post", read_only_key.key)

    assert response.status_code == 403
    assert response.data == {"error": {"code": "permission_denied", "message": "This API key is read-only."}}


def test_read_only_key_may_read(read_only_key):
    assert call("get", read_only_key.key).status_code == 200


def test_read_write_key_may_write(api_key):
    response = call("post", api_key.key)

    assert response.status_code == 200
    assert response.data == {"received": {"a": 1}}
