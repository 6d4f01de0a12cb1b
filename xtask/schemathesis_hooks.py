"""Hooks of `cargo xtask schemathesis` (loaded through SCHEMATHESIS_HOOKS).

The server keeps the answer of every change under its `Idempotency-Key` and refuses the key for a different
request (422). Schemathesis draws the header's UUIDs from a small seeded pool, so most changes would reuse a
key and never reach the route. A well-formed key is therefore replaced by a fresh one before each call, as a
real client picks a new key per change; a malformed or missing key (the negative cases) is sent as generated.
"""

import uuid

import schemathesis

KEY = "Idempotency-Key"


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers
    if not headers or KEY not in headers:
        return
    try:
        uuid.UUID(str(headers[KEY]))
    except ValueError:
        return
    headers[KEY] = str(uuid.uuid4())
