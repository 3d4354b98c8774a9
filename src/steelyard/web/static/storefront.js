// Steelyard storefront: type-ahead from GET /api/v1/search/suggest, filters that apply at once, and live stock
// badges from GET /api/v1/events (Server-Sent Events). Plain JavaScript, no build step, no other origin.
"use strict";
(() => {
  document.documentElement.classList.add("js");
  const form = document.getElementById("search");
  const input = document.getElementById("q");
  const list = document.getElementById("suggestions");
  const status = document.getElementById("suggest-status");

  // ---- type-ahead: an ARIA 1.2 combobox (arrow keys move, Enter picks, Escape closes) -----------------------
  const SUGGEST_DELAY_MS = 120;
  let options = [];
  let active = -1;
  let timer = 0;
  let asked = 0; // the number of the newest request: an older answer arriving late is ignored
  let inflight = null;

  const isOpen = () => !list.hidden;

  function open() {
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    const items = list.children;
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = index;
    if (active < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    const item = items[active];
    item.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", item.id);
    item.scrollIntoView({ block: "nearest" });
  }

  function choose(index) {
    const option = options[index];
    if (!option) return;
    close();
    if (option.sku) {
      window.location.assign("/products/" + encodeURIComponent(option.sku));
      return;
    }
    input.value = option.text;
    form.requestSubmit();
  }

  function render(answer) {
    options = [
      ...answer.suggestions.map((s) => ({ text: s.text, kind: "search" })),
      ...answer.products.map((p) => ({ text: p.name, sku: p.sku, kind: p.sku })),
    ];
    list.replaceChildren(
      ...options.map((option, i) => {
        const item = document.createElement("li");
        item.id = "suggestion-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.dataset.kind = option.sku ? "product" : "search";
        item.append(option.text);
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = option.sku ? option.sku : "search";
        item.append(kind);
        item.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the box
        item.addEventListener("click", () => choose(i));
        return item;
      }),
    );
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (options.length) open();
    else close();
    status.textContent = options.length ? `${options.length} suggestions; use the arrow keys to choose.` : "";
  }

  async function suggest() {
    const q = input.value.trim();
    const mine = ++asked;
    if (inflight) inflight.abort();
    if (q.length < 2) {
      close();
      return;
    }
    inflight = new AbortController();
    try {
      const response = await fetch("/api/v1/search/suggest?" + new URLSearchParams({ q, limit: "8" }), {
        headers: { Accept: "application/json" },
        signal: inflight.signal,
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const answer = await response.json();
      if (mine === asked && document.activeElement === input) render(answer);
    } catch (error) {
      if (mine === asked && error.name !== "AbortError") close();
    }
  }

  if (input && list) {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, SUGGEST_DELAY_MS);
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) return;
        event.preventDefault();
        if (!isOpen()) open();
        const step = event.key === "ArrowDown" ? 1 : -1;
        const next = active + step;
        highlight(next < 0 ? options.length - 1 : next >= options.length ? 0 : next);
      } else if (event.key === "Enter" && isOpen() && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" && isOpen()) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
    form.addEventListener("submit", (event) => {
      clearTimeout(timer);
      asked++;
      close();
      // The same GET the browser would send, minus empty fields, so shared links stay short: /?q=…&grade=…
      event.preventDefault();
      const query = new URLSearchParams();
      for (const [name, value] of new FormData(form)) if (value !== "") query.append(name, value);
      window.location.assign(query.size ? "/?" + query : "/");
    });
  }

  // ---- filters: a change applies at once (the URL keeps the whole search) ----------------------------------
  for (const control of document.querySelectorAll("[data-autosubmit]")) {
    control.addEventListener("change", () => form.requestSubmit());
  }
  const filters = document.getElementById("filters");
  if (filters) {
    const wide = window.matchMedia("(min-width: 48em)");
    const fit = () => {
      filters.open = wide.matches || filters.dataset.filtered === "true";
    };
    fit();
    wide.addEventListener("change", fit);
    for (const group of filters.querySelectorAll(".facet")) {
      const hidden = group.querySelectorAll("li.more").length;
      if (!hidden) continue;
      group.classList.add("collapsed");
      const toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "secondary toggle";
      toggle.setAttribute("aria-expanded", "false");
      toggle.textContent = `Show ${hidden} more`;
      toggle.addEventListener("click", () => {
        const collapsed = group.classList.toggle("collapsed");
        toggle.setAttribute("aria-expanded", String(!collapsed));
        toggle.textContent = collapsed ? `Show ${hidden} more` : "Show fewer";
      });
      group.append(toggle);
    }
  }

  // ---- live stock badges: one EventSource for the SKUs on this page ----------------------------------------
  const badges = new Map();
  for (const badge of document.querySelectorAll(".badge[data-sku]")) badges.set(badge.dataset.sku, badge);
  const live = document.getElementById("live-status");
  const asks = new Map(); // sku -> number of its newest stock request

  function show(badge, available) {
    const inStock = Number.parseFloat(available) > 0;
    badge.dataset.available = available;
    badge.className = "badge " + (inStock ? "in" : "out");
    const unit = Number.parseFloat(available) === 1 ? badge.dataset.one : badge.dataset.many;
    badge.textContent = inStock ? `In stock: ${available} ${unit}` : "Out of stock";
    badge.classList.add("flash");
    setTimeout(() => badge.classList.remove("flash"), 1500);
  }

  async function refresh(sku) {
    // stock.changed names one warehouse; the badge shows the total, so read the product's stock once more.
    const badge = badges.get(sku);
    if (!badge) return;
    const mine = (asks.get(sku) || 0) + 1;
    asks.set(sku, mine);
    try {
      const response = await fetch(`/api/v1/products/${encodeURIComponent(sku)}/stock`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const stock = await response.json();
      if (asks.get(sku) === mine && stock.total.available !== badge.dataset.available) show(badge, stock.total.available);
    } catch {
      // the next event or resync tries again
    }
  }

  function setLive(state, text) {
    if (!live) return;
    live.dataset.state = state;
    live.textContent = text;
  }

  if (badges.size && "EventSource" in window) {
    const query = new URLSearchParams({ type: "stock.changed" });
    for (const sku of badges.keys()) query.append("sku", sku);
    const source = new EventSource("/api/v1/events?" + query);
    setLive("connecting", "Connecting to live stock\u2026");
    source.addEventListener("ready", () => setLive("live", "Stock figures are live."));
    source.addEventListener("stock.changed", (event) => refresh(JSON.parse(event.data).sku));
    source.addEventListener("resync", () => {
      for (const sku of badges.keys()) refresh(sku);
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) setLive("offline", "Live stock is off; reload the page.");
      else setLive("connecting", "Reconnecting to live stock\u2026");
    });
  }
})();
