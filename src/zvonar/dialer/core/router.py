"""Which operator gets an answered call: the callback's assignee if free, else the longest idle."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zvonar.dialer.core.states import OperatorState

OperatorId = int


@dataclass(frozen=True, slots=True)
class OperatorView:
    """An operator as the router needs them."""

    operator_id: OperatorId
    state: OperatorState
    # Clock time when the operator last became available; smaller waited longer.
    idle_since: float
    project_ids: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class CallView:
    """An answered call as the router needs it."""

    project_id: int
    assignee: OperatorId | None = None


def route(call: CallView, operators: Iterable[OperatorView]) -> OperatorId | None:
    """The assignee if available in the call's project, else the longest-idle one; None if none."""
    best: OperatorView | None = None
    for operator in operators:
        if operator.state is not OperatorState.AVAILABLE:
            continue
        if call.project_id not in operator.project_ids:
            continue
        if operator.operator_id == call.assignee:
            return operator.operator_id
        if best is None or (operator.idle_since, operator.operator_id) < (
            best.idle_since,
            best.operator_id,
        ):
            best = operator
    return None if best is None else best.operator_id
