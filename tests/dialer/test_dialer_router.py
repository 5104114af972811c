"""Routing answered calls to operators."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from zvonar.dialer.core import CallView, OperatorState, OperatorView, route

operators_strategy = st.lists(
    st.builds(
        OperatorView,
        operator_id=st.integers(1, 30),
        state=st.sampled_from(list(OperatorState)),
        idle_since=st.floats(0, 1000),
        project_ids=st.frozensets(st.integers(1, 3), max_size=3),
    ),
    max_size=20,
    unique_by=lambda operator: operator.operator_id,
)


def test_callback_goes_to_its_assignee_when_free() -> None:
    """The assignee gets the callback even if a colleague has waited longer."""
    operators = [
        OperatorView(1, OperatorState.AVAILABLE, idle_since=10.0, project_ids=frozenset({1})),
        OperatorView(2, OperatorState.AVAILABLE, idle_since=50.0, project_ids=frozenset({1})),
    ]
    assert route(CallView(project_id=1, assignee=2), operators) == 2


def test_busy_assignee_leaves_the_call_to_the_longest_idle() -> None:
    """With the assignee talking, the longest-idle available operator of the project gets it."""
    operators = [
        OperatorView(1, OperatorState.AVAILABLE, idle_since=30.0, project_ids=frozenset({1})),
        OperatorView(2, OperatorState.TALKING, idle_since=0.0, project_ids=frozenset({1})),
        OperatorView(3, OperatorState.AVAILABLE, idle_since=20.0, project_ids=frozenset({1})),
        OperatorView(4, OperatorState.AVAILABLE, idle_since=5.0, project_ids=frozenset({2})),
    ]
    assert route(CallView(project_id=1, assignee=2), operators) == 3


@given(operators_strategy, st.integers(1, 3), st.none() | st.integers(1, 30))
def test_route_picks_an_available_operator_of_the_project(
    operators: list[OperatorView], project: int, assignee: int | None
) -> None:
    """The chosen operator is available in the project: the assignee if so, else the longest idle."""
    chosen = route(CallView(project, assignee), operators)
    eligible = [
        o for o in operators if o.state is OperatorState.AVAILABLE and project in o.project_ids
    ]
    if not eligible:
        assert chosen is None
        return
    ids = {o.operator_id for o in eligible}
    assert chosen in ids
    if assignee in ids:
        assert chosen == assignee
    else:
        longest = min(eligible, key=lambda o: (o.idle_since, o.operator_id))
        assert chosen == longest.operator_id
