// Guildhall's pages work without this script; with it:
// - forms marked data-enhance are sent in the background and the element
//   named by data-target is replaced with the same element of the answer
//   (a vote without a reload);
// - the unread count in the header follows the notification stream;
// - "load more" links (a[data-more]) append the next page's items.
"use strict";
(function () {
  var csrf = document.querySelector('meta[name="csrf-token"]');
  csrf = csrf ? csrf.getAttribute("content") : "";

  function swap(doc, ids) {
    ids.forEach(function (id) {
      var fresh = doc.getElementById(id), old = document.getElementById(id);
      if (fresh && old) old.replaceWith(fresh);
    });
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches("form[data-enhance]")) return;
    ev.preventDefault();
    var data = new FormData(form, ev.submitter || null);
    // A form that may carry a file goes as multipart; others as plain forms.
    var body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { "X-CSRF-Token": csrf },
      credentials: "same-origin"
    }).then(function (r) {
      if (!r.ok) { form.submit(); return null; }
      return r.text();
    }).then(function (html) {
      if (html === null) return;
      var doc = new DOMParser().parseFromString(html, "text/html");
      var ids = (form.getAttribute("data-target") || "").split(/\s+/).filter(Boolean);
      swap(doc, ids);
      if (form.hasAttribute("data-reset")) form.reset();
    }).catch(function () { form.submit(); });
  });

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-more]");
    if (!a) return;
    ev.preventDefault();
    fetch(a.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var list = document.getElementById(a.getAttribute("data-more"));
      var more = doc.getElementById(a.getAttribute("data-more"));
      if (list && more) Array.prototype.slice.call(more.children).forEach(function (c) { list.appendChild(c); });
      var next = doc.querySelector('a[data-more="' + a.getAttribute("data-more") + '"]');
      if (next) a.href = next.href; else a.remove();
    });
  });

  var count = document.getElementById("unread-count");
  if (count && window.EventSource) {
    var stream = new EventSource("/notifications/live");
    stream.addEventListener("unread_count", function (ev) {
      var n;
      try { n = JSON.parse(ev.data).unread; } catch (e) { return; }
      if (typeof n !== "number") return;
      count.textContent = String(n);
      count.classList.toggle("none", n === 0);
      count.setAttribute("aria-label", count.getAttribute("aria-label").replace(/^\d+/, String(n)));
    });
    // A page left holds no stream: browsers allow six connections to a
    // site, and streams of pages kept for "back" would use them up.
    window.addEventListener("pagehide", function () { stream.close(); });
  }
})();
