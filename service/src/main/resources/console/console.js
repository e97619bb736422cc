// The console's script: same-origin calls only; the CSRF token comes from /console/session.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const signin = document.getElementById("signin");
  if (signin) {
    signin.addEventListener("submit", (e) => {
      e.preventDefault();
      const team = document.getElementById("team").value.trim();
      window.location.assign("/console/login/" + encodeURIComponent(team));
    });
  }
  const logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("click", async () => {
      const status = document.getElementById("status");
      const session = await fetch("/console/session", { credentials: "same-origin" });
      if (!session.ok) {
        window.location.reload();
        return;
      }
      const { csrf_token: csrf } = await session.json();
      const out = await fetch("/console/logout", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf },
      });
      status.textContent = out.ok ? "Signed out." : "Sign-out failed (" + out.status + ").";
      if (out.ok) {
        logout.disabled = true;
      }
    });
  }
});

// The governance pages. Everything is built with textContent: nothing from the API becomes markup.
const Console = (() => {
  let csrf = null;
  const page = document.getElementById("page");
  const team = page ? page.dataset.team : null;
  const base = team ? "/v1/teams/" + encodeURIComponent(team) : null;

  async function token() {
    if (csrf === null) {
      const r = await fetch("/console/session", { credentials: "same-origin" });
      if (!r.ok) {
        throw new Error("Your console session has ended; sign in again.");
      }
      csrf = (await r.json()).csrf_token;
    }
    return csrf;
  }

  /** One admin API call; a problem answer becomes an Error carrying its title and detail. */
  async function call(method, path, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["X-CSRF-Token"] = await token();
      headers["Content-Type"] = "application/json";
    }
    const r = await fetch(base + path, {
      method,
      credentials: "same-origin",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (!r.ok) {
      const e = new Error(json && (json.detail || json.title) ? (json.title || "") + ": " + (json.detail || "") : "HTTP " + r.status);
      e.status = r.status;
      throw e;
    }
    return json;
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) {
      e.textContent = String(text);
    }
    if (cls) {
      e.className = cls;
    }
    return e;
  }

  function button(text, onClick, cls) {
    const b = el("button", text, cls);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function status(text, bad) {
    const s = document.getElementById("status");
    s.textContent = text;
    s.className = bad ? "bad" : "";
  }

  function age(iso) {
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) return s + " s";
    if (s < 7200) return Math.round(s / 60) + " min";
    return Math.round(s / 3600) + " h";
  }

  function time(iso) {
    return iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : "—";
  }

  function runText(claims) {
    if (!claims) return null;
    const parts = [];
    for (const k of ["repository", "workflow", "run_id", "project_path", "pipeline_id", "job_id", "build_number"]) {
      if (claims[k]) parts.push((k === "run_id" ? "run " : k === "pipeline_id" ? "pipeline " : "") + claims[k]);
    }
    return parts.length ? parts.join(" · ") : null;
  }

  function runLink(claims) {
    const text = runText(claims);
    if (!text) return el("span", "—", "muted");
    const runId = claims.run_id || claims.pipeline_id || claims.job_id || claims.build_number;
    if (!runId) return el("span", text);
    const a = el("a", text);
    a.href = "/console/" + encodeURIComponent(team) + "/audit?run=" + encodeURIComponent(runId);
    a.title = "Audit events of this run";
    return a;
  }

  // ---- Live sessions -------------------------------------------------------------------------
  function sessionsPage() {
    const body = document.querySelector("#sessions tbody");
    const runs = new Map(); // session id -> claims (or null), looked up once from the audit trail
    let confirming = null;
    let filter = "";

    async function runOf(id) {
      if (runs.has(id)) return runs.get(id);
      let claims = null;
      try {
        const hasClaims = (e) => e.claims && Object.keys(e.claims).length;
        const page = await call("GET", "/audit?session=" + encodeURIComponent(id) + "&limit=20");
        let found = page.events.find(hasClaims);
        const withToken = page.events.find((e) => e.token_id);
        if (!found && withToken) {
          // The run's claims are on the exchange that issued the session's access token.
          const byToken = await call("GET", "/audit?token=" + encodeURIComponent(withToken.token_id) + "&limit=20");
          found = byToken.events.find(hasClaims);
        }
        claims = found ? found.claims : null;
      } catch (e) {
        claims = null; // devops admins do not read the audit trail
      }
      runs.set(id, claims);
      return claims;
    }

    let done = null; // the last revocation, kept in the status line across refreshes
    const shown = new Map(); // session id -> its row; rows are updated in place, so focus stays put

    function revokeButton(tr, s) {
      return button("Revoke", () => ask(tr, s), "danger");
    }

    async function row(s) {
      const tr = el("tr");
      tr.dataset.session = s.session_id;
      const id = el("td");
      id.appendChild(el("code", s.session_id.slice(0, 8), "id")).title = s.session_id;
      tr.appendChild(id);
      tr.appendChild(el("td", s.role));
      tr.appendChild(el("td", s.server));
      tr.appendChild(el("td", s.principal));
      const run = el("td");
      run.appendChild(runLink(await runOf(s.session_id)));
      tr.appendChild(run);
      const ageCell = tr.appendChild(el("td", age(s.created_at)));
      tr.appendChild(el("td", time(s.valid_before)));
      const stateCell = tr.appendChild(el("td"));
      const action = el("td");
      action.appendChild(revokeButton(tr, s));
      tr.appendChild(action);
      return { tr, ageCell, stateCell, action };
    }

    async function refresh() {
      let list;
      try {
        list = await call("GET", "/sessions" + filter);
      } catch (e) {
        status(e.message, true);
        return;
      }
      const live = new Set(list.map((s) => s.session_id));
      for (const [id, r] of shown) {
        if (!live.has(id) && confirming !== id) {
          r.tr.remove();
          shown.delete(id);
        }
      }
      for (const s of list) {
        let r = shown.get(s.session_id);
        if (!r) {
          r = await row(s);
          if (shown.has(s.session_id)) continue; // another refresh added it meanwhile
          shown.set(s.session_id, r);
          body.appendChild(r.tr);
        }
        r.ageCell.textContent = age(s.created_at);
        r.stateCell.replaceChildren(el("span", s.state, "state state-" + s.state.toLowerCase()));
      }
      document.getElementById("empty").hidden = shown.size > 0;
      status((done ? done + " " : "") + "Updated " + new Date().toLocaleTimeString() + " · " + list.length + " live", false);
    }

    function ask(tr, s) {
      confirming = s.session_id;
      const cell = tr.lastChild;
      const yes = button("Confirm revoke", async () => {
        try {
          await call("POST", "/sessions/" + encodeURIComponent(s.session_id) + "/revoke", {});
          done = "Session " + s.session_id.slice(0, 8) + " on " + s.server + " revoked.";
          status(done, false);
        } catch (e) {
          status(e.message, true);
        }
        confirming = null;
        refresh();
      }, "danger");
      const no = button("Cancel", () => {
        confirming = null;
        const again = revokeButton(tr, s);
        cell.replaceChildren(again);
        again.focus();
      }, "secondary");
      const q = el("span", "Revoke " + s.role + " on " + s.server + "? ", "confirm");
      cell.replaceChildren(q, yes, no);
      yes.focus();
    }

    document.getElementById("session-filter").addEventListener("submit", (e) => {
      e.preventDefault();
      const p = new URLSearchParams();
      for (const k of ["role", "server"]) {
        const v = document.getElementById("f-" + k).value.trim();
        if (v) p.set(k, v);
      }
      filter = p.toString() ? "?" + p : "";
      refresh();
    });
    refresh();
    setInterval(refresh, 3000);
  }

  // ---- Connections ---------------------------------------------------------------------------
  function connectionsPage() {
    const body = document.querySelector("#connections tbody");
    let selected = null;

    async function act(label, method, path, payload) {
      try {
        await call(method, path, payload);
        status(label + " done.", false);
      } catch (e) {
        status(e.message, true);
      }
      await refresh();
    }

    function actions(c) {
      const n = "/connections/" + encodeURIComponent(c.name);
      const out = [button("Test a token", () => show(c), "secondary")];
      if (c.state === "DRAFT") {
        out.push(button("Activate", () => act("Activation of " + c.name, "POST", n + "/activate", { content_hash: c.content_hash })));
      } else if (c.state === "ACTIVE") {
        out.push(button("Deactivate", () => act("Deactivation of " + c.name, "POST", n + "/deactivate", {}), "danger"));
      } else if (c.state === "INACTIVE") {
        out.push(button("Reactivate", () => act("Reactivation of " + c.name, "POST", n + "/activate", {})));
      }
      if (c.pending_change) {
        const h = c.pending_change.content_hash;
        out.push(button("Approve change", () => act("Approval of " + c.name, "POST", n + "/approve", { content_hash: h })));
        out.push(button("Reject change", () => act("Rejection of " + c.name, "POST", n + "/reject", {}), "danger"));
      }
      return out;
    }

    async function refresh() {
      let list;
      try {
        list = await call("GET", "/connections");
      } catch (e) {
        status(e.message, true);
        return;
      }
      const rows = list.map((c) => {
        const tr = el("tr");
        tr.dataset.connection = c.name;
        tr.appendChild(el("td")).appendChild(el("b", c.name));
        tr.appendChild(el("td", c.provider));
        tr.appendChild(el("td", c.issuer, "wrap"));
        const st = el("td");
        st.appendChild(el("span", c.state, "state state-" + c.state.toLowerCase()));
        if (c.pending_change) st.appendChild(el("span", " change pending", "muted"));
        tr.appendChild(st);
        tr.appendChild(el("td", c.proposed_by || "—"));
        tr.appendChild(el("td", c.approved_by || "—"));
        const a = el("td", null, "actions");
        a.append(...actions(c));
        tr.appendChild(a);
        return tr;
      });
      body.replaceChildren(...rows);
      document.getElementById("empty").hidden = rows.length > 0;
      if (selected) {
        const c = list.find((x) => x.name === selected);
        if (c) pending(c);
      }
    }

    function pending(c) {
      const box = document.getElementById("pending");
      box.replaceChildren();
      if (!c.pending_change) return;
      box.appendChild(el("h3", "Pending change proposed by " + c.pending_change.proposed_by));
      const t = el("table", null, "diff");
      const head = el("tr");
      for (const h of ["Field", "Live", "Proposed"]) head.appendChild(el("th", h)).scope = "col";
      t.appendChild(head);
      for (const f of c.pending_change.changes) {
        const tr = el("tr");
        tr.appendChild(el("td", f.field));
        tr.appendChild(el("td", JSON.stringify(f.from), "wrap"));
        tr.appendChild(el("td", JSON.stringify(f.to), "wrap"));
        t.appendChild(tr);
      }
      box.appendChild(t);
    }

    function show(c) {
      selected = c.name;
      const d = document.getElementById("detail");
      d.hidden = false;
      document.getElementById("detail-title").textContent = c.name + " (" + c.state + ")";
      document.getElementById("report").replaceChildren();
      pending(c);
      document.getElementById("test-token").focus();
    }

    document.getElementById("test-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const input = document.getElementById("test-token");
      const out = document.getElementById("report");
      const tokenValue = input.value.trim();
      input.value = ""; // the token is not kept on the page after it is sent
      try {
        const r = await call("POST", "/connections/" + encodeURIComponent(selected) + "/test", { token: tokenValue });
        const verdict = el("p", r.valid ? "The token is valid for " + r.connection + "." : "The token is not valid for " + r.connection + ".", r.valid ? "ok" : "bad");
        verdict.id = "verdict";
        const t = el("table", null, "report");
        t.id = "checks";
        const head = el("tr");
        for (const h of ["Check", "Result", "Detail"]) head.appendChild(el("th", h)).scope = "col";
        t.appendChild(head);
        for (const c of r.checks) {
          const tr = el("tr");
          tr.appendChild(el("td", c.check));
          tr.appendChild(el("td", c.passed ? "passed" : "failed", c.passed ? "ok" : "bad"));
          tr.appendChild(el("td", c.detail || "", "wrap"));
          t.appendChild(tr);
        }
        const roles = el("p", "Matching roles: " + (r.matching_roles.length ? r.matching_roles.join(", ") : "none"));
        out.replaceChildren(verdict, t, roles);
      } catch (err) {
        out.replaceChildren(el("p", err.message, "bad"));
      }
    });
    refresh();
  }

  // ---- Servers -------------------------------------------------------------------------------
  function serversPage() {
    const minted = document.getElementById("minted");
    const install = document.getElementById("install");

    function forget() {
      install.textContent = "";
      minted.hidden = true;
    }

    async function mint(server) {
      try {
        const t = await call("POST", "/servers/" + encodeURIComponent(server) + "/enrollment-tokens", {});
        document.getElementById("minted-title").textContent =
          "Enrolment token for " + t.server + " (valid until " + time(t.expires_at) + ")";
        install.textContent =
          "umask 077; printf '%s' '" + t.token + "' > ./enrolment-token\n" +
          "keyless-agent enroll --service " + window.location.origin + " --team " + team +
          " --server " + t.server + " --token-file ./enrolment-token\nrm ./enrolment-token";
        minted.hidden = false;
        document.getElementById("dismiss").focus();
        status("Enrolment token minted for " + t.server + ".", false);
      } catch (e) {
        status(e.message, true);
      }
    }

    document.getElementById("dismiss").addEventListener("click", () => {
      forget();
      status("The token was removed from the page.", false);
    });
    window.addEventListener("pagehide", forget);

    (async () => {
      let list;
      try {
        list = await call("GET", "/servers");
      } catch (e) {
        status(e.message, true);
        return;
      }
      const rows = list.map((s) => {
        const tr = el("tr");
        tr.dataset.server = s.name;
        tr.appendChild(el("td")).appendChild(el("b", s.name));
        tr.appendChild(el("td", s.address + ":" + s.port));
        tr.appendChild(el("td", Object.entries(s.labels || {}).map(([k, v]) => k + "=" + v).join(", ") || "—"));
        tr.appendChild(el("td", time(s.created_at)));
        tr.appendChild(el("td")).appendChild(button("Mint enrolment token", () => mint(s.name), "secondary"));
        return tr;
      });
      document.querySelector("#servers tbody").replaceChildren(...rows);
      document.getElementById("empty").hidden = rows.length > 0;
    })();
  }

  // ---- Audit ---------------------------------------------------------------------------------
  function auditPage() {
    const form = document.getElementById("audit-filter");
    const fields = ["since", "until", "type", "role", "server", "session", "run", "limit"];
    let shown = [];
    const initial = new URLSearchParams(window.location.search);
    for (const f of fields) {
      if (initial.get(f)) document.getElementById("a-" + f).value = initial.get(f);
    }

    function query() {
      const p = new URLSearchParams();
      for (const f of fields) {
        const v = document.getElementById("a-" + f).value.trim();
        if (v) p.set(f, v);
      }
      return p;
    }

    async function load() {
      const p = query();
      history.replaceState(null, "", "?" + p);
      let page;
      try {
        page = await call("GET", "/audit?" + p);
      } catch (e) {
        status(e.message, true);
        return;
      }
      shown = page.events;
      const rows = shown.map((e) => {
        const tr = el("tr");
        tr.appendChild(el("td", e.seq));
        tr.appendChild(el("td", time(e.time), "nowrap"));
        tr.appendChild(el("td")).appendChild(el("code", e.type));
        tr.appendChild(el("td", e.outcome, e.outcome === "success" ? "ok" : "bad"));
        tr.appendChild(el("td", e.actor_id ? e.actor_type + " " + e.actor_id : e.actor_type));
        tr.appendChild(el("td", e.role || "—"));
        tr.appendChild(el("td", e.server || "—"));
        tr.appendChild(el("td", e.session_id ? e.session_id.slice(0, 8) : "—")).title = e.session_id || "";
        tr.appendChild(el("td", runText(e.claims) || "—", "wrap"));
        tr.appendChild(el("td", e.reason || "", "wrap"));
        return tr;
      });
      document.querySelector("#events tbody").replaceChildren(...rows);
      document.getElementById("empty").hidden = rows.length > 0;
      status(rows.length + (rows.length === 1 ? " event" : " events") + " shown (oldest first).", false);
    }

    async function chain() {
      const c = document.getElementById("chain");
      try {
        const v = await call("GET", "/audit/verify");
        c.textContent = v.valid
          ? "Chain intact: " + v.events_checked + " events checked."
          : "Chain BROKEN at seq " + v.first_broken_seq + ": " + v.detail;
        c.className = v.valid ? "chain ok" : "chain bad";
      } catch (e) {
        c.textContent = "Chain status unavailable: " + e.message;
        c.className = "chain bad";
      }
    }

    form.addEventListener("submit", (e) => {
      e.preventDefault();
      load();
      chain();
    });
    document.getElementById("export").addEventListener("click", () => {
      const lines = shown.map((e) => JSON.stringify(e)).join("\n") + (shown.length ? "\n" : "");
      const a = document.createElement("a");
      a.href = URL.createObjectURL(new Blob([lines], { type: "application/x-ndjson" }));
      a.download = "keyless-audit-" + team + ".jsonl";
      document.body.appendChild(a);
      a.click();
      a.remove();
      status("Exported " + shown.length + " events as JSON lines.", false);
    });
    load();
    chain();
  }

  return { sessionsPage, connectionsPage, serversPage, auditPage, page };
})();

document.addEventListener("DOMContentLoaded", () => {
  const which = Console.page ? Console.page.dataset.page : null;
  if (which === "sessions") Console.sessionsPage();
  if (which === "connections") Console.connectionsPage();
  if (which === "servers") Console.serversPage();
  if (which === "audit") Console.auditPage();
});
