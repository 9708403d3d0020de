/*
 * hall.js — the hall's screen redraws itself from the display API every few
 * seconds (the page reloads itself when JavaScript is off), and the kiosk's
 * ticket page gets a print button. Progressive enhancement only.
 */
(function () {
  "use strict";

  var POLL_MS = 4000;

  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () {
      window.print();
    });
  }

  var board = document.querySelector("[data-board]");
  if (!board || !window.fetch) {
    return;
  }
  var rows = board.querySelector("[data-board-rows]");
  var waiting = board.querySelector("[data-board-waiting]");
  var time = board.querySelector("[data-board-time]");
  var empty = board.querySelector("[data-board-empty]");
  var lastSeen = "";
  var lang = document.documentElement.lang || undefined;

  function clock(iso) {
    return new Date(iso).toLocaleTimeString(lang, { hour12: false });
  }

  function cell(text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    return td;
  }

  function draw(data) {
    var key = JSON.stringify([data.called, data.queues]);
    if (key === lastSeen) {
      time.textContent = clock(data.updated_at);
      return;
    }
    lastSeen = key;
    var fresh = document.createDocumentFragment();
    data.called.forEach(function (ticket) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(ticket.code, "ticket-code"));
      tr.appendChild(cell(ticket.window_label, ""));
      fresh.appendChild(tr);
    });
    if (!data.called.length) {
      var tr = document.createElement("tr");
      var td = cell(empty ? empty.content.textContent : "", "");
      td.colSpan = 2;
      tr.appendChild(td);
      fresh.appendChild(tr);
    }
    rows.replaceChildren(fresh);
    var items = document.createDocumentFragment();
    data.queues.forEach(function (queue) {
      var li = document.createElement("li");
      li.dataset.queue = queue.code;
      li.appendChild(document.createTextNode(queue.label + " "));
      var strong = document.createElement("strong");
      strong.textContent = String(queue.waiting);
      li.appendChild(strong);
      items.appendChild(li);
    });
    waiting.replaceChildren(items);
    time.dateTime = data.updated_at;
    time.textContent = clock(data.updated_at);
  }

  function poll() {
    fetch(board.dataset.board, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          draw(data);
        }
      })
      .catch(function () {
        /* The network is back at the next tick. */
      })
      .then(function () {
        window.setTimeout(poll, POLL_MS);
      });
  }

  window.setTimeout(poll, POLL_MS);
})();
