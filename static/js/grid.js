// The head's score grid: keyboard only. Tab/Shift-Tab walk the cells, the arrow keys move
// between cells and rows, Enter saves the row (htmx) and moves down to the same column.
// A value outside 0..max is marked invalid as it is typed; the server checks it again.
(() => {
  "use strict";

  const CELL = "input[data-cell]";

  function parse(text) {
    const value = text.trim().replace(",", ".");
    if (value === "") return null;
    if (!/^\d+(\.\d+)?$/.test(value)) return Number.NaN;
    return Number(value);
  }

  function rowsOf(grid) {
    return Array.from(grid.querySelectorAll("tbody tr[data-row]"));
  }

  function cellIn(row, column) {
    return row ? row.querySelector(`${CELL}[data-col="${column}"]`) : null;
  }

  function focusCell(input) {
    if (!input) return false;
    input.focus();
    input.select();
    return true;
  }

  // The nearest row above or below (step -1 or 1) that has an editable cell in this column.
  function moveVertically(grid, input, step) {
    const rows = rowsOf(grid);
    let index = rows.indexOf(input.closest("tr")) + step;
    while (index >= 0 && index < rows.length) {
      if (focusCell(cellIn(rows[index], input.dataset.col))) return true;
      index += step;
    }
    return false;
  }

  function moveHorizontally(input, step) {
    const cells = Array.from(input.closest("tr").querySelectorAll(CELL));
    return focusCell(cells[cells.indexOf(input) + step]);
  }

  function feedbackOf(input) {
    return document.getElementById(input.getAttribute("aria-describedby") || "");
  }

  function check(grid, input) {
    const value = parse(input.value);
    const max = Number(input.dataset.max);
    let message = "";
    if (Number.isNaN(value)) {
      message = grid.dataset.msgNumber;
    } else if (value !== null && value > max) {
      message = grid.dataset.msgMax.replace("{max}", input.dataset.maxText || input.dataset.max);
    }
    input.classList.toggle("is-invalid", message !== "");
    input.setAttribute("aria-invalid", message !== "" ? "true" : "false");
    const feedback = feedbackOf(input);
    if (feedback) {
      feedback.textContent = message;
      feedback.hidden = message === "";
    }
  }

  function markDirty(row) {
    row.classList.add("grid-row-dirty");
    const badge = row.querySelector("[data-unsaved]");
    if (badge) badge.hidden = false;
  }

  // What was typed and not yet saved is also kept in this browser's localStorage, per grid page
  // and row, until the row is saved: a session that ends, a reload or a closed tab loses
  // nothing. The server still checks every value (and the row's version) when it is saved.
  const STORE = `fiveclear:grid:${window.location.pathname}`;

  function stored() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE) || "{}") || {};
    } catch {
      return {};
    }
  }

  function store(data) {
    try {
      if (Object.keys(data).length) window.localStorage.setItem(STORE, JSON.stringify(data));
      else window.localStorage.removeItem(STORE);
    } catch {
      // Storage full or forbidden: the page itself still holds what was typed.
    }
  }

  function remember(row) {
    const values = {};
    for (const input of row.querySelectorAll(CELL)) values[input.name] = input.value;
    store({ ...stored(), [row.dataset.row]: values });
  }

  function forget(code) {
    const data = stored();
    if (code in data) {
      delete data[code];
      store(data);
    }
  }

  // Put the kept values back into a row; true when one differed from what the page showed.
  function restore(grid, row) {
    const values = stored()[row.dataset.row];
    if (!values) return false;
    let changed = false;
    for (const input of row.querySelectorAll(CELL)) {
      if (input.name in values && values[input.name] !== input.value) {
        input.value = values[input.name];
        check(grid, input);
        changed = true;
      }
    }
    if (changed) markDirty(row);
    return changed;
  }

  function setUp(grid) {
    let restored = 0;
    for (const row of rowsOf(grid)) {
      if (restore(grid, row)) restored += 1;
      else forget(row.dataset.row); // the page already shows the kept values: saved since
    }
    const notice = document.querySelector("[data-grid-restored]");
    if (notice && restored) {
      notice.querySelector("[data-grid-restored-count]").textContent = restored;
      notice.hidden = false;
      notice.querySelector("[data-grid-discard]").addEventListener("click", () => {
        store({});
        window.location.reload();
      });
    }

    let pending = null; // {code: the row saved with Enter, column: where to land next}
    // Like a spreadsheet, Enter goes down to the column where typing in the row began.
    let start = null; // {code, column}

    grid.addEventListener("focusin", (event) => {
      const input = event.target;
      if (!input.matches(CELL)) return;
      input.select();
      const code = input.closest("tr").dataset.row;
      if (!start || start.code !== code) start = { code, column: input.dataset.col };
    });

    grid.addEventListener("input", (event) => {
      if (!event.target.matches(CELL)) return;
      check(grid, event.target);
      markDirty(event.target.closest("tr"));
      remember(event.target.closest("tr"));
    });

    grid.addEventListener("keydown", (event) => {
      const input = event.target;
      if (!input.matches(CELL) || event.altKey || event.ctrlKey || event.metaKey) return;
      switch (event.key) {
        case "Enter": {
          event.preventDefault();
          const code = input.closest("tr").dataset.row;
          const column = start && start.code === code ? start.column : input.dataset.col;
          pending = { code, column };
          // A row the server just re-rendered is bound by htmx only when it settles; Enter
          // pressed sooner would post the page the old way. Binding twice is a no-op.
          if (window.htmx) window.htmx.process(input.form);
          input.form.requestSubmit();
          break;
        }
        case "ArrowDown":
        case "ArrowUp":
          if (moveVertically(grid, input, event.key === "ArrowDown" ? 1 : -1)) {
            event.preventDefault();
          }
          break;
        // Like a spreadsheet: a selected or edge caret leaves the cell, otherwise the caret moves.
        case "ArrowLeft":
          if (input.selectionStart === 0 && moveHorizontally(input, -1)) event.preventDefault();
          break;
        case "ArrowRight":
          if (input.selectionEnd === input.value.length && moveHorizontally(input, 1)) {
            event.preventDefault();
          }
          break;
        default:
      }
    });

    // The server answers a row save with the row re-rendered: saved values, the engine's total
    // and tier, or the refused cells marked. Move on only when the row was saved.
    grid.addEventListener("htmx:afterSwap", (event) => {
      const row = event.target.closest ? event.target.closest("tr[data-row]") : null;
      if (!row) return;
      // The row's scores were saved, or refused because someone else saved the row first (the
      // row then shows their values and its message lists what was typed here): forget them.
      // A bonus added or a value refused re-renders the row: put back what is still unsaved.
      const scoreForm = event.detail.requestConfig && event.detail.requestConfig.elt;
      const scoresSaved =
        row.dataset.state === "saved" && scoreForm && scoreForm.id === `f-${row.dataset.row}`;
      if (scoresSaved || row.dataset.state === "refused") {
        forget(row.dataset.row);
      } else if (!restore(grid, row) && row.dataset.row in stored()) {
        markDirty(row);
      }
      if (!pending || row.dataset.row !== pending.code) return;
      const target = pending;
      pending = null;
      start = null;
      const invalid = row.querySelector(`${CELL}.is-invalid`);
      if (invalid || row.dataset.state === "refused") {
        focusCell(invalid || cellIn(row, target.column) || row.querySelector(CELL));
        start = { code: target.code, column: target.column };
        return;
      }
      const rows = rowsOf(grid);
      for (let index = rows.indexOf(row) + 1; index < rows.length; index += 1) {
        if (focusCell(cellIn(rows[index], target.column) || rows[index].querySelector(CELL))) {
          return;
        }
      }
      focusCell(cellIn(row, target.column));
    });
  }

  // "18 / 24 scored": the server sends the unit's count with every row it saves.
  function showProgress(event) {
    const { scored, total } = event.detail;
    for (const node of document.querySelectorAll("[data-grid-scored]")) node.textContent = scored;
    for (const node of document.querySelectorAll("[data-grid-total]")) node.textContent = total;
    for (const bar of document.querySelectorAll("[data-grid-bar]")) {
      bar.setAttribute("aria-valuenow", scored);
      bar.setAttribute("aria-valuemax", total);
      bar.firstElementChild.style.width = `${total ? Math.round((100 * scored) / total) : 0}%`;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    for (const grid of document.querySelectorAll("[data-score-grid]")) setUp(grid);
    document.body.addEventListener("gridProgress", showProgress);
  });
})();
