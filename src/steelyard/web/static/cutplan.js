// Steelyard product page: the cut list (rows of length, width, count) and the drawing of the plan the server
// answers (`cut_plan` of an estimate line, docs/cutting.md). Plain JavaScript, no build step. Sizes stay the
// server's decimal strings in every text; only the drawing's coordinates are numbers (screen geometry).
"use strict";
window.SteelyardCuts = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const MILLIMETRES = /^\s*(\d+(?:\.\d+)?)\s*(?:mm)?\s*$/;
  const COUNT = /^\s*(\d{1,4})\s*$/;
  const MAX_LAYOUTS = 8; // more distinct layouts than this are summed up in words

  // ---- the cut list ----------------------------------------------------------------------------------------
  function list(table, addButton, onChange) {
    const body = table.tBodies[0];
    const template = body.rows[0].cloneNode(true);
    const fields = (row) => [...row.querySelectorAll("input")];

    function renumber() {
      [...body.rows].forEach((row, i) => {
        for (const input of fields(row)) {
          input.id = i === 0 ? `cut-${input.name === "length_mm" ? "length" : input.name === "width_mm" ? "width" : "count"}` : "";
          const what = { length_mm: "Length (mm)", width_mm: "Width (mm)", count: "Count" }[input.name];
          input.setAttribute("aria-label", `${what}, size ${i + 1}`);
        }
        row.querySelector(".cut-remove").setAttribute("aria-label", `Remove size ${i + 1}`);
        row.querySelector(".cut-remove").hidden = body.rows.length === 1;
      });
    }

    addButton.addEventListener("click", () => {
      const row = template.cloneNode(true);
      for (const input of fields(row)) input.value = "";
      body.append(row);
      renumber();
      row.querySelector("input").focus();
    });
    body.addEventListener("click", (event) => {
      const button = event.target.closest(".cut-remove");
      if (!button || body.rows.length === 1) return;
      button.closest("tr").remove();
      renumber();
      onChange();
    });
    renumber();

    // {cuts: [...]}, {empty: true} (no length typed) or {problem, field}.
    function read() {
      const cuts = [];
      for (const row of body.rows) {
        const get = (name) => row.querySelector(`input[name="${name}"]`);
        const [length, width, count] = [get("length_mm"), get("width_mm"), get("count")];
        const typed = [length, width, count].some((input) => input && input.value.trim());
        if (!typed) continue;
        const cut = {};
        for (const [name, input] of [
          ["length_mm", length],
          ["width_mm", width],
        ]) {
          if (!input) continue;
          const m = MILLIMETRES.exec(input.value);
          if (!m) return { problem: "Give each size as a number of millimetres, e.g. 500 or 612.5.", field: input };
          cut[name] = m[1];
        }
        const n = count.value.trim() ? COUNT.exec(count.value) : ["1", "1"];
        if (!n || n[1] === "0" || /^0+$/.test(n[1])) return { problem: "Give the count as a whole number of parts, e.g. 4.", field: count };
        cut.count = Number(n[1]);
        cuts.push(cut);
      }
      return cuts.length ? { cuts } : { empty: true };
    }

    return { read, inputs: () => [...body.querySelectorAll("input")] };
  }

  // ---- the drawing -----------------------------------------------------------------------------------------
  function el(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const num = (text) => Number(text);
  const size = (part) => (part.width_mm === null || part.width_mm === undefined ? `${part.length_mm}` : `${part.length_mm} \u00d7 ${part.width_mm}`);

  // One stock piece, scaled to `width` px; a bar is a strip, a sheet keeps its proportions.
  function drawPiece(layout, flat, index) {
    const stock = layout.stock;
    const length = num(stock.length_mm);
    const across = flat ? num(stock.width_mm) : length / 9; // a bar is drawn as a strip 1/9 as high as long
    const svg = el("svg", {
      viewBox: `0 0 ${length} ${across}`,
      class: `cut-piece ${flat ? "sheet" : "bar"}`,
      role: "img",
      "data-layout": index,
      preserveAspectRatio: "xMinYMin meet",
    });
    const what = flat ? `${stock.length_mm} \u00d7 ${stock.width_mm} mm sheet` : `${stock.length_mm} mm length`;
    const kept = layout.offcuts.filter((o) => o.kept).length;
    svg.append(
      el(
        "title",
        {},
        `${layout.count} \u00d7 ${what}${stock.lot_id ? ` (remnant ${stock.lot_id})` : ""}: ` +
          `${layout.parts.map(size).join(", ")} mm; ${layout.offcuts.length} offcut(s), ${kept} kept`,
      ),
    );
    // The stock piece is the colour of waste: what no part or offcut covers is trim and kerf.
    svg.append(el("rect", { x: 0, y: 0, width: length, height: across, class: "waste" }));
    const font = flat ? Math.max(across / 14, length / 28) : across * 0.5;
    for (const cut of layout.offcuts) {
      const w = num(cut.length_mm);
      const h = flat ? num(cut.width_mm) : across;
      svg.append(el("rect", { x: num(cut.x_mm), y: flat ? num(cut.y_mm) : 0, width: w, height: h, class: cut.kept ? "kept" : "scrap" }));
    }
    for (const part of layout.parts) {
      const x = num(part.x_mm);
      const y = flat ? num(part.y_mm) : 0;
      const along = flat && part.rotated ? num(part.width_mm) : num(part.length_mm);
      const wide = flat ? (part.rotated ? num(part.length_mm) : num(part.width_mm)) : across;
      const g = el("g", { class: "part", "data-size": size(part) });
      g.append(el("rect", { x, y, width: along, height: wide }));
      const label = size(part) + (part.rotated ? " \u21bb" : "");
      if (along > label.length * font * 0.6 && wide > font * 1.2) {
        g.append(el("text", { x: x + along / 2, y: y + wide / 2, "font-size": font, "text-anchor": "middle", "dominant-baseline": "central" }, label));
      }
      svg.append(g);
    }
    return svg;
  }

  // `remnants`: the line's remnant lots (lot_id, heat), named beside the pieces cut from them.
  function draw(figure, summary, drawing, plan, flat, pieceName, remnants) {
    if (!plan) {
      figure.hidden = true;
      return;
    }
    const pieces = plan.stock_pieces;
    const parts = plan.layouts.reduce((n, layout) => n + layout.count * layout.parts.length, 0);
    const percent = (num(plan.utilisation) * 100).toFixed(1);
    const proven = plan.stock_pieces === plan.lower_bound ? " (the fewest possible)" : "";
    summary.textContent =
      `Cut plan: ${parts} part${parts === 1 ? "" : "s"} from ${pieces} ${pieceName(pieces)}${proven}; ` +
      `${percent}% used, kerf ${plan.kerf_mm} mm, trim ${plan.trim_mm} mm.`;
    const rows = plan.layouts.slice(0, MAX_LAYOUTS).map((layout, i) => {
      const row = document.createElement("div");
      row.className = "cut-layout";
      const count = document.createElement("span");
      count.className = "cut-count";
      count.textContent = `${layout.count} \u00d7`;
      row.append(count, drawPiece(layout, flat, i));
      if (layout.stock.lot_id) {
        const lot = (remnants || []).find((r) => String(r.lot_id) === layout.stock.lot_id);
        const note = document.createElement("span");
        note.className = "cut-remnant";
        note.textContent = `from remnant lot ${layout.stock.lot_id} (heat ${(lot && lot.heat) || "untraced"})`;
        row.append(note);
      }
      return row;
    });
    if (plan.layouts.length > MAX_LAYOUTS) {
      const more = document.createElement("p");
      more.className = "hint";
      const rest = plan.layouts.slice(MAX_LAYOUTS).reduce((n, layout) => n + layout.count, 0);
      more.textContent = `and ${plan.layouts.length - MAX_LAYOUTS} more layouts (${rest} pieces).`;
      rows.push(more);
    }
    drawing.replaceChildren(...rows);
    figure.hidden = false;
  }

  return { list, draw };
})();
