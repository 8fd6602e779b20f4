// The one polling loop, for pages that follow work the server does in the background (a data
// export being built; a cartoon being drawn, composed, its links refreshed).
//
//   const loop = poll(step, { retry, maxRetry, onError });
//
// `step` does one round (usually one GET and a render) and says when to come back: a number of
// seconds, or null/undefined to stop. When it throws, the loop backs off: it waits `retry`
// seconds, doubling after each failure in a row up to `maxRetry`, and calls
// `onError(error, seconds)` so that the page can say it lost touch; one good round resets it.
// A step that knows an error is final (a 404) catches it and returns null.
// `loop.now()` runs a round at once (after a change the user made: the page follows it),
// `loop.after(seconds)` reschedules (null: stop), `loop.stop()` ends it. Rounds never overlap:
// asking for one while a round runs runs one more right after it.
export function poll(step, { retry = 2, maxRetry = 60, onError } = {}) {
  let timer = null;
  let running = null;
  let again = false;
  let failures = 0;
  let stopped = false;
  let asked;  // a delay asked for (after) while a round ran: it wins over the round's own

  function wait(seconds) {
    clearTimeout(timer);
    timer = null;
    if (stopped || seconds === null || seconds === undefined) return;
    timer = setTimeout(now, seconds * 1000);
  }

  async function round() {
    try {
      const next = await step();
      failures = 0;
      return next;
    } catch (error) {
      const seconds = Math.min(maxRetry, retry * 2 ** failures);
      failures += 1;
      if (onError) onError(error, seconds);
      return seconds;
    }
  }

  async function now() {
    stopped = false;
    clearTimeout(timer);
    timer = null;
    if (running) {
      again = true;
      return running;
    }
    asked = undefined;
    running = round();
    let next = await running;
    running = null;
    if (asked !== undefined) next = asked;
    if (again && !stopped) {
      again = false;
      return now();
    }
    again = false;
    wait(next);
    return next;
  }

  function after(seconds) {
    stopped = false;
    if (running) asked = seconds;
    else wait(seconds);
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    timer = null;
  }

  return { now, after, stop };
}
