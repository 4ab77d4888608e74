"""PLOVER type/mode (+ actor and target sectors) to ACLED event and sub-event type.

The table itself is data (hadath/resources/events/acled.tsv); this module
only evaluates its conditions.
"""

from __future__ import annotations

from typing import Any

from hadath.events.lexicon import lexicons

ARMED = frozenset({"MIL", "COP", "REB", "UAF"})
STATE = frozenset({"GOV", "MIL", "COP"})


def _holds(cond: str, actors: list[dict[str, Any]], recipients: list[dict[str, Any]]) -> bool:
    rsec = {r.get("sector") for r in recipients}
    if cond == "*":
        return True
    if cond == "civilian-target":
        return "CVL" in rsec and not (rsec & ARMED)
    if cond == "armed-target":
        return bool(rsec & ARMED)
    if cond == "crowd-target":
        return any(r.get("_crowd") for r in recipients)
    if cond == "state-actor":
        return any(a.get("sector") in STATE for a in actors)
    return False


def acled_type(event_type: str, mode: str | None, actors: list[dict[str, Any]],
               recipients: list[dict[str, Any]]) -> dict[str, str] | None:
    """ACLED {event_type, sub_event_type} for a record, or None when ACLED does not code it."""
    for typ, m, cond, ev, sub in lexicons().acled:
        if typ == event_type and (m == "*" or m == mode) and _holds(cond, actors, recipients):
            return {"event_type": ev, "sub_event_type": sub}
    return None
