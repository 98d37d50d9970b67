// Progressive enhancement only: every form also works without this file, and every chart has
// a table beside it.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
  // Charts: the figure is built server-side with plotly graph objects and embedded as JSON.
  for (const element of document.querySelectorAll("[data-plotly]")) {
    const source = document.getElementById(element.dataset.plotly);
    if (!source || typeof Plotly === "undefined") continue;
    const figure = JSON.parse(source.textContent);
    Plotly.newPlot(element, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
      locale: document.documentElement.lang,
    });
  }
});
