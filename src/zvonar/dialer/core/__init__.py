"""Framework-free dialer core: pacing, lead scheduling, routing, state machines, statistics.

Nothing here imports Django or does I/O; everything is deterministic given a
clock and a seed, so the engine (real clock) and the simulator (virtual
clock) run the same code. The engine's loop, per running project, about once a
second:

1. builds a :class:`Snapshot` (its fields are documented on the class) and asks
   its :class:`PacingPolicy` (from :func:`make_policy`) for ``calls_to_start``;
2. asks :func:`pick_leads` for that many :class:`LeadRecord` picks, writes each
   call, then originates it (``call_transition(CREATED, ORIGINATE)``);
3. feeds telephony events through :func:`call_transition` and operator events
   through :func:`operator_transition`, executing the returned commands;
4. gives an answered person to :func:`route` (assignee first, else longest
   idle) and, if nobody is free within ``connect_seconds`` (2 s), sends
   ``CONNECT_TIMEOUT``: message, hang-up, counted as abandoned;
5. feeds :class:`DialerStatistics` with every dial, resolution, person answer,
   abandon, talk time and wrap-up time, and updates the lead with
   :func:`record_attempt`.

The abandon rate is abandoned calls over calls answered by a person
(:class:`AbandonDefinition.US`); the UK variant also counts persons the
answering-machine detector hung up on. A number whose call was abandoned is
not dialed again for 72 h unless an operator is reserved for the callback.
"""

from zvonar.dialer.core.clock import Clock, ManualClock, SystemClock
from zvonar.dialer.core.pacing import (
    PacingPolicy,
    PowerPolicy,
    PredictivePolicy,
    PredictiveSettings,
    PreviewPolicy,
    ProgressivePolicy,
    Snapshot,
    make_policy,
    policy_names,
)
from zvonar.dialer.core.router import CallView, OperatorView, route
from zvonar.dialer.core.scheduler import (
    LeadPick,
    LeadRecord,
    PickKind,
    RetryRule,
    SchedulerContext,
    attempts_exhausted,
    default_retry_rules,
    is_dialable,
    pick_leads,
    record_attempt,
    within_hours,
)
from zvonar.dialer.core.states import (
    CallCommand,
    CallEvent,
    CallState,
    EndCause,
    InvalidTransition,
    OperatorCommand,
    OperatorEvent,
    OperatorState,
    OperatorStatus,
    call_end_cause,
    call_transition,
    operator_transition,
)
from zvonar.dialer.core.stats import (
    AbandonCounts,
    AbandonDefinition,
    AbandonWindow,
    DialerStatistics,
    DurationEstimator,
    OutcomeEstimator,
)
from zvonar.dialer.core.vicidial import VicidialAdaptivePolicy

__all__ = [
    "AbandonCounts",
    "AbandonDefinition",
    "AbandonWindow",
    "CallCommand",
    "CallEvent",
    "CallState",
    "CallView",
    "Clock",
    "DialerStatistics",
    "DurationEstimator",
    "EndCause",
    "InvalidTransition",
    "LeadPick",
    "LeadRecord",
    "ManualClock",
    "OperatorCommand",
    "OperatorEvent",
    "OperatorState",
    "OperatorStatus",
    "OperatorView",
    "OutcomeEstimator",
    "PacingPolicy",
    "PickKind",
    "PowerPolicy",
    "PredictivePolicy",
    "PredictiveSettings",
    "PreviewPolicy",
    "ProgressivePolicy",
    "RetryRule",
    "SchedulerContext",
    "Snapshot",
    "SystemClock",
    "VicidialAdaptivePolicy",
    "attempts_exhausted",
    "call_end_cause",
    "call_transition",
    "default_retry_rules",
    "is_dialable",
    "make_policy",
    "operator_transition",
    "pick_leads",
    "policy_names",
    "record_attempt",
    "route",
    "within_hours",
]
