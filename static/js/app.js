// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // ES5 and DOM APIs of Chrome 40 only (UC Browser, old WebViews): no let/const, arrow functions,
  // replaceChildren or closest. tests/core/test_compat.py checks the syntax with es-check.
  var token = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
  };
  // One error message in the box, replacing what it showed before.
  var showError = function (box, text) {
    while (box.firstChild) box.removeChild(box.firstChild);
    var p = document.createElement("p");
    p.className = "flash error";
    p.textContent = text;
    box.appendChild(p);
  };
  // htmx requests carry the CSRF token as a header (forms also carry it as a field).
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRFToken"] = token();
  });
  // Errors other than 422 are not swapped into the page: show the server's message instead.
  document.addEventListener("htmx:responseError", function (e) {
    var box = document.getElementById("htmx-error");
    var xhr = e.detail.xhr;
    if (!box || !xhr) return;
    if (xhr.status === 401 || xhr.status === 0) { window.location.reload(); return; }
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var section = doc.querySelector(".error-page");
    showError(box, section ? section.textContent.replace(/\s+/g, " ").trim()
      : "Có lỗi xảy ra (mã " + xhr.status + "). Vui lòng thử lại.");
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-error");
    if (box) showError(box, "Mất kết nối mạng. Dữ liệu chưa được gửi, vui lòng thử lại.");
  });
})();
