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
  // The lettering overlay's (cartoon-overlay*.js): what each balloon looks like as the owner
  // edits it, what was last saved, the edits that can be undone, the gesture under way.
  overlay: {
    geometry: "", // the server's geometry the drafts were made from (cartoon.panels, as JSON)
    panels: [], // and those panels
    active: false, // whether the page view shows the pages lettered by the overlay
    drafts: {}, // scene number -> its elements as drawn now: [{kind, text, speaker, at, tail,
    //            width, box, lines, tailSet}], box in fractions of the panel
    saved: {}, // scene number -> {elements (as the API has them, JSON), drafts}: the last saved
    undo: [], // edits since the page was opened: {scene, before, after}, each a saved state
    redo: [],
    pending: null, // a keyboard edit not saved yet: {handle, number, index, before} (Escape brings `before` back)
    gesture: null, // the drag under way: {number, index, part, x, y, ...}
    selected: null, // "n-k": the balloon whose toolbar shows
    saving: Promise.resolve(), // saves go one after the other
    expecting: {}, // scene number -> a texts form's save awaited: {words, before}
    setUp: false, // its page-wide listeners added
    measure: { ready: false, context: null, widths: new Map() }, // canvas
  },
};

export const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

// Whether a balloon kind has a speaker (a caption has none), as the API serves the kinds.
export function kindHasSpeaker(kind) {
  const found = cartoonPage.options.kinds.find((k) => k.key === kind);
  return Boolean(found && found.speaker);
}
