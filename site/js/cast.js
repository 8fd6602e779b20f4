// The cast: each character's reference picture, shown as soon as it exists, the owner's
// approval before any scene is drawn, a paid redraw of one reference with an optional note
// (its cost confirmed first), and "Save to my library".
//
// window.Cast.render(cartoon, container, {onChange}) draws into `container` from a cartoon as
// GET /api/cartoons/{id} returns it, and updates in place on the next call (a note being typed
// survives a refresh). onChange() is called after anything that changes the cartoon.
// cartoon.js calls it on every load of the cartoon.
(() => {
  const LABELS = { queued: "Waiting", drawing: "Drawing…", done: "Ready", failed: "Failed" };
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const bare = (url) => (url || "").split("?")[0];
  let pricing = null;

  function referencePrice() {
    if (!pricing) {
      pricing = Api.get("/api/cartoons/options").then((o) => o.reference.credits)
        .catch(() => { pricing = null; return null; });
    }
    return pricing;
  }

  function render(cartoon, container, options) {
    const onChange = (options && options.onChange) || (() => {});
    const cast = cartoon.cast || [];
    container.hidden = cast.length === 0;
    if (!cast.length) return;
    if (!container.dataset.ready) {
      container.dataset.ready = "1";
      container.classList.add("cast", "card", "stack");
      container.append(
        el("h2", {}, "The cast"),
        el("p", { class: "hint", "data-cast-intro": "" }),
        el("div", { class: "cast-list", "data-cast-list": "" }),
        el("div", { class: "actions", "data-cast-actions": "" }),
        el("p", { class: "notice", "data-cast-notice": "", role: "alert", hidden: true }));
    }
    const state = cartoon.cast_state;
    const open = state === "drawing" || state === "waiting";
    const failed = cast.filter((c) => c.state === "failed");
    $("[data-cast-intro]", container).textContent =
      state === "drawing" ? "The characters' reference pictures are being drawn. Each appears here as soon as it is ready; no scene is drawn before you approve them."
      : state === "waiting" ? (failed.length
        ? "A reference could not be drawn. Redraw it (its credits were given back), then approve the cast."
        : "Check each character. Redraw any that is not right, then approve the cast: the scenes are drawn from these pictures.")
      : "Every scene is drawn from these reference pictures.";
    const list = $("[data-cast-list]", container);
    cast.forEach((character) => {
      let card = list.querySelector(`[data-index="${character.index}"]`);
      const signature = [character.state, character.attempt, bare(character.image && character.image.url),
                         open, state === "released" && character.state === "failed"].join("|");
      if (!card) {
        card = el("article", { class: "cast-card", "data-index": character.index });
        list.append(card);
      }
      if (card.dataset.signature === signature) return;
      card.dataset.signature = signature;
      card.dataset.state = character.state;
      fill(card, cartoon, character, open || (state === "released" && character.state === "failed"), onChange);
    });
    const actions = $("[data-cast-actions]", container);
    actions.replaceChildren();
    if (state === "waiting") {
      const approve = el("button", { type: "button", class: "button", "data-approve": "",
                                     disabled: failed.length > 0 },
        "Approve the cast");
      approve.addEventListener("click", () => approveCast(cartoon, container, approve, onChange));
      actions.append(approve);
      if (failed.length) {
        actions.append(el("p", { class: "hint" }, `Redraw ${failed.map((c) => c.name).join(", ")} first.`));
      }
    }
  }

  function fill(card, cartoon, character, redrawable, onChange) {
    const frame = el("div", { class: "cast-frame" });
    if (character.image) {
      frame.append(el("img", { class: "cast-image", src: character.image.thumbnail_url || character.image.url,
                               alt: `Reference picture of ${character.name}: ${character.description}` }));
    } else {
      frame.append(el("div", { class: `placeholder ${character.state}` },
        character.state === "failed" ? "No picture" : LABELS[character.state]));
    }
    const busy = character.state === "queued" || character.state === "drawing";
    card.replaceChildren(...[
      el("div", { class: "row-head" },
        el("h3", {}, character.name),
        el("span", { class: `badge ${character.state}` },
          busy && character.image ? "Redrawing…" : LABELS[character.state])),
      frame,
      el("p", { class: "hint cast-description" }, character.description),
      character.saved_id ? el("p", { class: "hint" }, "From your library") : null,
      character.state === "failed"
        ? el("p", { class: "notice error" }, `${character.reason || "It could not be drawn."} `,
          el("strong", {}, `${plural(character.refunded || 0, "credit")} given back.`))
        : null].filter(Boolean));
    const actions = el("div", { class: "actions" });
    const notice = el("p", { class: "notice", "data-notice": "", role: "alert", hidden: true });
    if (redrawable && !busy) {
      const form = redrawForm(cartoon, character, notice, onChange);
      const open = el("button", { type: "button", class: "button small ghost", "data-redraw": "" }, "Redraw…");
      referencePrice().then((credits) => {
        if (credits) open.textContent = `Redraw (${plural(credits, "credit")})`;
      });
      open.addEventListener("click", () => { form.hidden = false; open.hidden = true;
                                             $("textarea", form).focus(); });
      form.addEventListener("reset", () => { form.hidden = true; open.hidden = false; });
      actions.append(open);
      card.append(actions, form);
    } else {
      card.append(actions);
    }
    if (character.state === "done" && character.image) {
      const save = el("button", { type: "button", class: "button small ghost", "data-save": "" },
        "Save to my library");
      save.addEventListener("click", () => saveCharacter(cartoon, character, save, notice));
      actions.append(save);
    }
    card.append(notice);
  }

  function redrawForm(cartoon, character, notice, onChange) {
    const note = el("textarea", { maxlength: 300, rows: 2, class: "cast-note",
                                  "aria-label": `What to change in ${character.name}'s picture (optional)`,
                                  placeholder: "What to change (optional), e.g. a blue scarf" });
    const confirm = el("button", { type: "submit", class: "button small", "data-confirm-redraw": "" },
      "Redraw");
    const form = el("form", { class: "stack cast-redraw", hidden: true },
      el("label", {}, `What to change in ${character.name}'s picture (optional)`, note),
      el("p", { class: "hint", "data-cost": "" }),
      el("div", { class: "actions" }, confirm,
        el("button", { type: "reset", class: "button small ghost" }, "Cancel")));
    referencePrice().then((credits) => {
      if (!credits) return;
      $("[data-cost]", form).textContent = `A new picture of ${character.name} costs ${plural(credits, "credit")}. If it cannot be drawn, they are given back.`;
      confirm.textContent = `Confirm: redraw for ${plural(credits, "credit")}`;
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      confirm.disabled = true;
      try {
        const body = note.value.trim() ? { note: note.value.trim() } : {};
        const answer = await Api.post(`/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/cast/${character.index}/redraw`, body);
        message(notice, `Redrawing ${character.name} (${plural(answer.cost, "credit")}). Balance: ${plural(answer.balance, "credit")}.`, "ok");
        if (typeof renderHeader === "function") { await Api.account(true); await renderHeader(); }
        onChange();
      } catch (error) {
        message(notice, error.message, "error");
        confirm.disabled = false;
      }
    });
    return form;
  }

  async function approveCast(cartoon, container, button, onChange) {
    button.disabled = true;
    const notice = $("[data-cast-notice]", container);
    try {
      await Api.post(`/api/cartoons/${encodeURIComponent(cartoon.cartoon_id)}/cast/approve`, {});
      message(notice, "Cast approved: the scenes are being drawn.", "ok");
      onChange();
    } catch (error) {
      message(notice, error.message, "error");
      button.disabled = false;
    }
  }

  async function saveCharacter(cartoon, character, button, notice) {
    button.disabled = true;
    try {
      await Api.post("/api/characters", { cartoon_id: cartoon.cartoon_id, index: character.index });
      message(notice, `${character.name} is in your library: pick them when you create a cartoon.`, "ok");
      button.textContent = "Saved to your library";
    } catch (error) {
      message(notice, error.message, "error");
      button.disabled = false;
    }
  }

  // cartoon.js calls render on each of its loads, which follow the cartoon (quickly while its
  // cast or scenes are being drawn).
  window.Cast = { render };
})();
