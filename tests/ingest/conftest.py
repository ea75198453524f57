from __future__ import annotations

import pytest

from apps.ingest.records import ContactRecord, MatchPolicy
from apps.ingest.services import IngestReport, contacts_ingest
from tests.ingest.helpers import SOURCE, definitions_create


@pytest.fixture
def definitions(workspace):
    """A typical workspace's custom attributes and metrics, one of each type."""
    definitions_create(workspace)


@pytest.fixture
def ingest(workspace):
    def run(*records: ContactRecord, policy: MatchPolicy | None = None, **kwargs) -> IngestReport:
        kwargs.setdefault("source", SOURCE)
        return contacts_ingest(workspace_id=workspace.id, records=list(records), policy=policy, **kwargs)

    return run
