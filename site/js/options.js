// The product's vocabulary and prices as the API serves them (GET /api/cartoons/options, from
// chalicelib/core/vocabulary.py): every limit, the qualities and their credits, the reference
// picture's price, the layouts and the balloon kinds. The site copies none of these numbers
// (tests/site/test_vocabulary.py); a page asks once and every module shares the answer.
import { Api } from "./api.js";

const cache = {};

export function loadOptions() {
  if (!cache.options) {
    cache.options = Api.get("/api/cartoons/options").catch((error) => {
      delete cache.options; // asked again next time
      throw error;
    });
  }
  return cache.options;
}

// `control`'s maxlength once the limit `name` is known; resolves to the limit (null offline:
// the API checks the same again).
export function limitLength(control, name) {
  return loadOptions().then((options) => {
    control.maxLength = options.limits[name];
    return options.limits[name];
  }).catch(() => null);
}

// What a cartoon costs, by the rule of the quote (submission.cost_of): each scene at its
// quality's credits, each reference picture drawn for it at the best tier's (one from the
// library is reused for nothing). {panels, each, total}.
export function costOf(options, qualityKey, scenes, references) {
  const quality = options.qualities.find((q) => q.key === qualityKey) || options.qualities[0];
  const each = options.reference ? options.reference.credits : 0;
  const panels = quality.credits_per_scene * scenes;
  return { perScene: quality.credits_per_scene, each, panels, total: panels + each * references };
}
