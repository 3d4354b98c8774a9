// Steelyard product page: live stock from GET /api/v1/events?sku=… (Server-Sent Events) and the estimator, a
// POST /api/v1/estimates (prices, stores nothing) as the customer types. Plain JavaScript, no build step, no other origin.
"use strict";
(() => {
  const page = JSON.parse(document.getElementById("page-data").textContent);
  const sku = page.sku;

  // ---- exact decimals: stock figures are decimal strings; add them as scaled BigInts, never as floats -------
  const SCALE = 9;
  const scaled = (text) => {
    const negative = text.startsWith("-");
    const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
    const value = BigInt(whole + (fraction + "0".repeat(SCALE)).slice(0, SCALE));
    return negative ? -value : value;
  };
  const decimal = (value) => {
    const negative = value < 0n;
    const digits = (negative ? -value : value).toString().padStart(SCALE + 1, "0");
    const fraction = digits.slice(-SCALE).replace(/0+$/, "");
    return (negative ? "-" : "") + digits.slice(0, -SCALE) + (fraction ? "." + fraction : "");
  };
  const plain = (text) => decimal(scaled(String(text)));
  const money = (text) => {
    const [whole, fraction = ""] = plain(text).split(".");
    return whole + "." + fraction.padEnd(2, "0");
  };
  const label = (unit, count) => {
    const names = page.labels[unit];
    if (!names) return unit;
    return count !== undefined && plain(count) === "1" ? names[0] : names[1];
  };
  const amount = (quantity) => `${plain(quantity.value)} ${label(quantity.unit, quantity.value)}`;

  // ---- live stock ----------------------------------------------------------------------------------------
  const table = document.getElementById("stock");
  const body = table.tBodies[0];
  const totalRow = table.tFoot.rows[0];
  const FIELDS = ["on_hand", "reserved", "available"];

  function setCell(row, field, value) {
    const cell = row.querySelector(`[data-field="${field}"]`);
    if (cell.textContent === value) return;
    cell.textContent = value;
    cell.classList.remove("changed");
    void cell.offsetWidth; // restart the highlight
    cell.classList.add("changed");
    setTimeout(() => cell.classList.remove("changed"), 1500);
  }

  function warehouseRow(code) {
    for (const row of body.rows) if (row.dataset.warehouse === code) return row;
    const row = body.insertRow();
    row.dataset.warehouse = code;
    const head = document.createElement("th");
    head.scope = "row";
    head.append(code + " ");
    const name = document.createElement("span");
    name.className = "aside";
    name.textContent = page.warehouses[code] || "";
    head.append(name);
    row.append(head);
    for (const field of FIELDS) {
      const cell = row.insertCell();
      cell.dataset.field = field;
      cell.textContent = "0";
    }
    return row;
  }

  function showLevel(level) {
    const row = warehouseRow(level.warehouse || level.code);
    for (const field of FIELDS) setCell(row, field, plain(level[field]));
    for (const field of FIELDS) {
      let sum = 0n;
      for (const r of body.rows) sum += scaled(r.querySelector(`[data-field="${field}"]`).textContent);
      setCell(totalRow, field, decimal(sum));
    }
  }

  async function reloadStock() {
    const response = await fetch(`/api/v1/products/${encodeURIComponent(sku)}/stock`, {
      headers: { Accept: "application/json" },
    });
    if (response.ok) for (const level of (await response.json()).warehouses) showLevel(level);
  }

  function showTiers(price) {
    const rows = price.tiers.map((tier) => {
      const row = document.createElement("tr");
      const head = document.createElement("th");
      head.scope = "row";
      head.textContent = plain(tier.min_quantity.value) === "0" ? "Any quantity" : amount(tier.min_quantity);
      const cell = document.createElement("td");
      cell.textContent = `${money(tier.unit_price)} ${price.currency} / ${label(tier.per, "1")}`;
      row.append(head, cell);
      return row;
    });
    document.getElementById("tiers").replaceChildren(...rows);
  }

  const live = document.getElementById("live-status");
  const setLive = (state, text) => {
    live.dataset.state = state;
    live.textContent = text;
  };

  if ("EventSource" in window) {
    const source = new EventSource("/api/v1/events?sku=" + encodeURIComponent(sku));
    setLive("connecting", "Connecting\u2026");
    source.addEventListener("ready", () => setLive("live", "Live"));
    source.addEventListener("stock.changed", (event) => {
      showLevel(JSON.parse(event.data));
      refreshEstimate(); // availability (and so the estimate) follows the stock
    });
    source.addEventListener("price.changed", (event) => {
      showTiers(JSON.parse(event.data));
      refreshEstimate();
    });
    source.addEventListener("product.changed", () => {
      document.getElementById("product-changed").hidden = false;
      refreshEstimate();
    });
    source.addEventListener("resync", () => {
      reloadStock().catch(() => {});
      refreshEstimate();
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) setLive("offline", "Offline: reload the page");
      else setLive("connecting", "Reconnecting\u2026");
    });
  }

  // ---- the estimator ---------------------------------------------------------------------------------------
  const TYPING_DELAY_MS = 150;
  const form = document.getElementById("estimator");
  const qty = document.getElementById("qty");
  const unit = document.getElementById("unit");
  const cutBox = document.getElementById("cut"); // a <details>: the cut list applies while it is open
  const cuts = cutBox
    ? window.SteelyardCuts.list(document.getElementById("cut-list"), document.getElementById("cut-add"), () => estimateSoon())
    : null;
  const planFigure = document.getElementById("cut-plan");
  const fields = () => [qty, ...(cuts ? cuts.inputs() : [])];
  const box = document.getElementById("estimate");
  const empty = document.getElementById("est-empty");
  const error = document.getElementById("est-error");
  const result = document.getElementById("est-result");
  let timer = 0;
  let asked = 0; // the number of the newest request: an older answer arriving late is ignored
  let inflight = null;
  let shown = false; // an estimate is on screen (so a stock or price change refreshes it)

  let lastRead = null; // {requested, picker}: what the server read, and the picker's unit when it was asked

  // The line to price, {empty: true}, or {problem: "…"} for what can be told without asking the server. With
  // the cut box open and a size typed, the line is the cut list (`cuts`: the plan decides the stock taken).
  // Otherwise the quantity goes as typed ("1,500 lb", "1 1/2 in", "3 sheets"): the server reads it (one reader,
  // the browser's Accept-Language choosing thousands separators and decimal marks) and the answer shows what it
  // read. The picker's unit applies when the text names none.
  function readLine() {
    if (cutBox && cutBox.open) {
      const list = cuts.read();
      if (list.problem) return list;
      if (list.cuts) return { line: { sku, cuts: list.cuts } };
    }
    const text = qty.value.trim();
    if (!text) return { empty: true };
    return { line: { sku, quantity: { text, unit: unit.value } } };
  }

  function setState(state) {
    box.dataset.state = state;
    box.setAttribute("aria-busy", String(state === "loading"));
    empty.hidden = state !== "empty";
    error.hidden = state !== "error";
    if (state === "empty" || state === "error") result.hidden = true;
    if ((state === "empty" || state === "error") && planFigure) planFigure.hidden = true;
    shown = state === "ok";
  }

  function showProblem(message, field) {
    error.textContent = message;
    for (const input of fields()) input.removeAttribute("aria-invalid");
    if (field) field.setAttribute("aria-invalid", "true");
    qty.setAttribute("aria-describedby", "qty-hint est-error");
    setState("error");
  }

  function out(name, text) {
    result.querySelector(`[data-out="${name}"]`).textContent = text;
  }

  function row(name, text) {
    const element = result.querySelector(`[data-row="${name}"]`);
    element.hidden = !text;
    if (text) out(name, text);
  }

  function showQuote(quote, picker) {
    const line = quote.lines[0];
    const read = line.requested;
    const plan = line.cut_plan;
    out("read", plan ? `${plain(read.value)} parts cut to size, ${line.cuts.length} size${line.cuts.length === 1 ? "" : "s"}` : amount(read));
    lastRead = { requested: read, picker };
    // A unit typed in the box moves the picker to it, so the two never disagree on screen.
    if (read.unit !== picker && [...unit.options].some((option) => option.value === read.unit)) unit.value = read.unit;
    const cur = quote.currency;
    const priced = amount(line.quantity);
    const requested = `${plain(line.requested.value)} ${line.requested.unit}`;
    if (plan) out("quantity", `${plain(line.quantity.value)} parts`);
    else out("quantity", priced === amount(line.requested) ? priced : `${priced} (you asked for ${requested})`);
    out("stock_quantity", amount(line.stock_quantity));
    out("weight", line.weight_kg === null ? "\u2013" : `${plain(line.weight_kg)} kg`);
    const tier = line.tier;
    out(
      "tier",
      `${plain(tier.min_quantity.value) === "0" ? "base price" : "from " + amount(tier.min_quantity)}: ` +
        `${money(tier.unit_price)} ${tier.currency} / ${label(tier.per, "1")}`,
    );
    const discount = plain(line.discount_percent) === "0" ? "" : ` (after ${plain(line.discount_percent)}% discount)`;
    out("unit_price", `${money(line.unit_price)} ${cur} / ${label(line.per, "1")}${discount}`);
    row(
      "fees",
      line.fees
        .map((fee) => `${fee.kind}: ${plain(fee.count)} \u00d7 ${money(fee.unit_amount)} = ${money(fee.amount)} ${cur}`)
        .join("; "),
    );
    row("adjustments", line.adjustments.join("; "));
    // Market prices: each surcharge names the index figure it used (value, date, or the month averaged), so a buyer
    // sees why the price moved when staff post a new value (a price.changed event re-asks this estimate).
    const surcharges = line.surcharges || [];
    const extras = line.extras || [];
    row("base", surcharges.length || extras.length ? `${money(line.base)} ${cur}` : "");
    row(
      "surcharges",
      surcharges
        .map((s) => {
          const when = s.basis === "period_average" ? `average of ${s.count} values, ${s.date} to ${s.until}` : s.date;
          const figure = `${s.index} ${plain(s.value)} ${s.index_currency}/${s.index_unit} (${when})`;
          return `${figure}: ${plain(s.rate)} ${cur}/${s.per} \u00d7 ${plain(s.quantity)} ${s.per} = ${money(s.amount)} ${cur}`;
        })
        .join("\n"),
    );
    row(
      "extras",
      extras
        .map((e) => `${e.kind}${e.value ? " " + e.value : ""}: ${money(e.amount)} ${cur}`)
        .join("\n"),
    );
    // The subtotal counts order charges and freight: each is shown with what would avoid it or why it applies.
    row("charges", (quote.charges || []).map((c) => c.note).join("\n"));
    const freight = quote.freight;
    row(
      "freight",
      freight
        ? [freight.amount === null ? "quoted separately" : `${money(freight.amount)} ${cur}`, ...freight.advice].join("\n")
        : "",
    );
    out("subtotal", `${money(quote.subtotal)} ${cur}`);
    out("tax", `${money(quote.tax)} ${cur} (${decimal(scaled(quote.tax_rate) * 100n)}%)`);
    out("total", `${money(quote.total)} ${cur}`);
    const a = line.availability;
    const where = a.warehouses.map((w) => `${w.code} ${plain(w.available)}`).join(", ");
    const now = `${plain(a.available)} ${label(a.unit, a.available)} available now${where ? ` (${where})` : ""}`;
    const text = {
      in_stock: `In stock: ${now}`,
      partial: `Partly in stock: ${now}; the rest in about ${a.lead_time_days} days`,
      backorder: `Not in stock: about ${a.lead_time_days} days`,
    }[a.status];
    const cell = result.querySelector('[data-out="availability"]');
    cell.textContent = text || a.status;
    cell.className = "status-" + a.status;
    for (const input of fields()) input.removeAttribute("aria-invalid");
    qty.setAttribute("aria-describedby", "qty-hint");
    if (planFigure && cutBox) {
      const flat = cutBox.dataset.mode === "flat";
      const pieces = (n) =>
        page.labels.piece ? label("piece", String(n)) : `${flat ? "sheet" : "length"}${n === 1 ? "" : "s"}`;
      window.SteelyardCuts.draw(
        planFigure,
        document.getElementById("cut-plan-summary"),
        document.getElementById("cut-plan-drawing"),
        plan,
        flat,
        pieces,
        line.remnants,
      );
    }
    result.hidden = false;
    setState("ok");
  }

  async function estimate() {
    clearTimeout(timer);
    const mine = ++asked;
    if (inflight) inflight.abort();
    const read = readLine();
    if (read.empty) return setState("empty");
    if (read.problem) return showProblem(read.problem, read.field);
    setState("loading");
    inflight = new AbortController();
    try {
      const picker = unit.value;
      const response = await fetch("/api/v1/estimates", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ lines: [read.line] }),
        signal: inflight.signal,
      });
      const answer = await response.json().catch(() => null);
      if (mine !== asked) return;
      if (response.ok) return showQuote(answer, picker);
      // A problem document (RFC 9457): its `detail` says what to change. One line here, so drop "line 1 (SKU): ".
      let detail = answer && answer.detail ? answer.detail.replace(/^line \d+ \([^)]*\): /, "") : "";
      detail = detail.replace(/^lines\[0\]\.quantity: /, "");
      detail = detail.replace(/^(?:lines\[0\]\.)?cuts\[(\d+)\](?:\.\w+)?: /, (_, i) => `Size ${Number(i) + 1}: `);
      const field = answer && JSON.stringify(answer.errors || []).includes("cut") && cuts ? cutField(answer) : qty;
      showProblem(detail || `The estimate failed (HTTP ${response.status}); try again.`, field);
    } catch (failure) {
      if (mine === asked && failure.name !== "AbortError") showProblem("The price service cannot be reached; try again.");
    }
  }

  // The cut list's input a problem names (`lines[0].cuts[1]...`), else its first one.
  function cutField(answer) {
    const m = /cuts\[(\d+)\]/.exec(JSON.stringify(answer.errors || []));
    const rows = document.querySelectorAll("#cut-list tbody tr");
    const row = (m && rows[Number(m[1])]) || rows[0];
    return row.querySelector("input");
  }

  function estimateSoon() {
    clearTimeout(timer);
    timer = setTimeout(estimate, TYPING_DELAY_MS);
  }

  form.addEventListener("input", (event) => {
    if (event.target !== unit) estimateSoon();
  });
  unit.addEventListener("change", () => {
    // The picker wins over a unit typed in the box: keep the number the server read, drop the typed unit.
    const typedUnit = lastRead && lastRead.requested.text === qty.value.trim() && lastRead.requested.unit !== lastRead.picker;
    if (typedUnit) qty.value = plain(lastRead.requested.value);
    estimate();
  });
  if (cutBox) cutBox.addEventListener("toggle", () => estimateSoon());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    estimate();
  });

  // Stock and price events refresh an estimate that is on screen; nothing to do while the box is empty.
  function refreshEstimate() {
    if (shown || box.dataset.state === "loading") estimateSoon();
  }
})();
