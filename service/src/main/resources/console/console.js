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

  let signedIn = null;

  /** Who is signed in (admin, role) and the CSRF token to echo, fetched once per page. */
  async function session() {
    if (signedIn === null) {
      const r = await fetch("/console/session", { credentials: "same-origin" });
      if (!r.ok) {
        throw new Error("Your console session has ended; sign in again.");
      }
      signedIn = await r.json();
    }
    return signedIn;
  }

  async function token() {
    if (csrf === null) {
      csrf = (await session()).csrf_token;
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
      e.errors = json && Array.isArray(json.errors) ? json.errors : [];
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

  /**
   * The service's own problem, shown in a form: each entry of errors[] under the input whose
   * data-field is the longest prefix of its field (servers.labels.env -> servers.labels), the rest at the top.
   */
  function fieldErrors(form, top, e) {
    form.querySelectorAll(".error").forEach((x) => (x.textContent = ""));
    form.querySelectorAll("[aria-invalid]").forEach((x) => x.removeAttribute("aria-invalid"));
    top.textContent = "";
    if (!e) return;
    const errors = e.errors || [];
    let first = null;
    const general = [];
    for (const f of errors) {
      const field = String(f.field || "");
      // The field and its prefixes (sudo, sudo[0], sudo[0].command), tried longest first.
      const parts = [field];
      const tail = /(\.[^.[\]]+|\[\d+\])$/;
      for (let prefix = field; tail.test(prefix); ) {
        prefix = prefix.replace(tail, "");
        parts.unshift(prefix);
      }
      let target = null;
      for (let n = parts.length; n > 0 && !target; n--) {
        target = form.querySelector('[data-field="' + CSS.escape(parts[n - 1]) + '"]');
      }
      const message = String(f.message || "").startsWith(field + ": ") ? f.message.slice(field.length + 2) : f.message;
      if (!target) {
        general.push(field + ": " + message);
        continue;
      }
      const box = document.getElementById(target.id + "-error");
      const named = field !== target.dataset.field ? field + ": " : "";
      box.textContent = (box.textContent ? box.textContent + " " : "") + named + message;
      target.setAttribute("aria-invalid", "true");
      first = first || target;
    }
    top.textContent = errors.length ? (general.length ? general.join("; ") : "Fix the fields marked below.") : e.message;
    (first || top).focus();
  }

  function jsonField(text, field, example) {
    if (!text.trim()) return undefined;
    try {
      const v = JSON.parse(text);
      if (v && typeof v === "object" && !Array.isArray(v)) return v;
    } catch (ignored) {
      // reported below, as the service would
    }
    const err = new Error(field + ": not a JSON object");
    err.errors = [{ field, message: "must be a JSON object such as " + example }];
    throw err;
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
    const form = document.getElementById("connection-form");
    const editor = document.getElementById("editor");
    const detail = document.getElementById("detail");
    let list = [];
    let selected = null; // the name of the connection shown in the detail panel
    let editing = null; // null: a new draft; else the name being edited
    let me = { admin: "", role: "" };
    const isSecurity = () => me.role === "security_admin";
    const canWrite = () => me.role === "security_admin" || me.role === "devops_admin";
    const path = (name) => "/connections/" + encodeURIComponent(name);

    function badge(c) {
      const out = [el("span", c.state, "state state-" + c.state.toLowerCase())];
      if (c.activation_request) out.push(el("span", "activation requested", "flag"));
      if (c.pending_change) out.push(el("span", "change pending", "flag"));
      return out;
    }

    async function refresh() {
      try {
        list = await call("GET", "/connections");
      } catch (e) {
        status(e.message, true);
        return;
      }
      const rows = list.map((c) => {
        const tr = el("tr");
        tr.dataset.connection = c.name;
        if (c.name === selected) tr.className = "selected";
        tr.appendChild(el("td")).appendChild(el("b", c.name));
        tr.appendChild(el("td", c.provider));
        tr.appendChild(el("td", c.issuer, "wrap"));
        tr.appendChild(el("td")).append(...badge(c));
        tr.appendChild(el("td", c.proposed_by || "—"));
        tr.appendChild(el("td", c.approved_by || "—"));
        const openButton = button("Open", () => show(c.name), "secondary");
        openButton.setAttribute("aria-label", "Open " + c.name);
        tr.appendChild(el("td")).appendChild(openButton);
        return tr;
      });
      body.replaceChildren(...rows);
      document.getElementById("empty").hidden = rows.length > 0;
      if (selected) {
        const c = list.find((x) => x.name === selected);
        if (c) render(c);
        else detail.hidden = true;
      }
    }

    /** One state change; the service's problem detail (e.g. a four-eyes refusal) is shown where it was asked. */
    async function act(label, method, p, payload) {
      const out = document.getElementById("outcome");
      try {
        await call(method, p, payload);
        status(label + ": done.", false);
        await refresh();
        const o = document.getElementById("outcome");
        if (o) {
          o.textContent = label + ": done.";
          o.className = "ok";
        }
      } catch (e) {
        status(label + " refused.", true);
        await refresh();
        const o = document.getElementById("outcome") || out;
        o.textContent = e.message;
        o.className = "bad";
        o.focus();
      }
    }

    function shortHash(h) {
      return h ? h.slice(0, 12) + "…" : "—";
    }

    function value(v) {
      if (v === null || v === undefined || v === "") return "—";
      if (Array.isArray(v)) return v.length ? v.join(", ") : "—";
      if (typeof v === "object") return Object.keys(v).length ? JSON.stringify(v) : "—";
      return String(v);
    }

    function settingsTable(c) {
      const rows = [
        ["Provider", c.provider],
        ["Issuer", c.issuer],
        ["JWKS URL", c.jwks_pinned ? "pinned key set" : c.jwks_uri || "OIDC discovery"],
        ["Audiences", c.audiences],
        ["Signing algorithms", c.algorithms],
        ["Required claims", c.required_claims],
        ["Maximum token age", c.max_token_age_seconds + " s"],
        ["Clock skew", c.clock_skew_seconds + " s"],
        ["Content hash", c.content_hash],
        ["Created", c.created_by + " · " + time(c.created_at)],
        ["Proposed by", c.proposed_by],
        ["Approved by", c.approved_by ? c.approved_by + " · " + time(c.approved_at) : "—"],
      ];
      document.querySelector("#settings tbody").replaceChildren(
        ...rows.map(([k, v]) => {
          const tr = el("tr");
          const th = el("th", k);
          th.scope = "row";
          tr.append(th, el("td", value(v), "wrap"));
          return tr;
        }),
      );
    }

    function diffTable(changes, before, after, id) {
      const t = el("table", null, "diff");
      t.id = id;
      const cap = el("caption", "What the approval puts into effect");
      t.appendChild(cap);
      const head = el("tr");
      for (const h of ["Setting", before, after]) head.appendChild(el("th", h)).scope = "col";
      t.appendChild(head);
      for (const f of changes) {
        const tr = el("tr");
        tr.appendChild(el("td", f.field));
        tr.appendChild(el("td", f.from === null || f.from === undefined ? "—" : value(f.from), "wrap old"));
        tr.appendChild(el("td", value(f.to), "wrap new"));
        t.appendChild(tr);
      }
      return t;
    }

    function note(text, cls) {
      return el("p", text, cls || "hint");
    }

    /** The workflow box: what this admin can do with this connection now. */
    function workflow(c) {
      const box = document.getElementById("workflow");
      const parts = [el("h3", "Workflow")];
      const buttons = el("p", null, "buttons");
      const n = path(c.name);
      const mine = (who) => who && who === me.admin;
      if (c.state === "DRAFT" && !c.activation_request) {
        parts.push(note("Draft: it issues nothing. Test tokens against it; when its settings are right, request activation."));
        if (canWrite()) {
          buttons.append(
            button("Edit settings", () => edit(c), "secondary"),
            button("Request activation", () => act("Activation request for " + c.name, "POST", n + "/request-activation", { content_hash: c.content_hash })),
          );
        }
        if (isSecurity()) {
          buttons.append(button("Activate without a request", () => act("Activation of " + c.name, "POST", n + "/activate", { content_hash: c.content_hash }), "secondary"));
        }
      } else if (c.state === "DRAFT") {
        const r = c.activation_request;
        parts.push(note("Activation requested by " + r.requested_by + " at " + time(r.requested_at) + " for content hash " + shortHash(r.content_hash), "flagged"));
        if (isSecurity()) {
          parts.push(diffTable(r.changes, "Now", "After approval", "approval-diff"));
          if (mine(c.proposed_by) || mine(c.created_by)) {
            parts.push(note("You wrote these settings: the four-eyes rules let only another security admin approve them.", "warn"));
          }
          buttons.append(
            button("Approve and activate", () => act("Approval of " + c.name, "POST", n + "/activate", { content_hash: r.content_hash })),
            button("Reject request", () => act("Rejection of the request for " + c.name, "POST", n + "/reject", {}), "danger"),
          );
        } else {
          parts.push(note("Waiting for a security admin. Editing the draft withdraws the request."));
          if (canWrite()) buttons.append(button("Edit settings", () => edit(c), "secondary"));
        }
      } else if (c.state === "ACTIVE") {
        parts.push(note("Active: tokens are exchanged under the approved settings above."));
        if (isSecurity()) {
          buttons.append(button("Propose a change", () => edit(c), "secondary"));
          buttons.append(button("Deactivate", () => confirmThen(buttons, "Deactivate " + c.name + "? Its access tokens stop working and its live sessions are revoked.", "Confirm deactivate", () => act("Deactivation of " + c.name, "POST", n + "/deactivate", {})), "danger"));
        } else {
          parts.push(note("Locked: only a security admin may change or deactivate it."));
        }
      } else if (c.state === "INACTIVE") {
        parts.push(note("Inactive: it issues nothing. Reactivation puts the approved settings back into effect."));
        if (isSecurity()) {
          buttons.append(button("Reactivate", () => act("Reactivation of " + c.name, "POST", n + "/activate", {})));
          buttons.append(button("Propose a change", () => edit(c), "secondary"));
        }
      }
      if (buttons.childNodes.length) parts.push(buttons);
      if (c.pending_change) {
        const p = c.pending_change;
        parts.push(el("h3", "Pending change"));
        parts.push(note("Proposed by " + p.proposed_by + " at " + time(p.proposed_at) + "; content hash " + shortHash(p.content_hash) + " — the live settings stay until it is approved.", "flagged"));
        parts.push(diffTable(p.changes, "Live", "Proposed", "change-diff"));
        if (isSecurity()) {
          if (mine(p.proposed_by)) {
            parts.push(note("You proposed this change: the four-eyes rules let only another security admin approve it.", "warn"));
          }
          const b = el("p", null, "buttons");
          b.append(
            button("Approve change", () => act("Approval of the change of " + c.name, "POST", n + "/approve", { content_hash: p.content_hash })),
            button("Reject change", () => act("Rejection of the change of " + c.name, "POST", n + "/reject", {}), "danger"),
          );
          parts.push(b);
        }
      }
      const outcome = el("p", null, "");
      outcome.id = "outcome";
      outcome.tabIndex = -1;
      outcome.setAttribute("role", "alert");
      parts.push(outcome);
      box.replaceChildren(...parts);
    }

    function confirmThen(container, question, yesLabel, action) {
      document.getElementById("outcome").textContent = ""; // an earlier outcome is not this question's
      const before = [...container.childNodes];
      const yes = button(yesLabel, action, "danger");
      const no = button("Cancel", () => {
        container.replaceChildren(...before);
        before[0].focus();
      }, "secondary");
      container.replaceChildren(el("span", question + " ", "confirm"), yes, no);
      yes.focus();
    }

    function render(c) {
      detail.hidden = false;
      document.getElementById("detail-title").replaceChildren(el("span", c.name + " "), ...badge(c));
      settingsTable(c);
      workflow(c);
    }

    function show(name) {
      selected = name;
      editor.hidden = true;
      document.getElementById("report").replaceChildren();
      refresh().then(() => {
        document.getElementById("detail-title").tabIndex = -1;
        document.getElementById("detail-title").focus();
        detail.scrollIntoView({ block: "start" });
      });
    }

    // ---- the editor: create a draft, edit a draft, or propose a change ----
    const input = (name) => form.querySelector("[name=" + name + "]");
    const split = (v) => v.split(",").map((x) => x.trim()).filter((x) => x);

    function clearErrors() {
      fieldErrors(form, document.getElementById("form-error"), null);
    }

    function open(c) {
      editing = c ? c.name : null;
      clearErrors();
      form.reset();
      input("name").readOnly = !!c;
      if (c) {
        input("name").value = c.name;
        input("provider").value = c.provider;
        input("issuer").value = c.issuer || "";
        input("jwks_uri").value = c.jwks_uri || "";
        input("audiences").value = (c.audiences || []).join(", ");
        input("algorithms").value = (c.algorithms || []).join(", ");
        input("max_token_age_seconds").value = c.max_token_age_seconds;
        input("required_claims").value = Object.keys(c.required_claims || {}).length ? JSON.stringify(c.required_claims, null, 1) : "";
      }
      const draft = !c || c.state === "DRAFT";
      document.getElementById("editor-title").textContent = !c ? "New Draft connection" : draft ? "Edit Draft " + c.name : "Propose a change of " + c.name;
      document.getElementById("editor-hint").textContent = !c
        ? "Nothing is trusted until a second security admin activates it."
        : draft
          ? "Saving changes the draft at once and withdraws any activation request."
          : "The live settings stay until a second security admin approves the change.";
      document.getElementById("save").textContent = !c ? "Create Draft" : draft ? "Save Draft" : "Propose change";
      editor.hidden = false;
      detail.hidden = !c;
      (c ? input("provider") : input("name")).focus();
    }

    function edit(c) {
      open(c);
    }

    function spec() {
      const s = { name: input("name").value.trim(), provider: input("provider").value };
      for (const k of ["issuer", "jwks_uri"]) {
        const v = input(k).value.trim();
        if (v) s[k] = v;
      }
      s.audiences = split(input("audiences").value);
      const alg = split(input("algorithms").value);
      if (alg.length) s.algorithms = alg;
      const age = input("max_token_age_seconds").value.trim();
      if (age) s.max_token_age_seconds = Number(age);
      const claims = jsonField(input("required_claims").value, "required_claims", '{"repository_owner": "acme-corp"}');
      if (claims) s.required_claims = claims;
      return s;
    }

    function showErrors(e) {
      fieldErrors(form, document.getElementById("form-error"), e);
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      clearErrors();
      try {
        const s = spec();
        if (editing) {
          await call("PUT", path(editing), s);
        } else {
          await call("POST", "/connections", s);
        }
        editor.hidden = true;
        status((editing ? "Saved " : "Created Draft ") + s.name + ".", false);
        show(s.name);
      } catch (err) {
        showErrors(err);
      }
    });
    document.getElementById("cancel-edit").addEventListener("click", () => {
      editor.hidden = true;
      if (selected) show(selected);
    });
    document.getElementById("new-draft").addEventListener("click", () => open(null));

    // ---- the token test ----
    document.getElementById("test-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const field = document.getElementById("test-token");
      const out = document.getElementById("report");
      const tokenValue = field.value.trim();
      field.value = ""; // the token is not kept on the page after it is sent
      try {
        const r = await call("POST", path(selected) + "/test", { token: tokenValue });
        // The connection's state and its roles are not trust settings: a Draft's author wants to know
        // whether the settings accept the token, and, apart from that, what would still refuse it.
        const later = ["connection-state", "role-match"];
        const trust = r.checks.filter((c) => !later.includes(c.check));
        const failedTrust = trust.filter((c) => !c.passed);
        const still = r.checks.filter((c) => later.includes(c.check) && !c.passed);
        let text;
        if (r.valid) text = "The token is valid for " + r.connection + ": an exchange would accept it.";
        else if (failedTrust.length) text = "The token is refused by " + r.connection + "'s settings: " + failedTrust.map((c) => c.check).join(", ") + " failed.";
        else text = "The token passes all " + trust.length + " checks of " + r.connection + "'s trust settings. An exchange would still refuse it: " + still.map((c) => c.detail || c.check).join("; ") + ".";
        const verdict = el("p", text, r.valid || !failedTrust.length ? "ok" : "bad");
        verdict.id = "verdict";
        const t = el("table", null, "report");
        t.id = "checks";
        t.appendChild(el("caption", "Checks, in the order the exchange runs them"));
        const head = el("tr");
        for (const h of ["Check", "Result", "Detail"]) head.appendChild(el("th", h)).scope = "col";
        t.appendChild(head);
        for (const c of r.checks) {
          const tr = el("tr");
          tr.appendChild(el("td")).appendChild(el("code", c.check));
          tr.appendChild(el("td", c.passed ? "✓ passed" : "✗ failed", c.passed ? "ok" : "bad"));
          tr.appendChild(el("td", c.detail || "", "wrap"));
          t.appendChild(tr);
        }
        const roles = el("p", "Roles this token would match: " + (r.matching_roles.length ? r.matching_roles.join(", ") : "none"));
        out.replaceChildren(verdict, t, roles);
      } catch (err) {
        out.replaceChildren(el("p", err.message, "bad"));
      }
    });

    session()
      .then((s) => {
        me = s;
        document.getElementById("new-row").hidden = !canWrite();
      })
      .catch((e) => status(e.message, true))
      .finally(() => {
        const wanted = new URLSearchParams(window.location.search).get("open");
        if (wanted) selected = wanted;
        refresh();
      });
  }

  // ---- Roles and policies --------------------------------------------------------------------
  function policiesPage() {
    const roleForm = document.getElementById("role-form");
    const policyForm = document.getElementById("policy-form");
    const split = (v) => v.split(",").map((x) => x.trim()).filter((x) => x);
    let editingRole = null;
    let editingPolicy = null; // the stored policy being edited: fields the form does not show are kept
    let writer = false;

    function selectorText(sel) {
      const out = [];
      if (sel && sel.names && sel.names.length) out.push("names: " + sel.names.join(", "));
      if (sel && sel.labels && Object.keys(sel.labels).length) out.push("labels: " + Object.entries(sel.labels).map(([k, v]) => k + "=" + v).join(", "));
      return out.join("; ") || "—";
    }

    async function reached(spec) {
      const servers = await call("POST", "/servers/reached-by-policy", spec);
      return servers.map((s) => s.name);
    }

    function editButton(label, name, onClick) {
      const b = button("Edit", onClick, "secondary");
      b.setAttribute("aria-label", "Edit " + label + " " + name);
      b.hidden = !writer;
      return b;
    }

    async function load() {
      let roles;
      let policies;
      try {
        [roles, policies] = await Promise.all([call("GET", "/roles"), call("GET", "/policies")]);
      } catch (e) {
        status(e.message, true);
        return;
      }
      document.querySelector("#roles tbody").replaceChildren(
        ...roles.map((r) => {
          const tr = el("tr");
          tr.dataset.role = r.name;
          tr.appendChild(el("td")).appendChild(el("b", r.name));
          tr.appendChild(el("td", r.connection));
          tr.appendChild(el("td")).appendChild(el("code", JSON.stringify(r.claims || {}), "wrap"));
          tr.appendChild(el("td")).appendChild(el("code", r.principal));
          tr.appendChild(el("td", time(r.updated_at), "nowrap"));
          tr.appendChild(el("td")).appendChild(editButton("role", r.name, () => openRole(r)));
          return tr;
        }),
      );
      document.getElementById("roles-empty").hidden = roles.length > 0;
      const rows = [];
      for (const p of policies) {
        const tr = el("tr");
        tr.dataset.policy = p.name;
        tr.appendChild(el("td")).appendChild(el("b", p.name));
        tr.appendChild(el("td", p.roles.join(", ")));
        tr.appendChild(el("td", selectorText(p.servers), "wrap"));
        const reach = tr.appendChild(el("td", "…", "reach"));
        tr.appendChild(el("td")).append(...(p.sudo.length ? p.sudo.map(ruleText) : [el("span", "none", "muted")]));
        tr.appendChild(el("td", p.session_ttl_seconds + " s", "nowrap"));
        tr.appendChild(el("td")).appendChild(editButton("policy", p.name, () => openPolicy(p)));
        rows.push(tr);
        reached(stored(p))
          .then((names) => (reach.textContent = names.length ? names.join(", ") : "no server"))
          .catch(() => (reach.textContent = "?"));
      }
      document.querySelector("#policies tbody").replaceChildren(...rows);
      document.getElementById("policies-empty").hidden = policies.length > 0;
    }

    function ruleText(r) {
      const c = el("code", r.command, "rule");
      if (r.unrestricted) c.appendChild(el("span", "unrestricted", "rule-flag danger"));
      else if (r.allow_wildcards) c.appendChild(el("span", "wildcards", "rule-flag"));
      return c;
    }

    /** A stored policy as a spec: the view without what the service fills in. */
    function stored(p) {
      const spec = { ...p };
      delete spec.updated_at;
      return spec;
    }

    // ---- roles ----
    async function openRole(r) {
      editingRole = r ? r.name : null;
      fieldErrors(roleForm, document.getElementById("role-form-error"), null);
      roleForm.reset();
      const select = document.getElementById("r-connection");
      try {
        const connections = await call("GET", "/connections");
        select.replaceChildren(
          ...connections.map((c) => {
            const o = el("option", c.name + " (" + c.state + ")");
            o.value = c.name;
            return o;
          }),
        );
      } catch (e) {
        status(e.message, true);
      }
      const name = document.getElementById("r-name");
      name.readOnly = !!r;
      if (r) {
        name.value = r.name;
        select.value = r.connection;
        document.getElementById("r-claims").value = JSON.stringify(r.claims || {}, null, 1);
      }
      document.getElementById("role-editor-title").textContent = r ? "Edit role " + r.name : "New role";
      document.getElementById("role-save").textContent = r ? "Save role" : "Create role";
      document.getElementById("role-editor").hidden = false;
      (r ? select : name).focus();
    }

    roleForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      const top = document.getElementById("role-form-error");
      fieldErrors(roleForm, top, null);
      try {
        const spec = {
          name: document.getElementById("r-name").value.trim(),
          connection: document.getElementById("r-connection").value,
          claims: jsonField(document.getElementById("r-claims").value, "claims", '{"repository": "acme-corp/deploy-*"}') || {},
        };
        if (editingRole) await call("PUT", "/roles/" + encodeURIComponent(editingRole), spec);
        else await call("POST", "/roles", spec);
        document.getElementById("role-editor").hidden = true;
        status((editingRole ? "Saved role " : "Created role ") + spec.name + ".", false);
        await load();
      } catch (err) {
        fieldErrors(roleForm, top, err);
      }
    });
    document.getElementById("role-cancel").addEventListener("click", () => (document.getElementById("role-editor").hidden = true));
    document.getElementById("new-role").addEventListener("click", () => openRole(null));

    // ---- policies ----
    const pf = (id) => document.getElementById(id);

    function openPolicy(p) {
      editingPolicy = p || null;
      fieldErrors(policyForm, pf("policy-form-error"), null);
      policyForm.reset();
      pf("reach").replaceChildren();
      pf("p-name").readOnly = !!p;
      if (p) {
        pf("p-name").value = p.name;
        pf("p-roles").value = p.roles.join(", ");
        pf("p-ttl").value = p.session_ttl_seconds;
        pf("p-names").value = ((p.servers && p.servers.names) || []).join(", ");
        pf("p-labels").value = Object.entries((p.servers && p.servers.labels) || {}).map(([k, v]) => k + "=" + v).join(", ");
      }
      renderSudo(p ? p.sudo : [], null);
      pf("policy-editor-title").textContent = p ? "Edit policy " + p.name : "New policy";
      pf("policy-save").textContent = p ? "Save policy" : "Create policy";
      pf("policy-editor").hidden = false;
      (p ? pf("p-roles") : pf("p-name")).focus();
    }

    function policySpec() {
      const base = editingPolicy ? stored(editingPolicy) : {};
      const labels = {};
      const bad = [];
      for (const pair of split(pf("p-labels").value)) {
        const i = pair.indexOf("=");
        if (i <= 0) bad.push(pair);
        else labels[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
      }
      if (bad.length) {
        const err = new Error("labels: write key=value");
        err.errors = [{ field: "servers.labels", message: "write key=value pairs, separated by commas (not: " + bad.join(", ") + ")" }];
        throw err;
      }
      // Every row is sent, an empty one too, so that the service's sudo[i] is the form's row i.
      const sudo = readSudo().map((r) => {
        const rule = { command: r.command };
        if (r.allow_wildcards) rule.allow_wildcards = true;
        if (r.unrestricted) rule.unrestricted = true;
        return rule;
      });
      const spec = { ...base, name: pf("p-name").value.trim(), roles: split(pf("p-roles").value), servers: { names: split(pf("p-names").value), labels }, sudo };
      const ttl = pf("p-ttl").value.trim();
      if (ttl) spec.session_ttl_seconds = Number(ttl);
      else delete spec.session_ttl_seconds;
      return spec;
    }

    // ---- sudo rules: one row per rule, with the two flags the API has ----
    function checkbox(id, text, checked, cls) {
      const label = el("label", null, "check");
      const box = el("input", null, cls);
      box.type = "checkbox";
      box.id = id;
      box.checked = !!checked;
      label.append(box, document.createTextNode(" " + text));
      return label;
    }

    function readSudo() {
      return [...pf("sudo-rules").children].map((li) => ({
        command: li.querySelector("input[type=text]").value.trim(),
        allow_wildcards: li.querySelector("input.wild").checked,
        unrestricted: li.querySelector("input.all").checked,
      }));
    }

    /** Draws the rules; row i's command input is p-sudo-i, data-field sudo[i].command, as the service names it. */
    function renderSudo(rules, focus) {
      const items = rules.map((r, i) => {
        const id = "p-sudo-" + i;
        const li = el("li");
        const label = el("label", "Rule " + (i + 1) + " command", "sr");
        label.htmlFor = id;
        const command = el("input");
        command.type = "text";
        command.id = id;
        command.dataset.field = "sudo[" + i + "].command";
        command.value = r.command || "";
        command.autocomplete = "off";
        command.spellcheck = false;
        command.placeholder = "/usr/bin/systemctl restart app";
        command.setAttribute("aria-describedby", id + "-error p-sudo-help");
        const remove = button("Remove", () => {
          const left = readSudo();
          left.splice(i, 1);
          renderSudo(left, left.length ? Math.min(i, left.length - 1) : -1);
        }, "secondary");
        remove.setAttribute("aria-label", "Remove sudo rule " + (i + 1));
        const error = el("p", null, "error");
        error.id = id + "-error";
        li.append(
          el("span", i + 1 + ".", "rule-no"),
          label,
          command,
          checkbox(id + "-wildcards", "wildcards", r.allow_wildcards, "wild"),
          checkbox(id + "-unrestricted", "unrestricted", r.unrestricted, "all"),
          remove,
          error,
        );
        return li;
      });
      pf("sudo-rules").replaceChildren(...items);
      if (focus !== null) (focus >= 0 ? pf("p-sudo-" + focus) : pf("sudo-add")).focus();
    }

    pf("sudo-add").addEventListener("click", () => {
      const rules = readSudo();
      rules.push({ command: "" });
      renderSudo(rules, rules.length - 1);
    });

    async function preview() {
      const top = pf("policy-form-error");
      fieldErrors(policyForm, top, null);
      const out = pf("reach");
      try {
        const names = await reached(policySpec());
        const p = el("p", null, "flagged");
        p.id = "reach-result";
        p.append(el("span", names.length ? "This policy reaches " + names.length + (names.length === 1 ? " server: " : " servers: ") : "This policy reaches no server yet."));
        names.forEach((n, i) => p.append(el("b", n), document.createTextNode(i < names.length - 1 ? ", " : "")));
        out.replaceChildren(p);
      } catch (err) {
        out.replaceChildren();
        fieldErrors(policyForm, top, err);
      }
    }

    policyForm.addEventListener("submit", async (e) => {
      e.preventDefault();
      const top = pf("policy-form-error");
      fieldErrors(policyForm, top, null);
      try {
        const spec = policySpec();
        if (editingPolicy) await call("PUT", "/policies/" + encodeURIComponent(editingPolicy.name), spec);
        else await call("POST", "/policies", spec);
        pf("policy-editor").hidden = true;
        status((editingPolicy ? "Saved policy " : "Created policy ") + spec.name + ".", false);
        await load();
      } catch (err) {
        fieldErrors(policyForm, top, err);
      }
    });
    pf("policy-preview").addEventListener("click", preview);
    pf("policy-cancel").addEventListener("click", () => (pf("policy-editor").hidden = true));
    pf("new-policy").addEventListener("click", () => openPolicy(null));

    session()
      .then((s) => {
        writer = s.role === "security_admin";
        document.querySelectorAll(".write").forEach((x) => (x.hidden = !writer));
      })
      .catch((e) => status(e.message, true))
      .finally(load);
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

    /**
     * Agent, last seen, version. The service records a call at most once a minute, and a healthy
     * agent long-polls all the time, so more than three minutes without one means it is not running.
     */
    function agentCells(a) {
      if (!a.enrolled) {
        return [el("td", "not enrolled", "state state-none"), el("td", "—", "muted"), el("td", "—", "muted")];
      }
      const enrolled = el("td");
      enrolled.append(el("span", "enrolled", "state state-active"), el("span", " " + time(a.enrolled_at), "muted nowrap"));
      const seen = el("td", null, "nowrap");
      // Recorded to the minute: a more precise "12 s ago" would claim what the service does not know.
      const seconds = (Date.now() - Date.parse(a.last_seen_at)) / 1000;
      const quiet = seconds > 180;
      const t = el("time", seconds < 60 ? "under a minute ago" : age(a.last_seen_at) + " ago");
      t.dateTime = a.last_seen_at;
      t.title = time(a.last_seen_at);
      seen.append(t);
      if (quiet) seen.append(el("span", "not seen lately", "flag"));
      return [enrolled, seen, el("td", a.version || "unknown", a.version ? "" : "muted")];
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
        tr.append(...agentCells(s.agent || { enrolled: false }));
        tr.appendChild(el("td", time(s.created_at), "nowrap"));
        tr.appendChild(el("td")).appendChild(button("Mint enrolment token", () => mint(s.name), "secondary"));
        return tr;
      });
      document.querySelector("#servers tbody").replaceChildren(...rows);
      document.getElementById("empty").hidden = rows.length > 0;
    })();
  }

  // ---- API tokens ----------------------------------------------------------------------------
  function tokensPage() {
    const form = document.getElementById("token-form");
    const created = document.getElementById("created");
    const value = document.getElementById("token-value");
    const lifetime = document.getElementById("t-lifetime");
    let me = { admin: "", role: "" };

    function forget() {
      value.textContent = "";
      created.hidden = true;
    }

    function days(seconds) {
      const d = seconds / 86400;
      return d >= 1 && Number.isInteger(d) ? d + (d === 1 ? " day" : " days") : seconds + " s";
    }

    /** The lifetimes on offer: the team's default, and common ones up to its maximum. */
    async function lifetimes() {
      let p = null;
      try {
        p = await call("GET", "/admin-token-policy");
      } catch (e) {
        p = null; // the default still applies; the service refuses what is too long
      }
      const options = [];
      const o = el("option", p ? "Team default (" + days(p.default_ttl_seconds) + ")" : "Team default");
      o.value = "";
      options.push(o);
      for (const d of [1, 7, 30, 90, 365]) {
        if (p && d * 86400 > p.max_ttl_seconds) continue;
        if (p && d * 86400 === p.default_ttl_seconds) continue;
        const x = el("option", days(d * 86400));
        x.value = String(d * 86400);
        options.push(x);
      }
      lifetime.replaceChildren(...options);
      if (p) {
        document.getElementById("policy").textContent =
          "New tokens live " + days(p.default_ttl_seconds) + " unless you choose otherwise, at most " + days(p.max_ttl_seconds) + ".";
      }
    }

    function stateOf(t) {
      return el("span", t.state, "state state-" + (t.state === "active" ? "active" : "inactive"));
    }

    function revokeButton(tr, t) {
      const b = button("Revoke", () => ask(tr, t), "danger");
      b.setAttribute("aria-label", "Revoke token " + t.name + " of " + t.admin);
      return b;
    }

    function row(t) {
      const tr = el("tr");
      tr.dataset.token = t.id;
      tr.appendChild(el("td", null, "nowrap")).appendChild(el("b", t.name));
      tr.appendChild(el("td", t.admin));
      const made = tr.appendChild(el("td", time(t.created_at), "nowrap"));
      if (t.created_by && t.created_by !== t.admin) made.appendChild(el("span", " by " + t.created_by, "muted"));
      tr.appendChild(el("td", t.expires_at ? time(t.expires_at) : "never", "nowrap"));
      tr.appendChild(el("td", t.last_used_at ? time(t.last_used_at) : "never", "nowrap"));
      const state = tr.appendChild(el("td"));
      state.appendChild(stateOf(t));
      if (t.revoked_by) state.appendChild(el("span", " by " + t.revoked_by, "muted"));
      const action = tr.appendChild(el("td"));
      if (t.state === "active" && (me.role === "security_admin" || t.admin === me.admin)) action.appendChild(revokeButton(tr, t));
      return tr;
    }

    async function load() {
      let list;
      try {
        list = await call("GET", "/admin-tokens");
      } catch (e) {
        status(e.message, true);
        return;
      }
      // Active first, then newest first: what an admin acts on is at the top.
      list.sort((a, b) => (a.state === "active") !== (b.state === "active") ? (a.state === "active" ? -1 : 1) : b.created_at.localeCompare(a.created_at));
      const rows = list.map(row);
      document.querySelector("#tokens tbody").replaceChildren(...rows);
      document.getElementById("empty").hidden = rows.length > 0;
    }

    function ask(tr, t) {
      const cell = tr.lastChild;
      const yes = button("Confirm revoke", async () => {
        try {
          await call("POST", "/admin-tokens/" + encodeURIComponent(t.id) + "/revoke", {});
          status("Token " + t.name + " of " + t.admin + " revoked: it is refused from now on.", false);
        } catch (e) {
          status(e.message, true);
        }
        await load();
        // The row's buttons are gone; the outcome takes the focus, so a keyboard user hears it.
        const s = document.getElementById("status");
        s.tabIndex = -1;
        s.focus();
      }, "danger");
      const no = button("Cancel", () => {
        const again = revokeButton(tr, t);
        cell.replaceChildren(again);
        again.focus();
      }, "secondary");
      cell.replaceChildren(el("span", "Revoke " + t.name + "? Anything using it stops working. ", "confirm"), yes, no);
      yes.focus();
    }

    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const top = document.getElementById("token-form-error");
      fieldErrors(form, top, null);
      forget();
      const body = { name: document.getElementById("t-name").value.trim() };
      if (lifetime.value) body.expires_in_seconds = Number(lifetime.value);
      try {
        const t = await call("POST", "/admin-tokens", body);
        document.getElementById("created-title").textContent =
          "Token " + t.name + " for " + t.admin + (t.expires_at ? " (valid until " + time(t.expires_at) + ")" : "");
        value.textContent = t.token;
        created.hidden = false;
        form.reset();
        document.getElementById("token-dismiss").focus();
        status("Token " + t.name + " created.", false);
        await load();
      } catch (err) {
        fieldErrors(form, top, err);
      }
    });
    document.getElementById("token-dismiss").addEventListener("click", () => {
      forget();
      status("The token was removed from the page.", false);
      document.getElementById("t-name").focus();
    });
    window.addEventListener("pagehide", forget);

    session()
      .then((s) => (me = { admin: s.admin, role: s.role }))
      .catch((e) => status(e.message, true))
      .finally(() => {
        lifetimes();
        load();
      });
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
        const typeCell = tr.appendChild(el("td"));
        typeCell.appendChild(el("code", e.type));
        if (e.connection) typeCell.appendChild(el("span", " · " + e.connection, "muted"));
        tr.appendChild(el("td", e.outcome, e.outcome === "success" ? "ok" : "bad"));
        tr.appendChild(el("td", e.actor_id ? e.actor_type + " " + e.actor_id : e.actor_type));
        tr.appendChild(el("td", e.role || "—"));
        tr.appendChild(el("td", e.server || "—"));
        tr.appendChild(el("td", e.session_id ? e.session_id.slice(0, 8) : "—")).title = e.session_id || "";
        tr.appendChild(el("td", runText(e.claims) || "—", "wrap"));
        const rule = e.details && e.details.rule ? " (" + e.details.rule + ")" : "";
        tr.appendChild(el("td", (e.reason || "") + rule, "wrap"));
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

  return { sessionsPage, connectionsPage, policiesPage, serversPage, tokensPage, auditPage, page };
})();

document.addEventListener("DOMContentLoaded", () => {
  const which = Console.page ? Console.page.dataset.page : null;
  if (which === "sessions") Console.sessionsPage();
  if (which === "connections") Console.connectionsPage();
  if (which === "policies") Console.policiesPage();
  if (which === "servers") Console.serversPage();
  if (which === "tokens") Console.tokensPage();
  if (which === "audit") Console.auditPage();
});
