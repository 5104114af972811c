"""VICIdial's adaptive dial levels re-implemented as a baseline pacing policy.

Rules follow ``bin/AST_VDadapt.pl`` (dial level every 15 s, drop statistics
every 60 s, agent samples every second) and ``bin/AST_VDauto_dial.pl`` (calls
placed every 2.5 s) of the VICIdial source; each step names its rule.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from zvonar.dialer.core.pacing import Snapshot

VICIDIAL_MODES = ("hard-limit", "tapered", "average")


@dataclass
class VicidialAdaptivePolicy:
    """ADAPT_HARD_LIMIT, ADAPT_TAPERED or ADAPT_AVERAGE with VICIdial's defaults."""

    mode: str = "hard-limit"
    # Campaign defaults: adaptive_dropped_percentage 3, adaptive_maximum_level 3.0,
    # adaptive_intensity 0, adaptive_dl_diff_target 0, adaptive_latest_server_time 2100.
    dropped_percentage: float = 3.0
    maximum_level: float = 3.0
    intensity: float = 0.0
    dl_diff_target: float = 0.0
    latest_server_time: int = 2100
    # Server clock (HHMM) at snapshot.now == 0; the benchmark's day starts at 09:00.
    day_start_hourmin: int = 900
    initial_level: float = 1.0
    name: str = ""
    dial_level: float = 0.0
    _samples: deque[tuple[int, int, int]] = field(default_factory=lambda: deque(maxlen=15))
    _last_sample: float = -1e18
    _last_level_update: float = 0.0
    _last_drop_update: float = 0.0
    _last_dial: float = -1e18
    _minute_marks: tuple[int, int] = (0, 0)
    _calls_one: int = 0
    _drops_one: int = 0
    _calls_today: int = 0
    _answers_today: int = 0
    _drops_today: int = 0

    def __post_init__(self) -> None:
        if self.mode not in VICIDIAL_MODES:
            raise ValueError(f"unknown VICIdial mode {self.mode!r}")
        self.name = self.name or f"vicidial-{self.mode}"
        self.dial_level = self.initial_level

    def calls_to_start(self, snapshot: Snapshot) -> int:
        """Calls placed by AST_VDauto_dial.pl with the current adaptive dial level."""
        now = snapshot.now
        if now - self._last_sample >= 1.0:
            self._last_sample = now
            # count_agents_lines, each second: READY agents, LIVE calls waiting, all agents.
            self._samples.append((snapshot.available, snapshot.waiting, snapshot.logged_in))
        if now - self._last_drop_update >= 60.0:
            self._last_drop_update = now
            self._calculate_drops(snapshot)
        if now - self._last_level_update >= 15.0:
            self._last_level_update = now
            self._calculate_dial_level(now)
        # AST_VDauto_dial.pl loops every 2500 ms ($loop_delay).
        if now - self._last_dial < 2.5:
            return 0
        self._last_dial = now
        # Agents counted: READY/DONE plus INCALL (available_only_ratio_tally N); dispo is PAUSED.
        agents = snapshot.available + snapshot.talking
        # $DBIPgoalcalls = sprintf("%.0f", auto_dial_level * agents).
        goal = round(self.dial_level * agents)
        # existcalls: SENT, RINGING, LIVE and XFER calls, i.e. dialing, waiting and connected.
        exist = snapshot.calls_in_flight + snapshot.talking
        return max(0, goal - exist)

    def _calculate_drops(self, snapshot: Snapshot) -> None:
        # calculate_drops runs every 60 s, so the level reacts to drop data up to a minute old.
        stats = snapshot.stats
        dials, drops = stats.dials_total, stats.abandons_total
        self._calls_one = dials - self._minute_marks[0]
        self._drops_one = drops - self._minute_marks[1]
        self._minute_marks = (dials, drops)
        self._calls_today = dials
        self._answers_today = stats.persons_total
        self._drops_today = drops

    def _calculate_dial_level(self, now: float) -> None:
        samples = self._samples
        if not samples:
            return
        # count_agents_lines: 15-sample averages; differential = ready avg - waiting avg.
        ready_avg = sum(s[0] for s in samples) / len(samples)
        waiting_avg = sum(s[1] for s in samples) / len(samples)
        agents_avg = sum(s[2] for s in samples) / len(samples)
        if agents_avg <= 0:
            return
        differential_target = (ready_avg - waiting_avg) + self.dl_diff_target
        # calculate_dial_level: differential_mul = differential_target / agents_average_onemin.
        differential_mul = differential_target / agents_avg if differential_target else 0.0
        differential_pct = differential_mul * 100
        intensity_mul = self.intensity / 100
        if differential_pct < 0:
            intensity_diff = differential_pct * abs(intensity_mul - 1)
        else:
            intensity_diff = differential_pct * (intensity_mul + 1)
        level = round(self.dial_level * (intensity_diff / 100 + 1), 3)
        # DIAL LEVEL OVER CAP / TOO LOW.
        level = min(level, self.maximum_level)
        level = max(level, 1.0)
        # DROP RATE OVER 50% FOR LAST MINUTE: halve (drops over all calls of the minute).
        if self._calls_one > 20 and self._drops_one * 100 / self._calls_one > 50:
            level = level / 2
        answers = self._answers_today
        drop_pct = self._drops_today * 100 / answers if answers else 0.0
        # DROP RATE OVER LIMIT FOR TODAY: drops over human answers since midnight, > 50 calls.
        if self._calls_today > 50 and drop_pct > self.dropped_percentage:
            if self.mode == "hard-limit":
                level = 1.0
            elif self.mode == "average":
                level = level / 2
            else:
                hourmin = self._hourmin(now)
                hours_left = self.latest_server_time - hourmin
                if hours_left < 0:
                    level = 1.0
                else:
                    # tapered_rate = hours_left / 1000 on HHMM numbers, 1 beyond 10 hours.
                    level = level * (1.0 if hours_left > 1000 else hours_left / 1000)
        # ALWAYS RAISE DIAL_LEVEL TO 1.0 IF IT IS LOWER.
        self.dial_level = max(level, 1.0)

    def _hourmin(self, now: float) -> int:
        start_minutes = (self.day_start_hourmin // 100) * 60 + self.day_start_hourmin % 100
        minutes = start_minutes + int(now // 60)
        return (minutes // 60) * 100 + minutes % 60
