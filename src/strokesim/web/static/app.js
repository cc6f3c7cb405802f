// strokesim clinician's page: add observation rows, print, and poll a running job.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var add = document.getElementById("add-row");
  if (add) {
    add.addEventListener("click", function () {
      var rows = document.querySelectorAll("#obs-table tbody tr.obs-row");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input").forEach(function (el) {
        el.value = ""; el.removeAttribute("aria-invalid"); el.removeAttribute("aria-describedby");
      });
      copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      last.parentNode.appendChild(copy);
    });
  }
  var print = document.getElementById("print");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }
  var job = document.getElementById("job");
  if (job) {
    var url = job.getAttribute("data-status");
    var poll = function () {
      fetch(url, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
        document.getElementById("job-progress").value = s.percent;
        document.getElementById("job-state").textContent = s.state;
        document.getElementById("job-stage").textContent = s.stage +
          (s.total ? " (" + s.done + "/" + s.total + ")" : "");
        document.getElementById("job-position").textContent =
          s.position ? "· " + s.position + " calculation(s) ahead in the queue" : "";
        if (s.state === "done" || s.state === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      }).catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 500);
  }
});
