// Preloaded into a manager daemon (`NODE_OPTIONS=--import <this file>`; node
// refuses --cpu-prof in NODE_OPTIONS) by `dispatcher.bench.ts --cpu-prof DIR`:
// the first SIGUSR2 starts V8's sampling profiler in the process, the second
// stops it and writes the .cpuprofile to SWARMBUS_CPU_PROF_FILE. So the
// profile covers the benchmark's window only, not the long ramp-up.
// Plain JS: the daemon runs the build with plain node, without tsx.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const file = process.env.SWARMBUS_CPU_PROF_FILE;
if (file) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on("SIGUSR2", () => {
    if (!running) {
      running = true;
      session.post("Profiler.enable", () =>
        session.post("Profiler.setSamplingInterval", { interval: 1000 }, () => session.post("Profiler.start")),
      );
      return;
    }
    running = false;
    session.post("Profiler.stop", (err, res) => {
      if (err) console.error(`cpu-prof-window: ${err.message}`);
      else writeFileSync(file, JSON.stringify(res.profile));
    });
  });
}
