import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRootCA } from "../../src/ca/pki/signing-root-ca.ts";
import { profiles } from "../../src/config/profile.ts";
import { defaultClusterObject } from "../../src/manager/bootstrap.ts";
import { newNodeObject } from "../../src/manager/ca-server.ts";
import { createMemoryStore } from "../../src/manager/store.ts";
import { sessionWatchByNode, taskWatchByNode } from "../../src/manager/watch-by-node.ts";
import { service, task } from "./orchestrator/support/objects.ts";

test("a Session stream hears its own node's changes and the cluster object's, not other nodes'", async () => {
  const store = createMemoryStore();
  const sessions = sessionWatchByNode(store);
  const heard: string[] = [];
  const stopA = sessions.watch("a", (e) => heard.push(`a:${e.kind}`));
  sessions.watch("b", (e) => heard.push(`b:${e.kind}`));
  await store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "ACTIVE")));
  await store.update((tx) => tx.putNode(newNodeObject("c", "WORKER", "ACTIVE")));
  const root = await createRootCA();
  await store.update((tx) => tx.putCluster(defaultClusterObject("cl1", profiles.fast, root)));
  assert.equal(heard, ["a:node", "a:cluster", "b:cluster"]);
  stopA();
  await store.update((tx) => tx.putNode(newNodeObject("a", "WORKER", "DRAIN")));
  assert.equal(heard.length, 3, "a stream that ended hears nothing more");
});

test("an Assignments stream hears the tasks of its node only", async () => {
  const store = createMemoryStore();
  const tasks = taskWatchByNode(store);
  const heard: string[] = [];
  tasks.watch("n1", (e) => heard.push(`${e.action}:${e.task.id}`));
  const s = service("s1");
  await store.update((tx) => {
    tx.putTask(task("t1", s, { nodeId: "n1" }));
    tx.putTask(task("t2", s, { nodeId: "n2" }));
    tx.putNode(newNodeObject("n1", "WORKER", "ACTIVE"));
  });
  await store.update((tx) => tx.deleteTask("t1"));
  assert.equal(heard, ["create:t1", "delete:t1"]);
});

test.run();
