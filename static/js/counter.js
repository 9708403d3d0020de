/*
 * counter.js: progressive enhancement of the window clerk's pages; they work without it.
 *
 * On the new-application form, the scan of a paper authorisation is only asked for when
 * the person authorises the clerk on paper (帮办代办): the file field is hidden otherwise.
 */
(function () {
  "use strict";

  var form = document.querySelector("[data-intake-form]");
  if (!form) {
    return;
  }
  var evidence = form.querySelector("input[type=file][name=evidence]");
  var field = evidence && evidence.closest(".field");
  if (!field) {
    return;
  }

  function update() {
    var chosen = form.querySelector("input[name=basis]:checked");
    if (chosen && chosen.value === "paper") {
      field.removeAttribute("data-hidden-by-basis");
    } else {
      field.setAttribute("data-hidden-by-basis", "");
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "basis") {
      update();
    }
  });
  update();
})();
