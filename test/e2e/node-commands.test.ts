import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ActorTransition } from "../../src/bus/events.ts";
import { freePort } from "../../src/net/free-port.ts";
import { useSwarm } from "../support/swarm.ts";
import { type Collector, waitFor } from "../support/wait-for.ts";

interface InspectedNode {
  ID: string;
  Spec: { Labels: Record<string, string>; Role: string; Availability: string };
  Status: { State: string };
}
interface Info {
  LocalNodeState: string;
  NodeID: string;
  ControlAvailable: boolean;
  Error: string;
}

interface PrettySource {
  CreatedAt: string;
  Description: {
    Platform: { OS: string; Architecture: string };
    Resources: { NanoCPUs: number; MemoryBytes: number };
    Engine: { EngineVersion: string };
    TLSInfo: { TrustRoot: string; CertIssuerSubject: string; CertIssuerPublicKey: string };
  };
  Status: { Addr?: string };
  ManagerStatus?: { Addr?: string };
}

/** go-units' BytesSize, for the one value the pretty layout shows. */
function memory(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = bytes;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return bytes === 0 ? "" : `${Number(v.toPrecision(4))}${units[i]}`;
}

const swarm = useSwarm(test);
let events: Collector<ActorTransition>;
const ids = new Map<string, string>();
function id(name: string): string {
  const v = ids.get(name);
  if (v === undefined) throw new Error(`no ID for ${name}`);
  return v;
}

const err = (text: string) => `Error response from daemon: ${text}\n`;
const ls = async () => (await swarm.cli("m1", "node", "ls")).stdout;
const inspect = async (ref: string) => (await swarm.json<InspectedNode[]>("m1", "node", "inspect", ref))[0]!;

test.before(async () => {
  events = await swarm.events("e2e-node-commands");
  const { token, addr } = await swarm.initManager("m1", await freePort());
  for (const w of ["w1", "w2"]) await swarm.joinWorker(w, token, addr);
  await waitFor(
    async () => {
      const out = await ls();
      return /\bw1\s+Ready\s+Active/.test(out) && /\bw2\s+Ready\s+Active/.test(out);
    },
    {
      timeoutMs: 10_000,
      what: "w1 and w2 Ready in node ls",
      intervalMs: 200,
    },
  );
  for (const n of ["m1", "w1", "w2"]) ids.set(n, (await inspect(n)).ID);
});

test("node ls --format: docker's row fields, in hostname order; a table format has a header row", async () => {
  const [m1, w1, w2] = [id("m1"), id("w1"), id("w2")];
  const plain = await swarm.cli(
    "m1",
    "node",
    "ls",
    "--format",
    "{{.Hostname}}: {{.Status}} {{.Availability}} {{.Self}}",
  );
  assert.is(plain.stdout, "m1: Ready Active true\nw1: Ready Active false\nw2: Ready Active false\n");
  const table = await swarm.cli("m1", "node", "ls", "--format", "table {{.ID}}\\t{{.Hostname}}\\t{{.ManagerStatus}}");
  const col = (s: string) => s.padEnd(m1.length + 3);
  assert.is(
    table.stdout,
    [
      `${col("ID")}${"HOSTNAME".padEnd(11)}MANAGER STATUS`,
      `${col(m1)}${"m1".padEnd(11)}Leader`,
      `${col(w1)}w1`,
      `${col(w2)}w2`,
      "",
    ].join("\n"),
  );
  const rows = (await swarm.cli("m1", "node", "ls", "--format", "{{json .}}")).stdout.trim().split("\n");
  const first = JSON.parse(rows[0]!) as Record<string, unknown>;
  assert.equal(Object.keys(first), [
    "Availability",
    "EngineVersion",
    "Hostname",
    "ID",
    "ManagerStatus",
    "Self",
    "Status",
    "TLSStatus",
  ]);
  assert.equal([first.ID, first.Hostname, first.ManagerStatus, first.Self], [m1, "m1", "Leader", true]);
  const bad = await swarm.cli("m1", "node", "ls", "--format", "{{.Hostname");
  assert.is(bad.code, 1);
  assert.is(bad.stdout, "");
  assert.is(bad.stderr, "template parsing error: template: :1: unclosed action\n");
});

test("node inspect --format runs per node; --pretty is docker's human layout", async () => {
  const [m1, w1] = [id("m1"), id("w1")];
  const r = await swarm.cli(
    "m1",
    "node",
    "inspect",
    "--format",
    "{{.ID}} {{.Status.State}} {{.Spec.Role}}",
    "self",
    "w1",
  );
  assert.is(r.stdout, `${m1} ready manager\n${w1} ready worker\n`);
  const json = await swarm.cli("m1", "node", "inspect", "-f", "{{json .}}", "w1");
  assert.equal(JSON.parse(json.stdout), await inspect("w1"));
  // Found nodes print, the missing one is reported after, framed as docker frames it.
  const partly = await swarm.cli("m1", "node", "inspect", "-f", "{{.Description.Hostname}}", "w1", "nosuch");
  assert.is(partly.code, 1);
  assert.is(partly.stdout, "w1\n");
  assert.is(partly.stderr, "Status: Error: No such node: nosuch, Code: 1\n");
  const badTemplate = await swarm.cli("m1", "node", "inspect", "-f", "{{if .ID}}", "w1");
  assert.is(badTemplate.code, 1);
  assert.is(badTemplate.stderr, "Status: template parsing error: template: :1: unexpected EOF, Code: 64\n");

  const node = (await swarm.json<PrettySource[]>("m1", "node", "inspect", "m1"))[0]!;
  const pretty = await swarm.cli("m1", "node", "inspect", "--pretty", "m1");
  assert.is(pretty.stderr, "");
  const d = node.Description;
  // A creation time on a whole second has no fraction at all ("…:03Z"), about one run in a thousand.
  const joined = node.CreatedAt.replace("T", " ")
    .replace(/Z$/, "")
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
  assert.is(
    pretty.stdout,
    [
      `ID:\t\t\t${m1}`,
      "Hostname:              \tm1",
      `Joined at:             \t${joined} +0000 utc`,
      "Status:",
      " State:\t\t\tReady",
      " Availability:         \tActive",
      ` Address:\t\t${node.Status.Addr}`,
      "Manager Status:",
      ` Address:\t\t${node.ManagerStatus?.Addr}`,
      " Raft Status:\t\tReachable",
      " Leader:\t\tYes",
      "Platform:",
      ` Operating System:\t${d.Platform.OS}`,
      ` Architecture:\t\t${d.Platform.Architecture}`,
      "Resources:",
      ` CPUs:\t\t\t${Math.trunc(d.Resources.NanoCPUs / 1e9)}`,
      ` Memory:\t\t${memory(d.Resources.MemoryBytes)}`,
      `Engine Version:\t\t${d.Engine.EngineVersion}`,
      "TLS Info:",
      " TrustRoot:",
      d.TLSInfo.TrustRoot,
      ` Issuer Subject:\t${d.TLSInfo.CertIssuerSubject}`,
      ` Issuer Public Key:\t${d.TLSInfo.CertIssuerPublicKey}`,
      "",
    ].join("\n"),
  );
  const worker = await swarm.cli("m1", "node", "inspect", "--pretty", "w1");
  assert.not.match(worker.stdout, /Manager Status/);
  const mixed = await swarm.cli("m1", "node", "inspect", "--format", "pretty {{.ID}}", "w1");
  assert.is(mixed.stderr, "Cannot supply extra formatting options to the pretty template\n");
});

test("info --format {{json .Swarm}} is info's swarm section; fields read as docker's template does", async () => {
  const info = await swarm.json<Info>("m1", "info", "--format", "json");
  const swarmJson = await swarm.json<Info>("m1", "info", "--format", "{{json .Swarm}}");
  assert.is(swarmJson.NodeID, info.NodeID);
  assert.is(swarmJson.LocalNodeState, "active");
  const r = await swarm.cli(
    "m1",
    "info",
    "--format",
    "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.Swarm.NodeID}}",
  );
  assert.is(r.stdout, `active true ${ids.get("m1")}\n`);
});

test("node update --availability drain shows Drain in node ls, and back to active", async () => {
  const r = await swarm.cli("m1", "node", "update", "--availability", "drain", "w1");
  assert.is(r.stderr, "");
  assert.is(r.stdout, "w1\n", "prints the node as typed");
  assert.match(await ls(), /\bw1\s+Ready\s+Drain\s/);
  assert.is((await inspect("w1")).Spec.Availability, "drain");
  assert.is((await swarm.cli("m1", "node", "update", "--availability", "active", "w1")).stdout, "w1\n");
  assert.match(await ls(), /\bw1\s+Ready\s+Active\s/);
  const bad = await swarm.cli("m1", "node", "update", "--availability", "gone", "w1");
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /argument 'gone' is invalid/);
  const unknown = await swarm.cli("m1", "node", "update", "--availability", "drain", "nosuch");
  assert.is(unknown.stderr, "Error: No such node: nosuch\n");
});

test("node update --label-add/--label-rm: the labels show in node inspect; removing a missing key fails as docker's CLI", async () => {
  const add = await swarm.cli("m1", "node", "update", "--label-add", "zone=eu=west", "--label-add", "ssd", "w2");
  assert.is(add.stderr, "");
  assert.is(add.stdout, "w2\n");
  assert.equal(
    (await inspect("w2")).Spec.Labels,
    { zone: "eu=west", ssd: "" },
    "split at the first =; a bare key is empty",
  );
  const rm = await swarm.cli("m1", "node", "update", "--label-rm", "ssd", "--label-add", "zone=us", "w2");
  assert.is(rm.stdout, "w2\n");
  assert.equal((await inspect("w2")).Spec.Labels, { zone: "us" });
  const missing = await swarm.cli("m1", "node", "update", "--label-rm", "gpu", "--label-add", "rack=7", "w2");
  assert.is(missing.code, 1);
  assert.is(missing.stdout, "");
  assert.is(missing.stderr, "key gpu doesn't exist in node's labels\n", "the CLI's own error, no daemon framing");
  assert.equal((await inspect("w2")).Spec.Labels, { zone: "us" }, "nothing was updated");
  assert.is((await swarm.cli("m1", "node", "update", "--label-rm", "zone", "w2")).stdout, "w2\n");
  assert.equal((await inspect("w2")).Spec.Labels, {});
});

test("demoting the only manager is refused; no-op promote and demote say so", async () => {
  const r = await swarm.cli("m1", "node", "demote", "m1");
  assert.is(r.code, 1);
  assert.is(r.stdout, "");
  assert.is(
    r.stderr,
    err("rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm"),
  );
  assert.is((await inspect("m1")).Spec.Role, "manager");
  // docker names the node by its ID here (and by the ref as typed when the role changes).
  assert.is((await swarm.cli("m1", "node", "promote", "m1")).stdout, `Node ${ids.get("m1")} is already a manager.\n`);
  assert.is((await swarm.cli("m1", "node", "demote", "w1")).stdout, `Node ${ids.get("w1")} is already a worker.\n`);
});

test("node rm of a Ready worker is refused; once it is Down it is removed, and it is refused from then on", async () => {
  const w1 = ids.get("w1")!;
  const refused = await swarm.cli("m1", "node", "rm", "w1");
  assert.is(refused.code, 1);
  assert.is(refused.stdout, "");
  assert.is(
    refused.stderr,
    err(`rpc error: code = FailedPrecondition desc = node ${w1} is not down and can't be removed`),
  );

  const d = swarm.daemons.get("w1")!;
  d.kill("SIGKILL");
  await d.exited;
  await waitFor(async () => /\bw1\s+Down\s/.test(await ls()), { timeoutMs: 10_000, what: "w1 Down", intervalMs: 200 });
  const removed = await swarm.cli("m1", "node", "rm", "w1");
  assert.is(removed.stderr, "");
  assert.is(removed.stdout, "w1\n");
  assert.not.match(await ls(), /\bw1\b/);
  const gone = await swarm.cli("m1", "node", "inspect", w1);
  assert.is(gone.stdout, "[]\n");
  assert.is(gone.stderr, `Status: Error: No such node: ${w1}, Code: 1\n`);
  const again = await swarm.cli("m1", "node", "rm", w1);
  assert.is(again.stderr, `Error: No such node: ${w1}\n`);

  // The removed node's daemon, restarted from its state dir, is refused by the manager at every session:
  // its session actor enters `rejected` only on PermissionDenied "… was removed from swarm".
  const before = events.items.length;
  await swarm.daemon("w1");
  await waitFor(
    () => events.items.slice(before).find((e) => e.node === "w1" && e.actor === "session" && e.state === "rejected"),
    { timeoutMs: 10_000, what: "w1's session to be rejected" },
  );
  const info = await swarm.json<Info>("w1", "info", "--format", "json");
  // Swarm's agent keeps retrying; the node never becomes ready again, so moby shows it pending.
  assert.is(info.LocalNodeState, "pending");
  assert.is(info.NodeID, w1);
  assert.is(info.ControlAvailable, false);
});

test("node promote of a worker: Swarm's text; it joins the managers' Raft group as a Reachable manager", async () => {
  const r = await swarm.cli("m1", "node", "promote", "w2");
  assert.is(r.stderr, "");
  assert.is(r.stdout, "Node w2 promoted to a manager in the swarm.\n");
  assert.is((await inspect("w2")).Spec.Role, "manager");
  // w2 sees its new role in its session, starts its manager in join mode and joins Raft as a follower.
  await waitFor(async () => /^\S+\s+w2\s+Ready\s+Active\s+Reachable\b/m.test(await ls()), {
    timeoutMs: 20_000,
    what: "w2 to show as a Reachable manager in node ls",
    intervalMs: 200,
  });
  const info = await swarm.json<Info>("w2", "info", "--format", "json");
  assert.is(info.ControlAvailable, true);
  assert.is(info.Error, "");
});

test.run();
