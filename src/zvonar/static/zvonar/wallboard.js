// The supervisor's wallboard: re-reads the project's state whenever an event arrives.
"use strict";

function wallboard(projectId) {
  return {
    state: JSON.parse(document.getElementById("wallboard-state").textContent),
    connected: false,
    error: "",
    now: Date.now(),
    pending: null,
    retry: 500,

    init() {
      setInterval(() => { this.now = Date.now(); }, 1000);
      // Counters move with every call; a slow poll keeps them fresh between events.
      setInterval(() => this.refresh(), 10000);
      this.connect();
    },

    connect() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const socket = new WebSocket(`${scheme}://${location.host}/ws/monitoring/projects/${projectId}/`);
      socket.onopen = () => { this.connected = true; this.retry = 500; this.refresh(); };
      socket.onmessage = () => this.scheduleRefresh();
      socket.onclose = () => {
        this.connected = false;
        setTimeout(() => this.connect(), this.retry);
        this.retry = Math.min(this.retry * 2, 10000);
      };
    },

    scheduleRefresh() {
      // Bursts of events (a call's phases) become one read.
      if (this.pending) return;
      this.pending = setTimeout(() => { this.pending = null; this.refresh(); }, 150);
    },

    async refresh() {
      const response = await pageFetch(`/monitoring/projects/${projectId}/state/`);
      if (response.ok) this.state = await response.json();
    },

    async control(action) {
      const response = await pageFetch(`/monitoring/projects/${projectId}/control/`, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        body: new URLSearchParams({ action }),
      });
      const result = await response.json();
      if (result.ok) { this.state = result.state; this.error = ""; }
      else this.error = (result.errors || []).join(" ");
    },

    elapsed(since) {
      return formatElapsed(since, this.now);
    },
  };
}
