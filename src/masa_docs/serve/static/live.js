// masa-docs serve: keep an open page up to date. Polls /api/state once a second; a preview
// page reloads when the content was reloaded, the editor is told (event "masa:state").
(() => {
  "use strict";
  const me = document.currentScript;
  const generation = Number(me.dataset.generation);
  const mode = me.dataset.mode || "reload";
  let failures = 0;
  async function poll() {
    try {
      const res = await fetch("/api/state", { cache: "no-store" });
      const state = await res.json();
      failures = 0;
      if (mode === "reload" && state.generation !== generation) {
        window.location.reload();
        return;
      }
      document.dispatchEvent(new CustomEvent("masa:state", { detail: state }));
    } catch (err) {
      failures += 1; // the server stopped or restarts: try again, less often
    }
    setTimeout(poll, failures ? Math.min(10000, 1000 * 2 ** failures) : 1000);
  }
  setTimeout(poll, 1000);
})();
