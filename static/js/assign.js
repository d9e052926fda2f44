// The assign form (templates/directives/assign.html): a task from the catalogue weighs
// coefficient × quantity (docs/RULES.md §6). The weight is shown, never typed: the weight input
// is disabled (so not sent) while a product is chosen; the server computes the weight again.
document.addEventListener("DOMContentLoaded", () => {
  const product = document.getElementById("id_product");
  const quantity = document.getElementById("id_quantity");
  const weight = document.getElementById("id_weight");
  const shown = document.getElementById("computed-weight");
  if (!product || !quantity || !weight || !shown) return;
  const quantityRow = quantity.closest(".mb-3") || quantity;
  const weightRow = weight.closest(".mb-3") || weight;
  const format = (n) => n.toLocaleString("vi-VN", { maximumFractionDigits: 2 });
  const refresh = () => {
    const option = product.selectedOptions[0];
    const coefficient = option ? parseFloat(option.dataset.coefficient) : NaN;
    const fromCatalogue = !Number.isNaN(coefficient);
    quantityRow.hidden = !fromCatalogue;
    weightRow.hidden = fromCatalogue;
    weight.disabled = fromCatalogue;
    shown.hidden = !fromCatalogue;
    if (!fromCatalogue) return;
    const count = parseFloat((quantity.value || "1").replace(",", "."));
    const value = Math.round(coefficient * count * 100 + Number.EPSILON) / 100;
    shown.querySelector("output").textContent = Number.isNaN(value)
      ? "—"
      : `${format(coefficient)} × ${format(count)} = ${format(value)}`;
  };
  product.addEventListener("change", refresh);
  quantity.addEventListener("input", refresh);
  refresh();
});
