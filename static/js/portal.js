/*
 * portal.js — progressive enhancement only; every page works without it.
 * Loaded with <script defer>, so the DOM is parsed when this runs.
 *
 * Phone navigation: base.html renders the primary nav expanded and the
 * toggle button [hidden]. Here we reveal the button and collapse the nav;
 * CSS only honours [data-collapsed] below the 48em breakpoint.
 */
(function () {
  "use strict";

  var toggle = document.querySelector("[data-nav-toggle]");
  var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!toggle || !nav) {
    return;
  }

  function setExpanded(expanded) {
    toggle.setAttribute("aria-expanded", expanded ? "true" : "false");
    if (expanded) {
      nav.removeAttribute("data-collapsed");
    } else {
      nav.setAttribute("data-collapsed", "");
    }
  }

  toggle.hidden = false;
  setExpanded(false);

  toggle.addEventListener("click", function () {
    setExpanded(toggle.getAttribute("aria-expanded") !== "true");
  });

  // Escape closes the menu and returns focus to the button.
  nav.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.offsetParent !== null) {
      setExpanded(false);
      toggle.focus();
    }
  });
})();
