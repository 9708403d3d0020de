/*
 * Progress of a background export (supervision): polls the status endpoint every two
 * seconds and updates the bar, the count and the download link. Without this script the
 * page offers a refresh link instead.
 */
(function () {
  "use strict";

  var INTERVAL = 2000;

  function start(panel) {
    var url = panel.getAttribute("data-status-url");
    var bar = panel.querySelector("[data-export-bar]");
    var status = panel.querySelector("[data-export-status]");
    var count = panel.querySelector("[data-export-count]");
    var download = panel.querySelector("[data-export-download]");
    var link = panel.querySelector("[data-export-link]");
    var failed = panel.querySelector("[data-export-failed]");
    var refresh = panel.querySelector("[data-export-refresh]");
    var template = count.textContent.replace(/\d+/, "{progress}").replace(/\d+/, "{total}");

    refresh.hidden = true;

    function show(data) {
      bar.max = Math.max(data.total, 1);
      bar.value = data.progress;
      status.textContent = data.status_label;
      count.textContent = template
        .replace("{progress}", String(data.progress))
        .replace("{total}", String(data.total));
      if (data.download_url) {
        link.href = data.download_url;
        download.hidden = false;
        link.focus();
        return true;
      }
      if (data.error) {
        failed.hidden = false;
        return true;
      }
      return false;
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          if (!show(data)) {
            window.setTimeout(poll, INTERVAL);
          }
        })
        .catch(function () {
          refresh.hidden = false;
        });
    }

    window.setTimeout(poll, INTERVAL);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-export-progress]").forEach(function (panel) {
      if (!panel.hasAttribute("data-finished")) {
        start(panel);
      }
    });
  });
})();
