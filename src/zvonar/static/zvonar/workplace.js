// The operator's workplace: live state over a websocket, the card, keyboard shortcuts.
"use strict";

async function postForm(url, data) {
  const body = data instanceof FormData ? data : new URLSearchParams(data);
  const response = await pageFetch(url, {
    method: "POST",
    headers: { "X-CSRFToken": csrfToken() },
    body,
  });
  const type = response.headers.get("content-type") || "";
  const payload = type.includes("json") ? await response.json() : { ok: response.ok, html: await response.text() };
  return { status: response.status, ...payload };
}

function workplace() {
  return {
    state: JSON.parse(document.getElementById("workplace-state").textContent),
    form: { project: "", reason: "", number: "" },
    seenNotifications: [],
    error: "",
    connected: true,
    // True once the socket is open and the state read after opening has arrived: from then on
    // events keep the page current.
    live: false,
    hasCard: false,
    cardCallId: null,
    now: Date.now(),
    retry: 500,
    refreshTimer: null,
    loadingCard: false,
    colleaguesTimer: null,

    init() {
      this.form.project = this.state.project_id || (this.state.projects[0] || {}).id || "";
      this.seenNotifications = [...this.state.notifications];
      setInterval(() => { this.now = Date.now(); }, 1000);
      this.connect();
      if (this.state.card_call_id) this.loadCard(this.state.card_call_id);
      window.addEventListener("keydown", (event) => this.hotkey(event));
      window.addEventListener("zvonar-card-closed", (event) => {
        this.hasCard = false;
        this.cardCallId = null;
        // After a save the status and the next card arrive as events; a skipped preview
        // card re-reads the state.
        if (!(event.detail && event.detail.saved)) this.refresh();
      });
      window.addEventListener("zvonar-card-call", (event) => this.loadCard(event.detail.callId));
    },

    connect() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      const socket = new WebSocket(`${scheme}://${location.host}/ws/workplace/`);
      socket.onopen = async () => {
        this.connected = true;
        this.retry = 500;
        await this.refresh();
        this.live = true;
      };
      socket.onmessage = (message) => this.onEvent(JSON.parse(message.data));
      socket.onclose = () => {
        this.connected = false;
        this.live = false;
        // Closed because the session ended (logged out in another tab)? A state read finds out
        // and sends the page to the login form; if the server is away it just fails.
        this.refresh().catch(() => {});
        // Reconnect with back-off; on open the page re-reads its state instead of replaying.
        setTimeout(() => this.connect(), this.retry);
        this.retry = Math.min(this.retry * 2, 10000);
      };
      this.socket = socket;
    },

    onEvent(event) {
      if (event.type === "card" && event.op === "pop") {
        this.loadCard(event.call_id);
      } else if (event.type === "call") {
        window.dispatchEvent(new CustomEvent("zvonar-call-event", { detail: event }));
        this.applyCall(event);
      } else if (event.type === "notification") {
        this.state.notifications.unshift(event);
        this.seenNotifications.unshift(event);
      } else if (event.type === "operator_status") {
        this.applyStatus(event);
      } else if (event.type === "task") {
        this.refreshSoon();
      }
    },

    // Events carry what changed; the page applies them instead of re-reading its whole state
    // (a few hundred operators re-reading on every event was most of the server's work).
    applyStatus(event) {
      if (event.user_id !== this.state.user_id) return;
      Object.assign(this.state, {
        status: event.status,
        status_display: this.state.status_labels[event.status] || event.status_display,
        reason: event.reason,
        since: event.since,
        project_id: event.project_id,
        manual: event.manual,
      });
    },

    applyCall(event) {
      const live = this.state.live_call;
      if (["ended", "abandoned"].includes(event.state)) {
        if (live && live.id === event.call_id) this.state.live_call = null;
      } else {
        this.state.live_call = { id: event.call_id, state: event.state };
      }
    },

    // Colleagues' statuses and the recent calls are read when their list is opened, and the
    // colleagues every 10 s while it stays open.
    watchColleagues(open) {
      clearInterval(this.colleaguesTimer);
      if (!open) return;
      this.refresh();
      this.colleaguesTimer = setInterval(() => this.refresh(), 10000);
    },

    refreshSoon() {
      // A call brings several events within a moment (dialing, connected, status): one
      // re-read of the state answers them all.
      if (this.refreshTimer) return;
      this.refreshTimer = setTimeout(() => { this.refreshTimer = null; this.refresh(); }, 300);
    },

    async refresh() {
      const response = await pageFetch("/workplace/state/");
      if (!response.ok) return;
      this.state = await response.json();
      if (this.state.card_call_id && this.state.card_call_id !== this.cardCallId) {
        this.loadCard(this.state.card_call_id);
      }
    },

    async loadCard(callId) {
      // The pop event and a state read can both ask for the same card at once; a second copy
      // replacing the first would wipe what the operator has begun to type.
      if (callId === this.cardCallId && (this.hasCard || this.loadingCard)) return;
      this.cardCallId = callId;
      this.loadingCard = true;
      try {
        const response = await pageFetch(`/workplace/calls/${callId}/card/`);
        if (callId !== this.cardCallId) return;
        if (!response.ok) { this.cardCallId = null; return; }
        document.getElementById("card").innerHTML = await response.text();
        this.hasCard = true;
      } finally {
        if (callId === this.cardCallId) this.loadingCard = false;
      }
    },

    async previewNext() {
      this.error = "";
      const result = await postForm("/workplace/preview/next/", { project: this.form.project });
      if (result.html !== undefined && result.ok) {
        document.getElementById("card").innerHTML = result.html;
        this.hasCard = true;
      } else {
        this.error = (result.errors || []).join(" ");
      }
    },

    currentProject() {
      return this.state.projects.find((p) => String(p.id) === String(this.form.project));
    },

    async setStatus(status) {
      this.error = "";
      const result = await postForm("/workplace/status/", {
        status, project: this.form.project, reason: this.form.reason,
      });
      if (result.ok) this.state = result.state; else this.error = (result.errors || []).join(" ");
    },

    async dial() {
      this.error = "";
      const result = await postForm("/workplace/dial/", { number: this.form.number, project: this.form.project });
      if (result.ok) { this.form.number = ""; this.loadCard(result.call_id); }
      else this.error = (result.errors || []).join(" ");
    },

    async markRead() {
      if (!this.state.notifications.length) return;
      await postForm("/workplace/notifications/read/", {});
      this.state.notifications = [];
    },

    elapsed(since) {
      return formatElapsed(since, this.now);
    },

    hotkey(event) {
      if (event.altKey && event.code === "KeyA") { event.preventDefault(); this.setStatus("available"); }
      else if (event.altKey && event.code === "KeyP") { event.preventDefault(); this.setStatus("paused"); }
      else window.dispatchEvent(new CustomEvent("zvonar-card-key", { detail: event }));
    },
  };
}

function card(callId, leadId) {
  return {
    callId, leadId,
    tab: "main",
    result: "",
    error: "",
    notice: "",
    skipReason: "",
    steps: [],
    step: null,
    path: [],
    suggested: "",
    callState: "",
    callStateText: "",
    callOpen: true,

    init() {
      this.steps = JSON.parse(this.$root.querySelector("script[type='application/json']").textContent || "[]");
      this.step = this.steps[0] || null;
      // The card listens on the window; its listeners go with it (Alpine calls destroy() when
      // the card leaves the page), or Ctrl+Enter on the next card would save this one again.
      this.listening = new AbortController();
      const options = { signal: this.listening.signal };
      window.addEventListener("zvonar-call-event", (event) => {
        if (event.detail.call_id !== this.callId) return;
        this.callState = event.detail.state;
        this.callStateText = event.detail.state_display;
        this.callOpen = !["ended", "abandoned"].includes(event.detail.state);
      }, options);
      window.addEventListener("zvonar-card-key", (event) => this.key(event.detail), options);
    },

    destroy() {
      this.listening.abort();
    },

    key(event) {
      if (event.ctrlKey && event.key === "Enter") { event.preventDefault(); this.save(); return; }
      if (event.altKey && event.code === "KeyH") { event.preventDefault(); this.hangup(); return; }
      if (event.altKey && /^Digit[1-9]$/.test(event.code)) {
        const key = event.code.slice(5);
        const input = this.$root.querySelector(`input[name=result][data-hotkey="${key}"]`);
        if (input) { event.preventDefault(); this.result = input.value; }
      }
    },

    answerStep(answer) {
      this.path.push({ step: this.step.id, title: this.step.title, answer: answer.text });
      if (answer.result) this.suggested = answer.result;
      this.step = this.steps.find((s) => s.id === answer.next) || null;
      if (!this.step && this.suggested) {
        const input = this.$root.querySelector(`input[name=result][data-name="${CSS.escape(this.suggested)}"]`);
        if (input) this.result = input.value;
      }
    },

    restartScript() { this.path = []; this.suggested = ""; this.step = this.steps[0] || null; },

    addComment(text) {
      const area = this.$refs.comment;
      area.value = area.value ? area.value + "; " + text.trim() : text.trim();
    },

    callbackNow() {
      const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
      this.$refs.callbackAt.value = now.toISOString().slice(0, 16);
    },

    async loadHistory(all) {
      const response = await pageFetch(`/workplace/calls/${this.callId}/history/${all ? "?all=1" : ""}`);
      this.$refs.history.innerHTML = await response.text();
    },

    async hangup() {
      if (!this.callId) return;
      await postForm(`/workplace/calls/${this.callId}/hangup/`, {});
    },

    async save() {
      this.error = "";
      const result = await postForm(`/workplace/calls/${this.callId}/save/`, new FormData(this.$refs.form));
      if (result.ok) {
        this.$root.remove();
        window.dispatchEvent(new CustomEvent("zvonar-card-closed", { detail: { saved: true } }));
      } else {
        this.error = (result.errors || []).join(" ");
      }
    },

    async finishQuestionnaire(status) {
      const data = new FormData(this.$refs.questionnaire);
      data.append("status", status);
      const result = await postForm(`/workplace/calls/${this.callId}/questionnaire/`, data);
      this.error = result.ok ? "" : (result.errors || []).join(" ");
      this.notice = result.ok ? "✓" : "";
    },

    async callPreview() {
      const result = await postForm(`/workplace/preview/${this.leadId}/call/`, {});
      if (result.ok) {
        this.$root.remove();
        window.dispatchEvent(new CustomEvent("zvonar-card-call", { detail: { callId: result.call_id } }));
      } else this.error = (result.errors || []).join(" ");
    },

    async skip() {
      const result = await postForm(`/workplace/preview/${this.leadId}/skip/`, { reason: this.skipReason });
      if (result.ok) { this.$root.remove(); window.dispatchEvent(new CustomEvent("zvonar-card-closed")); }
      else this.error = (result.errors || []).join(" ");
    },
  };
}
