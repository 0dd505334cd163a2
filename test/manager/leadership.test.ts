import { test } from "uvu";
import * as assert from "uvu/assert";
import { silentLog } from "../../src/log.ts";
import { Leadership, type LeadershipSource } from "../../src/manager/leadership.ts";
import { waitFor } from "../support/wait-for.ts";

/** A Raft member whose leadership the test sets; setting it settles the waits, as a ready batch does. */
class Member implements LeadershipSource {
  readonly raftId = "1";
  private leading = false;
  private waits: (() => void)[] = [];
  get leads(): boolean {
    return this.leading;
  }
  set leads(v: boolean) {
    this.leading = v;
    if (v) for (const settle of this.waits.splice(0)) settle();
  }
  isLeader = () => this.leading;
  leaderId = () => (this.leading ? this.raftId : "2");
  untilLeader = () => (this.leading ? Promise.resolve() : new Promise<void>((settle) => this.waits.push(settle)));
}

/** Leadership over two recording components, with a `beforeStart` the test settles by hand. */
function setup() {
  const calls: string[] = [];
  const writes: (() => void)[] = [];
  const component = (name: string) => ({
    start: () => calls.push(`start ${name}`),
    stop: () => calls.push(`stop ${name}`),
  });
  const leadership = new Leadership({
    components: [component("dispatcher"), component("ca")],
    beforeStart: () => new Promise<void>((resolve) => writes.push(resolve)),
    log: silentLog,
  });
  const member = new Member();
  /** The oldest `beforeStart` under way, once there is one: call it to let it finish. */
  const writeUnderWay = () => waitFor(() => writes.shift(), { timeoutMs: 2000, what: "a start to wait on its write" });
  const finishWrite = async () => (await writeUnderWay())();
  return { calls, leadership, member, writeUnderWay, finishWrite };
}

test("leader → follower → leader in quick succession: start, stop, start, never overlapping", async () => {
  const { calls, leadership, member, finishWrite } = setup();
  member.leads = true;
  leadership.attach(member);
  member.leads = false;
  leadership.roleChanged(false);
  member.leads = true;
  leadership.roleChanged(true);
  await finishWrite();
  await finishWrite();
  await waitFor(() => leadership.ready, { timeoutMs: 2000, what: "the components to run" });
  assert.equal(calls, ["start dispatcher", "start ca", "stop ca", "stop dispatcher", "start dispatcher", "start ca"]);
  await leadership.stop();
});

test("leadership lost while becoming leader: nothing starts", async () => {
  const { calls, leadership, member, writeUnderWay } = setup();
  member.leads = true;
  leadership.attach(member);
  const write = await writeUnderWay();
  member.leads = false;
  leadership.roleChanged(false);
  write();
  await leadership.stop();
  assert.not.ok(leadership.ready);
  assert.not.ok(calls.includes("start dispatcher"), calls.join(", "));
});

test("announced leader before its term's first entry is applied: the components start once it is", async () => {
  const { calls, leadership, member, finishWrite } = setup();
  leadership.attach(member);
  leadership.roleChanged(true);
  assert.equal(calls, []);
  member.leads = true;
  await finishWrite();
  await waitFor(() => leadership.ready, { timeoutMs: 2000, what: "the components to run" });
  assert.equal(calls, ["start dispatcher", "start ca"]);
  await leadership.stop();
  assert.equal(calls.slice(2), ["stop ca", "stop dispatcher", "stop ca", "stop dispatcher"]);
});

test("stop during a start under way: the start does not run, the components are stopped", async () => {
  const { calls, leadership, member, writeUnderWay } = setup();
  member.leads = true;
  leadership.attach(member);
  const write = await writeUnderWay();
  const stopped = leadership.stop();
  write();
  await stopped;
  assert.not.ok(leadership.ready);
  assert.not.ok(calls.includes("start dispatcher"), calls.join(", "));
  leadership.roleChanged(true);
  assert.not.ok(calls.includes("start dispatcher"), "a role change after stop starts nothing");
});

test.run();
