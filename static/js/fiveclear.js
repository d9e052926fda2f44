// FiveClear page behaviour. No inline scripts: every page's JS lives in static files.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  // A form refused by the server: its error summary (or the question it asks) is focused, so
  // a phone shows it and a screen reader reads it; each of its links focuses its field.
  const summary = document.querySelector("[data-error-summary], [data-confirm-submitted]");
  if (summary) {
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
  for (const link of document.querySelectorAll("[data-error-link]")) {
    link.addEventListener("click", (event) => {
      const field = document.getElementById(link.hash.slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  }
});

// A "Print" button prints the page with its print stylesheet (static/css/print.css).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
