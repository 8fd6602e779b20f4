// The cartoon page's one piece of state, shared by its modules (cartoon*.js): nothing else of
// theirs changes after it is loaded.


export const cartoonPage = {
  id: new URLSearchParams(window.location.search).get("id") || "",
  cartoon: null, // GET /api/cartoons/{id}, as last loaded
  options: null, // GET /api/cartoons/options: the limits and the balloon kinds (js/options.js)
  moving: null, // the handle being moved: {scene, index, part, start, at, tail, handle}
  pagesShown: "", // what the page view shows now (pages and geometry), to redraw only on change
  transcriptShown: "", // the same for the transcript
  readerIndex: 0, // the panel the phone reader shows
  signatures: {}, // each scene card's, to rebuild only what changed
  render: () => {}, // cartoon.js's: draws the page again from `cartoon`
  loop: null, // cartoon.js's polling loop (js/poll.js)
};

export const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

// Whether a balloon kind has a speaker (a caption has none), as the API serves the kinds.
export function kindHasSpeaker(kind) {
  const found = cartoonPage.options.kinds.find((k) => k.key === kind);
  return Boolean(found && found.speaker);
}
