"use strict";
(function () {
  var back = document.getElementById("back");
  var from = null;
  function frameOf(section) { return section.querySelector("iframe"); }
  function fit(frame) {
    var doc = frame.contentDocument;
    if (doc && doc.documentElement) {
      frame.style.height = Math.max(480, doc.documentElement.scrollHeight + 4) + "px";
    }
  }
  function shows(m) {
    return m.getClientRects().length > 0 && m.checkVisibility({ checkVisibilityCSS: true });
  }
  // A finding whose marks all sit in content the campaign does not display at this
  // width (a mobile-only block, a hidden element) says so.
  function note(frame) {
    var section = frame.closest("section");
    section.querySelectorAll(".finding").forEach(function (li) {
      if (Number(li.dataset.htmlMarks) === 0 || li.querySelector(".not-shown")) { return; }
      var marks = frame.contentDocument.querySelectorAll('[data-cl-mark="' + li.dataset.finding + '"]');
      if (!Array.prototype.some.call(marks, shows)) {
        var p = document.createElement("p");
        p.className = "where not-shown";
        p.textContent = "its mark is in content the campaign does not display at this width";
        li.appendChild(p);
      }
    });
  }
  function loaded(frame) {
    // Before the srcdoc loads, the frame holds an empty about:blank that is "complete".
    var doc = frame.contentDocument;
    if (!doc || doc.URL !== "about:srcdoc" || doc.readyState !== "complete") { return; }
    fit(frame);
    note(frame);
  }
  document.querySelectorAll("iframe").forEach(function (frame) {
    frame.addEventListener("load", function () { loaded(frame); });
    loaded(frame);
  });
  function show(section, tab) {
    section.querySelectorAll(".tabs button").forEach(function (b) {
      b.setAttribute("aria-selected", String(b.dataset.tab === tab));
    });
    section.querySelectorAll(".tab").forEach(function (t) { t.hidden = t.dataset.tab !== tab; });
    if (tab === "html") { var f = frameOf(section); if (f) { fit(f); } }
  }
  document.querySelectorAll(".tabs button").forEach(function (b) {
    b.addEventListener("click", function () { show(b.closest("section"), b.dataset.tab); });
  });
  function markOf(section, n) {
    var sel = '[data-cl-mark="' + n + '"]';
    var frame = frameOf(section);
    if (frame) {
      if (section.querySelector(".tabs")) { show(section, "html"); }
      var doc = frame.contentDocument;
      var marks = doc ? Array.prototype.slice.call(doc.querySelectorAll(sel)) : [];
      var seen = marks.filter(shows);
      if (seen.length) { return { tab: "html", el: seen[0] }; }
    }
    var others = [[".inbox ", null], ['.tab[data-tab="text"] ', "text"], [".headers ", null]];
    for (var i = 0; i < others.length; i++) {
      var el = section.querySelector(others[i][0] + sel);
      if (el) { return { tab: others[i][1], el: el }; }
    }
    return null;
  }
  document.querySelectorAll(".finding .jump").forEach(function (button) {
    button.addEventListener("click", function () {
      var item = button.closest(".finding");
      var section = item.closest("section");
      var found = markOf(section, item.dataset.finding);
      document.querySelectorAll(".finding.active").forEach(function (i) { i.classList.remove("active"); });
      item.classList.add("active");
      if (!found) { return; }
      if (found.tab && section.querySelector(".tabs")) { show(section, found.tab); }
      found.el.scrollIntoView({ block: "center" });
      var el = found.el;
      el.style.setProperty("outline", "3px solid #e69f00", "important");
      setTimeout(function () { el.style.removeProperty("outline"); }, 1600);
      from = item;
      back.hidden = false;
    });
  });
  back.addEventListener("click", function () {
    if (from) { from.scrollIntoView({ block: "center" }); from.querySelector(".jump").focus(); }
    back.hidden = true;
  });
})();
