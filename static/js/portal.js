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

// Cek Pesan: check a draft without reloading the page (the form still works without this).
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-guideline-check]");
  if (!form) return;
  const result = document.getElementById("check-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(form.dataset.guidelineCheck, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    const data = await response.json();
    result.replaceChildren();
    if (!response.ok) {
      const p = document.createElement("p");
      p.className = "form-error";
      p.textContent = data.error;
      result.append(p);
      return;
    }
    if (data.flags.length === 0) {
      const p = document.createElement("p");
      p.className = "status status-good";
      p.textContent = result.dataset.clean;
      result.append(p);
      return;
    }
    const list = document.createElement("ul");
    list.className = "flags";
    for (const flag of data.flags) {
      const item = document.createElement("li");
      item.className = "flag";
      const title = document.createElement("strong");
      title.textContent = flag.title;
      const mark = document.createElement("mark");
      mark.textContent = flag.match;
      const why = document.createElement("span");
      why.className = "muted";
      why.textContent = flag.why;
      item.append(title, ` · ${result.dataset.section}${flag.section} · “`, mark, "”",
        document.createElement("br"), why);
      list.append(item);
    }
    result.append(list);
  });
});
