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
