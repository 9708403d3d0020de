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

/*
 * Wide tables scroll sideways inside .table-wrap on phones. A region that scrolls must be
 * reachable by keyboard (WCAG 2.1.1), so the ones that overflow become focusable regions
 * named after their table's caption or section heading.
 */
(function () {
  "use strict";

  function label(wrap) {
    var caption = wrap.querySelector("caption");
    var section = wrap.closest("section");
    var heading = section && section.querySelector("h1, h2, h3");
    return (caption || heading || {}).textContent || "";
  }

  function update() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap).trim());
      } else if (wrap.getAttribute("tabindex") === "0") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  update();
  window.addEventListener("resize", update);
})();
