// The create page's one piece of state (createPage), shared by its modules (create*.js):
// nothing else of theirs changes after it is loaded.


export const createPage = {
  options: null, // GET /api/cartoons/options, the vocabulary and prices (js/options.js)
  me: null, // the signed-in account
  idempotencyKey: null, // this submission's, until the form changes
  nextKey: 1, // the next row's or input's number, for their keys and ids
  extras: [], // CreateForm.registerExtra's functions
  checker: null, // the lettering check as the person types (js/lettering-check.js)
  keepTimer: null, // the draft kept on this device
  changed: () => {}, // create.js's: after any change, counts, quotes and checks again
  resolveReady: null, // resolves CreateForm.ready once the form is built
};

// Whether a balloon kind has a speaker (a caption has none), as the API serves the kinds.
export function hasSpeaker(kind) {
  const found = createPage.options.kinds.find((k) => k.key === kind);
  return Boolean(found && found.speaker);
}
