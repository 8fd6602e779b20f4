// The create page: context, style, characters and scenes (rows added and removed), the cost
// before submitting, then POST /api/cartoons with an Idempotency-Key so a double click or a
// retry after a network error never pays twice.
let options = null;
let me = null;
let idempotencyKey = null;

function newKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function characterRow(character) {
  const row = el("div", { class: "row-card character" },
    el("div", { class: "row-head" },
      el("strong", { class: "row-title" }, "Character"),
      el("button", { type: "button", class: "button ghost small remove",
                     onclick: () => { row.remove(); changed(); } }, "Remove")),
    el("label", {}, "Name",
      el("input", { class: "character-name", maxlength: options.limits.name, required: true,
                    placeholder: "Ada", value: (character && character.name) || "" })),
    el("label", {}, "Description",
      el("textarea", { class: "character-description", maxlength: options.limits.description,
                       required: true, rows: 2,
                       placeholder: "A tall inventor with round glasses and a green coat." },
        (character && character.description) || "")));
  return row;
}

function sceneRow(scene) {
  const row = el("div", { class: "row-card scene" },
    el("div", { class: "row-head" },
      el("strong", { class: "row-title" }, "Scene"),
      el("button", { type: "button", class: "button ghost small remove",
                     onclick: () => { row.remove(); changed(); } }, "Remove")),
    el("label", {}, "What happens",
      el("textarea", { class: "scene-action", maxlength: options.limits.action, required: true,
                       rows: 2, placeholder: "Ada finds a strange machine in the attic." },
        (scene && scene.action) || "")),
    el("fieldset", { class: "scene-cast" }, el("legend", {}, "Who appears")),
    el("div", { class: "two-columns" },
      el("label", {}, "Caption (optional)",
        el("input", { class: "scene-caption", maxlength: options.limits.caption,
                      placeholder: "Meanwhile, in the attic…" })),
      el("label", {}, "Dialogue (optional)",
        el("input", { class: "scene-dialogue", maxlength: options.limits.caption,
                      placeholder: "What is this?" }))),
    el("label", {}, "Who says it",
      el("select", { class: "scene-speaker" }, el("option", { value: "" }, "Nobody in particular"))));
  row.dataset.cast = JSON.stringify((scene && scene.characters) || []);
  return row;
}

function characterNames() {
  return Array.from(document.querySelectorAll(".character-name"))
    .map((input) => input.value.trim()).filter(Boolean);
}

// Keep each scene's checkboxes and speaker list in step with the characters' names.
function refreshScenes() {
  const names = characterNames();
  document.querySelectorAll(".scene").forEach((row, index) => {
    $(".row-title", row).textContent = `Scene ${index + 1}`;
    const fieldset = $(".scene-cast", row);
    const checked = new Set(JSON.parse(row.dataset.cast || "[]"));
    fieldset.querySelectorAll("input:checked").forEach((box) => checked.add(box.value));
    fieldset.querySelectorAll("input:not(:checked)").forEach((box) => checked.delete(box.value));
    fieldset.querySelectorAll("label").forEach((label) => label.remove());
    names.forEach((name) => {
      fieldset.append(el("label", { class: "check" },
        el("input", { type: "checkbox", value: name, checked: checked.has(name),
                      onchange: () => { row.dataset.cast = JSON.stringify(cast(row)); changed(); } }),
        " ", name));
    });
    row.dataset.cast = JSON.stringify(cast(row));
    const speaker = $(".scene-speaker", row);
    const current = speaker.value;
    speaker.replaceChildren(el("option", { value: "" }, "Nobody in particular"),
      ...cast(row).map((name) => el("option", { value: name, selected: name === current }, name)));
  });
  document.querySelectorAll(".character").forEach((row, index) => {
    $(".row-title", row).textContent = `Character ${index + 1}`;
  });
}

function cast(row) {
  return Array.from(row.querySelectorAll(".scene-cast input:checked"), (box) => box.value);
}

function counts() {
  const characters = document.querySelectorAll(".character").length;
  const scenes = document.querySelectorAll(".scene").length;
  $("#character-count").textContent = `(${characters} of ${options.limits.characters})`;
  $("#scene-count").textContent = `(${scenes} of ${options.limits.scenes})`;
  $("#add-character").disabled = characters >= options.limits.characters;
  $("#add-scene").disabled = scenes >= options.limits.scenes;
  document.querySelectorAll(".character .remove").forEach((b) => { b.disabled = characters <= 1; });
  document.querySelectorAll(".scene .remove").forEach((b) => { b.disabled = scenes <= 1; });
  return { characters, scenes };
}

function showCost() {
  const { scenes } = counts();
  const quality = options.qualities.find((q) => q.key === $("#quality").value);
  const total = quality.credits_per_scene * scenes;
  const balance = me ? me.balance : 0;
  const plural = (n) => `${n} credit${n === 1 ? "" : "s"}`;
  $("#cost").textContent = `${scenes} scene${scenes === 1 ? "" : "s"} × ` +
    `${plural(quality.credits_per_scene)} = ${plural(total)}. You have ${plural(balance)}.`;
  $("#cost").dataset.total = total;
  const short = total > balance;
  $("#cost").classList.toggle("short", short);
  show($("#buy-credits"), short);
  $("#create-submit").textContent = `Draw my cartoon (${plural(total)})`;
}

function changed() {
  idempotencyKey = null; // a different cartoon is a different submission
  refreshScenes();
  showCost();
}

function styleValue() {
  return $("#style").value === "custom" ? $("#style-custom").value : $("#style").value;
}

function collect() {
  return {
    title: $("#title").value,
    context: $("#context").value,
    style: styleValue(),
    quality: $("#quality").value,
    characters: Array.from(document.querySelectorAll(".character"), (row) => ({
      name: $(".character-name", row).value,
      description: $(".character-description", row).value,
    })),
    scenes: Array.from(document.querySelectorAll(".scene"), (row) => {
      const scene = { action: $(".scene-action", row).value, characters: cast(row) };
      const caption = $(".scene-caption", row).value.trim();
      const dialogue = $(".scene-dialogue", row).value.trim();
      const speaker = $(".scene-speaker", row).value;
      if (caption) scene.caption = caption;
      if (dialogue) scene.dialogue = dialogue;
      if (dialogue && speaker) scene.speaker = speaker;
      return scene;
    }),
  };
}

// "scenes[2].action" -> the input that holds it, to point the person at it.
function inputFor(field) {
  if (!field) return null;
  const match = field.match(/^(characters|scenes)\[(\d+)\](?:\.(\w+))?/);
  if (!match) {
    return { title: $("#title"), context: $("#context"), quality: $("#quality"),
             style: $("#style").value === "custom" ? $("#style-custom") : $("#style") }[field];
  }
  const rows = document.querySelectorAll(match[1] === "characters" ? ".character" : ".scene");
  const row = rows[Number(match[2])];
  if (!row) return null;
  const classes = { name: ".character-name", description: ".character-description",
                    action: ".scene-action", caption: ".scene-caption",
                    dialogue: ".scene-dialogue", speaker: ".scene-speaker",
                    characters: ".scene-cast input" };
  return $(classes[match[3]] || "input, textarea", row);
}

async function submit(event) {
  event.preventDefault();
  const notice = $("#create-notice");
  const button = $("#create-submit");
  document.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  message(notice, "", "info");
  button.disabled = true;
  idempotencyKey = idempotencyKey || newKey();
  try {
    const answer = await Api.post("/api/cartoons", collect(), { "Idempotency-Key": idempotencyKey });
    window.location.assign(`/cartoon.html?id=${encodeURIComponent(answer.cartoon_id)}`);
  } catch (error) {
    button.disabled = false;
    // The key stays: if the answer was lost on the way, sending again must not pay twice.
    if (error.status === 402) {
      const short = error.details ? error.details.shortfall : "";
      message(notice, `You need ${short} more credit${short === 1 ? "" : "s"} to draw this cartoon.`, "error");
      show($("#buy-credits"), true);
      return;
    }
    message(notice, error.message, "error");
    const input = inputFor(error.details && error.details.field);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  me = await requireAccount();
  if (!me) return;
  options = await Api.get("/api/cartoons/options");
  $("#style").append(...options.styles.map((s) => el("option", { value: s.key }, s.label)),
    el("option", { value: "custom" }, "Something else…"));
  $("#quality").append(...options.qualities.map((q) => el("option", { value: q.key },
    `${q.label} (${q.credits_per_scene} credit${q.credits_per_scene === 1 ? "" : "s"} a scene)`)));
  $("#style").addEventListener("change", () => {
    show($("#style-custom"), $("#style").value === "custom");
  });
  $("#character-list").append(characterRow());
  $("#scene-list").append(sceneRow());
  $("#add-character").addEventListener("click", () => {
    $("#character-list").append(characterRow());
    changed();
    $(".character:last-child .character-name").focus();
  });
  $("#add-scene").addEventListener("click", () => {
    $("#scene-list").append(sceneRow());
    changed();
    $(".scene:last-child .scene-action").focus();
  });
  const form = $("#create-form");
  form.addEventListener("input", (event) => {
    if (event.target.classList.contains("character-name")) refreshScenes();
    idempotencyKey = null;
  });
  form.addEventListener("change", showCost);
  form.addEventListener("submit", submit);
  changed();
});
