// Leader dashboards: trend charts (Chart.js 4) from the JSON the page embeds with json_script.
// Readable without colour: every line has its own marker and dash, every tier its own pattern,
// axes are labelled, and each chart has its numbers in a <details> table in the page.
"use strict";

(() => {
  // Same colours as static/css/dashboard.css (--tier-a ... --tier-d).
  const TIER_COLORS = { A: "#1a7f37", B: "#0969da", C: "#9a6700", D: "#cf222e" };
  const TIERS = ["A", "B", "C", "D"];
  // Okabe-Ito, a palette distinguishable with the common colour-vision deficiencies.
  const LINE_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8c564b"];
  const POINT_STYLES = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "rectRounded", "cross"];
  const DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [4, 4], [1, 4], [16, 6], [6, 2, 2, 2]];

  function readJson(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // A small tile of the tier's colour with its own white pattern: A solid, B stripes,
  // C dots, D cross-hatch (the same patterns as the tier bar in dashboard.css).
  function tierPattern(tier) {
    const tile = document.createElement("canvas");
    tile.width = 8;
    tile.height = 8;
    const ctx = tile.getContext("2d");
    ctx.fillStyle = TIER_COLORS[tier];
    ctx.fillRect(0, 0, 8, 8);
    ctx.strokeStyle = "rgba(255, 255, 255, 0.6)";
    ctx.fillStyle = "rgba(255, 255, 255, 0.7)";
    ctx.lineWidth = 1.5;
    if (tier === "B" || tier === "D") {
      ctx.beginPath();
      ctx.moveTo(0, 8);
      ctx.lineTo(8, 0);
      ctx.stroke();
    }
    if (tier === "D") {
      ctx.beginPath();
      ctx.moveTo(0, 0);
      ctx.lineTo(8, 8);
      ctx.stroke();
    }
    if (tier === "C") {
      ctx.beginPath();
      ctx.arc(4, 4, 1.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    return ctx.createPattern(tile, "repeat");
  }

  function axes(xTitle, yTitle, yMax) {
    return {
      x: { title: { display: true, text: xTitle } },
      y: { beginAtZero: true, max: yMax, title: { display: true, text: yTitle } },
    };
  }

  function baseOptions(xTitle, yTitle, yMax) {
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "nearest", intersect: false },
      plugins: { legend: { position: "bottom", labels: { usePointStyle: true } } },
      scales: axes(xTitle, yTitle, yMax),
    };
  }

  function lineSeries(series, key) {
    return series.map((s, i) => ({
      label: s.label,
      data: s[key],
      borderColor: LINE_COLORS[i % LINE_COLORS.length],
      backgroundColor: LINE_COLORS[i % LINE_COLORS.length],
      borderDash: DASHES[i % DASHES.length],
      pointStyle: POINT_STYLES[i % POINT_STYLES.length],
      pointRadius: 5,
      pointHoverRadius: 7,
      borderWidth: 2,
      spanGaps: false,
    }));
  }

  function lineChart(canvasId, data, key, yTitle, yMax) {
    const canvas = document.getElementById(canvasId);
    if (!canvas) return;
    new Chart(canvas, {
      type: "line",
      data: { labels: data.months, datasets: lineSeries(data.series, key) },
      options: baseOptions(data.labels.month, yTitle, yMax),
    });
  }

  function tierDatasets(series, labels) {
    return TIERS.map((tier) => ({
      label: labels.tiers[tier],
      data: series.tiers[tier],
      backgroundColor: tierPattern(tier),
      borderColor: TIER_COLORS[tier],
      borderWidth: 1,
    }));
  }

  function tierChart(data) {
    const canvas = document.getElementById("chart-tiers");
    if (!canvas) return;
    const options = baseOptions(data.labels.month, data.labels.share, 100);
    options.scales.x.stacked = true;
    options.scales.y.stacked = true;
    options.plugins.legend.labels = {};
    const chart = new Chart(canvas, {
      type: "bar",
      data: { labels: data.months, datasets: tierDatasets(data.whole, data.labels) },
      options,
    });
    const picker = document.getElementById("tier-series");
    if (picker) {
      picker.addEventListener("change", () => {
        const series = picker.value === "whole" ? data.whole : data.series[Number(picker.value)];
        chart.data.datasets = tierDatasets(series, data.labels);
        chart.update();
      });
    }
  }

  function historyChart(history) {
    const canvas = document.getElementById("chart-history");
    if (!canvas) return;
    const options = baseOptions(history.labels.month, history.labels.total, 100);
    options.plugins.legend.display = false;
    options.plugins.tooltip = {
      callbacks: { afterLabel: (item) => history.tiers[item.dataIndex] || "—" },
    };
    new Chart(canvas, {
      type: "line",
      data: {
        labels: history.months,
        datasets: [
          {
            label: history.labels.total,
            data: history.totals,
            borderColor: "#495057",
            borderWidth: 2,
            // Each point wears its tier: colour AND a shape per tier.
            pointStyle: history.tiers.map((t) => ({ A: "star", B: "rectRot", C: "triangle", D: "crossRot" })[t] || "circle"),
            pointRadius: 7,
            pointBackgroundColor: history.tiers.map((t) => TIER_COLORS[t] || "#adb5bd"),
            pointBorderColor: history.tiers.map((t) => TIER_COLORS[t] || "#adb5bd"),
          },
        ],
      },
      options,
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (typeof Chart === "undefined") return;
    const trend = readJson("trend-data");
    if (trend) {
      lineChart("chart-average", trend, "average", trend.labels.average, 100);
      lineChart("chart-on-time", trend, "on_time", trend.labels.on_time, 100);
      tierChart(trend);
    }
    const history = readJson("history-data");
    if (history) historyChart(history);
  });
})();
