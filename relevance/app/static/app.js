// The page of `relevance app`: three steps over a small JSON API on this machine. No framework, no build step.
// Text from the export is only ever set with textContent: a title is text, never markup.
"use strict";

const $ = (id) => document.getElementById(id);
const page = { state: null, busy: false, batch: null, polling: null, training: null };
// Replies can arrive out of order (a poll taken just before an answer, delivered just after it): the app numbers
// the views its replies carry in the order it took them, and a part of the page shows a view only if it has shown
// none taken later, so that the page never steps back (a training shown running, then done again from a stale
// reply). A reply without a number (none should come) is the oldest.
const shown = { label: 0, train: 0, remove: 0, rows: 0 };

function latest(part, view) {
  if (!(view >= shown[part])) return false;
  shown[part] = view;
  return true;
}

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child); // strings become text nodes
  return node;
}

async function call(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new Error("the app is not running (start `relevance app` again; every saved answer is safe)");
  }
  if (response.status === 403 || response.status === 421) {
    throw new Error("this page lost its key (was the app restarted?): open the address it printed in the terminal");
  }
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || `error ${response.status}`);
  return data;
}

function notice(message) {
  $("notice").textContent = message || "";
  $("notice").hidden = !message;
}

// ----- steps

function show(place) {
  // "#remove/3": the removal list's third batch, so that a reload opens where the person was working
  let [step, batch] = place.split("/");
  if (step === "remove" && /^[1-9][0-9]*$/.test(batch || "")) page.batch = Number(batch) - 1;
  if (!["label", "train", "remove"].includes(step)) step = "label";
  for (const name of ["label", "train", "remove"]) $(`step-${name}`).hidden = name !== step;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.step === step);
  document.body.dataset.step = step;
  if (step === "remove") loadBatch(page.batch);
}

function step() {
  return document.body.dataset.step;
}

function render(state) {
  // each part keeps what a later reply showed there (`latest`); rendering a part puts its reply in page.state
  page.state = { ...state, label: page.state?.label, train: page.state?.train, remove: page.state?.remove };
  $("source").textContent = state.source ? `· ${state.source}` : "";
  $("source").title = state.reading || "";
  $("read-note").textContent = state.read_note || "";
  $("read-note").hidden = !state.read_note;
  $("labels-file").textContent = state.files.labels;
  renderLabel(state.label, state.view);
  renderTrain(state.train, state.view);
  renderRemoveSummary(state.remove, state.view);
}

// ----- 1: label

function renderLabel(label, view) {
  if (!latest("label", view)) return;
  page.state.label = label;
  const s = label.status;
  const quality = s.quality === null ? "" : ` · ROC-AUC so far ≈ ${s.quality.toFixed(2)} on titles alone (0.5 is guessing, 1 is perfect)`;
  const skipped = s.skipped ? ` · ${s.skipped} skipped` : "";
  $("label-status").textContent =
    `${s.yes + s.no} answered (${s.yes} yes · ${s.no} no)${skipped} · ${s.remaining.toLocaleString("en")} not asked yet${quality}`;
  $("label-hint").textContent = s.hint;
  $("label-hint").hidden = !s.hint;
  const card = label.card;
  $("card").hidden = !card;
  $("card-done").hidden = !!card;
  document.body.dataset.card = card ? card.id : "";
  if (!card) return;
  $("card-name").textContent = card.name || "(no name)";
  const fields = [
    ["Position", card.position],
    ["Headline", card.headline],
    ["Company", card.company],
    ["Location", card.location],
    ["Industry", card.industry],
    ["Connected", card.connected_on],
  ];
  const rows = [];
  for (const [caption, value] of fields) {
    if (value) rows.push(el("dt", {}, caption), el("dd", {}, value));
  }
  if (card.href) {
    rows.push(el("dt", {}, "Profile"), el("dd", {}, profileLink(card, card.is_search ? "search LinkedIn" : "open on LinkedIn")));
  }
  $("card-fields").replaceChildren(...rows);
  // the library's words for the guess (relevance.labeller.Question.guess_said)
  $("card-guess").textContent = card.guess_said ? `model guesses: ${card.guess_said}` : "";
  $("card-note").textContent = card.note;
  $("card-note").hidden = !card.note;
}

function profileLink(person, text) {
  // Only https links (the server passes LinkedIn ones only); a new tab that cannot reach back into this page.
  const link = el("a", { target: "_blank", rel: "noopener noreferrer" }, text);
  if (person.href.startsWith("https://")) link.href = person.href;
  return link;
}

function saved(text, kind) {
  $("saved").textContent = text;
  $("saved").className = `saved ${kind || ""}`;
}

async function labelKey(key) {
  const label = page.state && page.state.label;
  if (page.busy || !label) return;
  const card = label.card;
  if (key === "o") {
    if (card && card.href) window.open(card.href, "_blank", "noopener,noreferrer");
    return;
  }
  let request;
  if ((key === "y" || key === "n") && card) request = ["/api/answer", { id: card.id, answer: key === "y" ? "yes" : "no" }];
  else if (key === "s" && card) request = ["/api/skip", { id: card.id }];
  else if (key === "u") request = ["/api/undo", {}];
  else return;
  page.busy = true;
  saved("saving…", "pending");
  try {
    const data = await call("POST", ...request);
    renderLabel(data.label, data.view);
    if (data.train) renderTrain(data.train, data.view); // an answer may have started a training by itself
    const name = (person) => (person && person.name) || "(no name)";
    if (key === "s") saved(`Skipped: ${name(card)}`);
    // undone: the card taken back is the one asked again now
    else if (key === "u") saved(data.label.undone ? `Undone: ${name(data.label.card)} is asked again` : "Nothing to undo");
    else saved(`Saved ✓ ${key === "y" ? "yes" : "no"} — ${name(card)}`);
  } catch (error) {
    saved(`Not saved: ${error.message}`, "failed");
  } finally {
    page.busy = false;
  }
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || step() !== "label") return;
  if (event.target instanceof HTMLElement && ["INPUT", "TEXTAREA", "SELECT"].includes(event.target.tagName)) return;
  // The key in its place on the keyboard when the layout writes no Latin letter there (Cyrillic, Greek...): a
  // person who writes in Russian need not switch the keyboard to answer.
  const typed = event.key.toLowerCase();
  const key = /^[a-z]$/.test(typed) ? typed : ({ KeyY: "y", KeyN: "n", KeyS: "s", KeyU: "u", KeyO: "o" })[event.code] || typed;
  if (["y", "n", "s", "u", "o"].includes(key)) {
    event.preventDefault();
    // A key held down repeats: one press is one answer, never several for cards the person has not seen.
    if (!event.repeat) labelKey(key);
  }
});

// ----- 2: train

function renderTrain(train, view) {
  if (!latest("train", view)) return;
  const was = page.training;
  page.training = train.state;
  page.state.train = train;
  $("train-counts").textContent = `${train.yes} yes and ${train.no} no answers so far`;
  const running = train.state === "running";
  $("train-button").disabled = running;
  $("train-button").textContent = train.has_model ? "Train again" : "Train now";
  $("train-progress").hidden = !running;
  if (running) {
    const how = train.automatic ? "started by itself after new answers; " : "";
    $("train-phase").textContent = `${how}step ${train.step} of ${train.steps}: ${train.phase} (${train.seconds} s)`;
    $("train-bar").max = train.steps;
    $("train-bar").value = train.step - 1;
  }
  // Seen from every step: the person keeps labelling while it trains.
  $("training-note").hidden = !running;
  $("training-note").textContent = running
    ? `Training in the background (step ${train.step} of ${train.steps}); keep going, the page stays usable.`
    : "";
  if (train.auto_every) {
    $("train-auto").textContent =
      `The model trains again by itself after every ${train.auto_every} new answers, one training at a time ` +
      `(${train.new_answers} new since the last one started).`;
  }
  $("train-auto").hidden = !train.auto_every;
  $("train-error").textContent = train.state === "failed" ? train.message : "";
  $("train-error").hidden = train.state !== "failed";
  if (train.lines.length) $("train-lines").replaceChildren(...train.lines.map((line) => el("li", {}, line)));
  $("train-report").hidden = !train.has_model;
  document.body.dataset.training = train.state;
  if (running && !page.polling) page.polling = setInterval(poll, 1000);
  if (!running && page.polling) {
    clearInterval(page.polling);
    page.polling = null;
  }
  if (was === "running" && !running) afterTraining();
}

async function afterTraining() {
  // A new model: new guesses on the cards, and the removal list again, where the person is working through it
  // (rows stay in their places); the first time, from its first batch not yet done.
  await poll();
  if (step() === "remove") loadBatch(page.batch);
}

async function poll() {
  try {
    render(await call("GET", "/api/state"));
  } catch (error) {
    notice(error.message);
    // the app stopped (or lost its key): no training runs in it any more, and polling it again says nothing new
    $("training-note").hidden = true;
    if (page.polling) {
      clearInterval(page.polling);
      page.polling = null;
    }
  }
}

$("train-button").addEventListener("click", async () => {
  try {
    const data = await call("POST", "/api/train", {});
    renderTrain(data.train, data.view);
  } catch (error) {
    $("train-error").textContent = error.message;
    $("train-error").hidden = false;
  }
});

// ----- 3: remove

function renderRemoveSummary(remove, view) {
  if (!latest("remove", view)) return;
  page.state.remove = remove;
  renderLimit(remove.limit);
  $("remove-empty").hidden = remove.ready;
  $("remove-list").hidden = !remove.ready;
  if (!remove.ready) {
    $("remove-empty").textContent = remove.note || "No removal list yet: label (step 1), then train (step 2).";
    return;
  }
  $("remove-sentence").textContent = remove.sentence;
  $("remove-change").textContent = remove.change || "";
  $("remove-change").hidden = !remove.change;
  // Rows a newer model no longer suggests stay, greyed, where they were: the batches hold them too.
  const greyed = remove.dropped
    ? ` · ${remove.dropped.toLocaleString("en")} no longer suggested, greyed in their batches`
    : "";
  // Kept, a row stays in its place but is no longer a removal: out of the count the sentence above gives.
  const kept = remove.kept ? ` · ${remove.kept.toLocaleString("en")} kept after all (your audience)` : "";
  const spared = remove.spared ? ` · ${remove.spared.toLocaleString("en")} kept though not your audience` : "";
  const removals = remove.total - remove.kept - remove.spared;
  $("remove-progress").textContent =
    `${remove.removed.toLocaleString("en")} of ${removals.toLocaleString("en")} removed${kept}${spared}${greyed}`;
  $("remove-report").hidden = !remove.report;
}

function renderLimit(limit) {
  const select = $("limit");
  // Rebuilt only when the choices change: a poll every second while a training runs would close it in the hand.
  const choices = JSON.stringify(limit.choices);
  if (select.dataset.choices !== choices) {
    select.replaceChildren(...limit.choices.map((c) => el("option", { value: String(c.value) }, c.text)));
    select.dataset.choices = choices;
  }
  if (document.activeElement !== select) select.value = String(limit.value);
  $("limit-pending").textContent = limit.pending;
  $("limit-pending").hidden = !limit.pending;
}

$("limit").addEventListener("change", async (event) => {
  try {
    const data = await call("POST", "/api/limit", { limit: Number(event.target.value) });
    renderRemoveSummary(data.remove, data.view);
    renderTrain(data.train, data.view);
  } catch (error) {
    notice(error.message);
    event.target.blur(); // so that the poll below puts back the limit the app has
    poll();
  }
});

async function loadBatch(batch) {
  const remove = page.state && page.state.remove;
  if (!remove || !remove.ready) return;
  if (batch === null || batch === undefined) batch = remove.first_open;
  batch = Math.max(0, Math.min(batch, remove.batches - 1));
  try {
    const data = await call("GET", `/api/removals?batch=${batch}`);
    renderRemoveSummary(data.progress, data.view);
    if (!latest("rows", data.view)) return; // the rows of a later load are on the page already
    page.batch = batch;
    // the place in the address, without a "hashchange" (it would load the batch again)
    if (step() === "remove") history.replaceState(null, "", `#remove/${batch + 1}`);
    // the same buttons above the table and below it: after the 50th row, no scrolling back up for the next 50
    for (const end of ["", "-end"]) {
      $(`batch-name${end}`).textContent = `batch ${batch + 1} of ${data.progress.batches}`;
      $(`batch-prev${end}`).disabled = batch === 0;
      $(`batch-next${end}`).disabled = batch >= data.progress.batches - 1;
    }
    const size = data.progress.batch_size;
    $("removals").tBodies[0].replaceChildren(...data.rows.map((row, i) => removalRow(row, batch * size + i + 1)));
    document.body.dataset.batch = String(batch);
    document.body.dataset.loads = String(Number(document.body.dataset.loads || 0) + 1);
  } catch (error) {
    notice(error.message);
  }
}

function removalRow(row, number) {
  const tr = el("tr", { className: row.state || (row.dropped ? "dropped" : "") });
  tr.dataset.id = row.id;
  // "keep after all" says the model was wrong (your audience); "keep anyway" keeps a friend who is not
  const buttons = [
    ["removed", "removed", "Removed on LinkedIn: not your audience"],
    ["kept", "keep after all", "Your audience after all: the model was wrong"],
    ["spared", "keep anyway", "Not your audience, but you keep them (a friend, family): they stay off the list"],
  ].map(([action, text, title]) => {
    const button = el("button", { type: "button", className: action, title }, text);
    button.setAttribute("aria-pressed", String(row.state === action));
    // a pressed button clicked again takes the answer back (a click meant for another row)
    button.addEventListener("click", () => act(tr, row, row.state === action ? "undo" : action));
    return button;
  });
  // data-label: the caption a phone's card layout shows beside each cell (app.css), where the table has its header
  const cell = (label, ...children) => {
    const td = el("td", {}, ...children);
    td.dataset.label = label;
    return td;
  };
  const why = cell("Why", row.why);
  why.className = "why";
  tr.append(
    el("td", {}, String(number)),
    el("td", {}, row.href ? profileLink(row, row.name || "(no name)") : row.name || "(no name)"),
    cell("Title", row.headline || row.position),
    cell("Company", row.company),
    cell("Score", row.score),
    why,
    el("td", { className: "done" }, ...buttons),
  );
  return tr;
}

async function act(tr, row, action) {
  for (const button of tr.querySelectorAll("button")) button.disabled = true;
  try {
    const data = await call("POST", "/api/removal", { id: row.id, action });
    const fresh = removalRow(data.row, Number(tr.cells[0].textContent));
    tr.replaceWith(fresh);
    renderRemoveSummary(data.progress, data.view);
    renderTrain(data.train, data.view);
  } catch (error) {
    notice(error.message);
    for (const button of tr.querySelectorAll("button")) button.disabled = false;
  }
}

for (const end of ["", "-end"]) {
  // from the buttons below the table, the next batch is shown from its first row
  const then = () => end && $("removals").scrollIntoView({ block: "start" });
  $(`batch-prev${end}`).addEventListener("click", () => loadBatch(page.batch - 1).then(then));
  $(`batch-next${end}`).addEventListener("click", () => loadBatch(page.batch + 1).then(then));
}

// ----- start

for (const button of document.querySelectorAll(".keys button")) {
  button.addEventListener("click", () => {
    // A clicked button keeps the focus, and Space or Enter then pressed it again: an answer for the next card,
    // unseen (a first-time user pressed Space to scroll).
    button.blur();
    labelKey(button.dataset.key);
  });
}
window.addEventListener("hashchange", () => {
  show(location.hash.slice(1));
  poll(); // answers given on another step (the removal list's) change this one's counts
});

(async () => {
  try {
    render(await call("GET", "/api/state"));
    show(location.hash.slice(1));
    document.body.dataset.ready = "yes";
  } catch (error) {
    notice(error.message);
  }
})();
