// FiveClear page behaviour. No inline scripts: every page's JS lives in static files.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});

// A "Print" button prints the page with its print stylesheet (static/css/print.css).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
