from __future__ import annotations

import json
import logging

from avhopp_shared.logging_setup import JsonFormatter
from avhopp_shared.trace import child_of, current_traceparent


def test_a_log_line_is_one_json_object_with_the_trace_id_and_extra_fields() -> None:
    traceparent = child_of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    token = current_traceparent.set(traceparent)
    try:
        record = logging.LogRecord(
            "avhopp.test", logging.WARNING, __file__, 1, "relay %s", ("down",), None
        )
        record.retry_in_s = 0.4
        line = JsonFormatter().format(record)
    finally:
        current_traceparent.reset(token)

    entry = json.loads(line)
    assert entry["level"] == "warning"
    assert entry["message"] == "relay down"
    assert entry["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert entry["retry_in_s"] == 0.4
    assert "\n" not in line


def test_a_malformed_traceparent_starts_a_new_trace() -> None:
    fresh = child_of("not-a-trace")
    assert fresh.startswith("00-") and len(fresh) == 55
