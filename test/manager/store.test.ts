import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { createMemoryStore, type StoreEvent } from "../../src/manager/store.ts";
import { loadSnapshot, managerDir, saveSnapshot } from "../../src/manager/store-file.ts";

test("watchers see committed changes in commit order, including writes made by watchers", () => {
  const store = createMemoryStore();
  const seen: string[] = [];
  store.watch((e: StoreEvent) => {
    if (e.kind === "node") {
      seen.push(`${e.action}:${e.node.id}`);
      if (e.node.id === "a" && e.action === "create")
        store.update((tx) => tx.putNode(newNodeObject("c", "WORKER", "ACTIVE")));
    }
  });
  store.update((tx) => {
    tx.putNode(newNodeObject("a", "WORKER", "ACTIVE"));
    tx.putNode(newNodeObject("b", "WORKER", "ACTIVE"));
  });
  store.update((tx) => tx.deleteNode("b"));
  assert.equal(seen, ["create:a", "create:b", "create:c", "delete:b"]);
});

test("a transaction that throws commits nothing and notifies nobody", () => {
  const store = createMemoryStore();
  let events = 0;
  store.watch(() => events++);
  assert.throws(() =>
    store.update((tx) => {
      tx.putNode(newNodeObject("a", "WORKER", "ACTIVE"));
      throw new Error("boom");
    }),
  );
  assert.is(
    store.view((tx) => tx.nodes().length),
    0,
  );
  assert.is(events, 0);
});

test("every write gets a new version index; created_at stays, updated_at moves", () => {
  let t = 1_000_000;
  const store = createMemoryStore({
    now: () => {
      t += 1000;
      return new Date(t);
    },
  });
  const a1 = store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "ACTIVE")));
  const a2 = store.update((tx) => tx.putNode({ ...a1, role: "MANAGER" }));
  assert.ok(Number(a2.meta!.version!.index) > Number(a1.meta!.version!.index));
  assert.equal(a2.meta!.created_at, a1.meta!.created_at);
  assert.not.equal(a2.meta!.updated_at, a1.meta!.updated_at);
});

test("snapshots persist atomically under <swarmDir>/manager and load back with their bytes", () => {
  const dir = mkdtempSync(join(tmpdir(), "swarmbus-store-"));
  try {
    assert.is(loadSnapshot(dir), undefined);
    const store = createMemoryStore({ commit: (s) => saveSnapshot(dir, s) });
    store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "ACTIVE")));
    store.update((tx) => {
      const a = tx.node("a")!;
      tx.putNode({ ...a, certificate: { ...a.certificate!, certificate: Buffer.from([1, 2, 3]) } });
    });
    assert.equal(readdirSync(managerDir(dir)), ["store.json"]);
    const loaded = loadSnapshot(dir)!;
    const again = createMemoryStore({ initial: loaded });
    const a = again.view((tx) => tx.node("a"))!;
    assert.ok(Buffer.isBuffer(a.certificate?.certificate));
    assert.equal([...a.certificate!.certificate], [1, 2, 3]);
    assert.is(loaded.version, store.snapshot().version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a commit that cannot be made durable fails the transaction", () => {
  const store = createMemoryStore({
    commit: () => {
      throw new Error("disk full");
    },
  });
  assert.throws(() => store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "ACTIVE"))), /disk full/);
  assert.is(
    store.view((tx) => tx.node("a")),
    undefined,
  );
});

test.run();
