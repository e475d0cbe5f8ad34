"""Asserting that a server stayed responsive (its event loop free) while heavy work ran."""

from __future__ import annotations

BUDGET_S = 0.1
"""What 95 % of the probes answer within."""
WORST_S = 1.0
"""What every probe answers within: a blocked event loop holds a probe for the whole work, seconds;
a busy test machine delays one now and then by tens of milliseconds (docs/security.md)."""


def assert_answered_at_once(latencies: list[float], budget_s: float = BUDGET_S, worst_s: float = WORST_S) -> None:
    """95 % of the probes' latencies within `budget_s` and every one within `worst_s`."""
    ordered = sorted(latencies)
    assert ordered, "no probe was answered"
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    assert p95 < budget_s and ordered[-1] < worst_s, (
        f"/healthz: 95 % within {p95:.3f} s, the slowest {ordered[-1]:.3f} s, of {len(ordered)} probes"
    )
