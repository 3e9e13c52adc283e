// The rule editor's live check: the rule is sent as it is typed (after a pause) and the answer,
// a count or what is wrong, is shown as text (never as markup).
(function () {
  var rule = document.getElementById("rule");
  var said = document.getElementById("rule-check");
  if (!rule || !said) { return; }
  var timer = null;
  rule.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch("/segments/check?rule=" + encodeURIComponent(rule.value), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (found) {
          said.textContent = found.ok ? found.size.toLocaleString() + " customers now (as of " + found.cutoff + ")"
                                      : found.error;
          said.className = found.ok ? "why" : "error";
        })
        .catch(function () { said.textContent = "could not check the rule just now"; });
    }, 300);
  });
})();

// A bulk decision is confirmed first, in words: "Approve all 45 actions of vip-recognition?"
(function () {
  document.querySelectorAll("form.bulk").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      var verb = button && button.value === "reject" ? "Reject" : "Approve";
      if (!window.confirm(verb + " all " + form.dataset.confirm + "?")) { event.preventDefault(); }
    });
  });
})();
