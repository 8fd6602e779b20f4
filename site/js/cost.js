// What a cartoon costs, by the rule of the quote (chalicelib/cartoons/submission.py cost_of),
// from the prices GET /api/cartoons/options serves: each scene at its quality's credits, each
// reference picture drawn for it at one scene's price (its quality's `reference_credits`; one
// from the library is reused for nothing). No imports: tests/site/test_vocabulary.py runs it
// beside cost_of and holds the two to the same answers. Every price the site shows comes from
// here or straight from the API.
export function costOf(options, qualityKey, scenes, references) {
  const quality = options.qualities.find((q) => q.key === qualityKey) || options.qualities[0];
  const each = quality.reference_credits;
  const panels = quality.credits_per_scene * scenes;
  return { perScene: quality.credits_per_scene, each, panels, total: panels + each * references };
}
