// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var token = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.content : "";
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
    box.replaceChildren();
    var p = document.createElement("p");
    p.className = "flash error";
    p.textContent = section ? section.textContent.replace(/\s+/g, " ").trim() : "Có lỗi xảy ra (mã " + xhr.status + "). Vui lòng thử lại.";
    box.appendChild(p);
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-error");
    if (box) { box.replaceChildren(); var p = document.createElement("p"); p.className = "flash error";
      p.textContent = "Mất kết nối mạng. Dữ liệu chưa được gửi, vui lòng thử lại."; box.appendChild(p); }
  });
})();
