// storyline web UI: the little behaviour pages need, with no build step and no inline script.
// Content is only ever written with textContent, never as HTML.
"use strict";

(function () {
  function pollJob(section) {
    var id = section.getAttribute("data-job-id");
    var bar = section.querySelector("progress");
    function update(job) {
      section.querySelectorAll("[data-field]").forEach(function (el) {
        var key = el.getAttribute("data-field");
        if (key in job) { el.textContent = String(job[key]); }
      });
      if (bar) { bar.max = Math.max(job.total, 1); bar.value = job.processed; }
      var list = section.querySelector(".job-failures");
      if (list && job.failures) {
        list.replaceChildren();
        job.failures.forEach(function (f) {
          var li = document.createElement("li");
          li.textContent = f.origin + ": " + f.message;
          list.appendChild(li);
        });
      }
      return job.state === "done" || job.state === "failed";
    }
    function tick() {
      fetch("/api/jobs/" + encodeURIComponent(id), {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (!body.ok) { return; }
          if (!update(body.job)) { window.setTimeout(tick, 700); }
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    tick();
  }

  function showCited() {
    var mark = document.getElementById("cited");
    if (mark) {
      mark.setAttribute("tabindex", "-1");
      mark.scrollIntoView({block: "center"});
      mark.focus({preventScroll: true});
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-job-id]").forEach(pollJob);
    showCited();
  });
})();
