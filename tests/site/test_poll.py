"""js/poll.js, the site's one polling loop, run in Node (it needs nothing of the DOM): it follows
the delays its step returns, backs off on errors, never runs two rounds at once, and stops."""

import json
import subprocess
from pathlib import Path

POLL = (Path(__file__).resolve().parents[2] / "site" / "js" / "poll.js").as_uri()


def run(script):
    source = f'import {{ poll }} from "{POLL}";\n' \
             "const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n" + script
    done = subprocess.run(["node", "--input-type=module", "-e", source], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stderr[-800:]
    return json.loads(done.stdout)


def test_it_follows_the_delays_the_step_returns_and_stops_on_null():
    out = run("""
      let calls = 0;
      const loop = poll(async () => { calls += 1; return calls < 4 ? 0.01 : null; });
      await loop.now();
      await sleep(300);
      process.stdout.write(JSON.stringify({ calls }));
    """)
    assert out == {"calls": 4}


def test_errors_back_off_doubling_up_to_the_cap_and_a_success_resets_it():
    out = run("""
      let calls = 0; const waits = [];
      const loop = poll(async () => {
        calls += 1;
        if (calls <= 4 || calls === 6) throw new Error("lost touch");
        return calls < 7 ? 0.005 : null;
      }, { retry: 0.01, maxRetry: 0.03, onError: (error, seconds) => waits.push(seconds) });
      await loop.now();
      await sleep(600);
      process.stdout.write(JSON.stringify({ calls, waits }));
    """)
    assert out == {"calls": 7, "waits": [0.01, 0.02, 0.03, 0.03, 0.01]}


def test_rounds_never_overlap_and_a_round_asked_for_meanwhile_runs_after():
    out = run("""
      let running = 0, most = 0, calls = 0;
      const loop = poll(async () => {
        calls += 1; running += 1; most = Math.max(most, running);
        await sleep(50);
        running -= 1;
        return null;
      });
      loop.now(); loop.now(); loop.now();
      await sleep(400);
      process.stdout.write(JSON.stringify({ calls, most }));
    """)
    assert out == {"calls": 2, "most": 1}


def test_stop_ends_it_and_after_restarts_it_even_during_a_round():
    out = run("""
      let calls = 0;
      const loop = poll(async () => { calls += 1; return 0.02; });
      await loop.now();
      loop.stop();
      await sleep(150);
      const stopped = calls;
      const slow = poll(async () => { calls += 1; await sleep(30); return null; });
      const round = slow.now();
      slow.after(0.01);  // asked for while the round runs: wins over its null
      await round;
      await sleep(200);
      process.stdout.write(JSON.stringify({ stopped, calls }));
    """)
    assert out == {"stopped": 1, "calls": 3}
