"""The API's own OpenAPI schema, fuzzed with schemathesis: no 500s anywhere.

Every operation is called in-process (ASGI) with inputs generated from the
schema - valid and invalid (negative) ones - over a real store holding the
seed article (SQLite, and PostgreSQL with HADATH_TEST_PG_URL); write endpoints get the bearer token so that storing fuzzed
articles is exercised too.  The only check is the one the issue asks for:
the server never answers 5xx.  Example counts are bounded (raise
HADATH_FUZZ_EXAMPLES for a longer run).
"""

from __future__ import annotations

import os

import pytest

schemathesis = pytest.importorskip("schemathesis")
pytest.importorskip("fastapi")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from test_api_fixtures import SEED, fill_store  # noqa: E402

from hadath.api import create_app  # noqa: E402

EXAMPLES = int(os.environ.get("HADATH_FUZZ_EXAMPLES", "12"))
TOKEN = "fuzz-token"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    if not SEED.exists():
        pytest.skip(f"seed article missing: {SEED}")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'store.db'}"
    else:
        url = os.environ.get("HADATH_TEST_PG_URL", "")
        if not url:
            pytest.skip("HADATH_TEST_PG_URL not set (scripts/ci/start_postgres.sh)")
        from test_store_fixtures import reset_pg

        reset_pg(url)
    fill_store(url, 0)
    return create_app(url, token=TOKEN)


def operations(app) -> list:  # noqa: ANN001
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


# Driven by hand with hypothesis rather than through schemathesis' pytest
# plugin, whose fixture support breaks under pytest 9.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_no_server_errors(app, mode: GenerationMode) -> None:  # noqa: ANN001
    ops = operations(app)
    assert {op.path for op in ops} >= {"/events", "/events/{event_id}", "/articles/{article_id}",
                                       "/timeline", "/extract", "/articles"}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    failures: list[str] = []
    for op in ops:
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=op.as_strategy(generation_mode=mode))
        def fuzz(case) -> None:  # noqa: ANN001
            case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            fuzz()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # no parameter to get wrong (/health)
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{op.method.upper()} {op.path}: {str(exc)[:800]}")
    assert not failures, "\n".join(failures)
