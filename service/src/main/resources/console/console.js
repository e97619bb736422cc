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
