import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ServiceSpec__Output } from "../../../src/gen/docker/swarmkit/v1/ServiceSpec.ts";
import { serviceControl } from "../../../src/manager/controlapi/services.ts";
import { parseConstraints } from "../../../src/manager/scheduler/index.ts";
import { createMemoryStore } from "../../../src/manager/store.ts";
import { serviceSpecToGrpc } from "../../../src/node/service-convert.ts";
import { codeName } from "../../../src/rpc/status.ts";
import { rpcRejection } from "../../support/caught.ts";

type Api = Parameters<typeof serviceSpecToGrpc>[0];
const spec = (over: Partial<Api> = {}, container: Partial<Api["TaskTemplate"]["ContainerSpec"]> = {}) =>
  serviceSpecToGrpc({
    Name: "web",
    TaskTemplate: { ContainerSpec: { Image: "sleep", Args: ["60"], ...container } },
    Mode: { Replicated: { Replicas: 3 } },
    ...over,
  });

function setup() {
  const store = createMemoryStore();
  return { store, control: serviceControl(store, parseConstraints) };
}

test("a created service is in the store with its spec, and found by ID, name and ID prefix", async () => {
  const { control } = setup();
  const created = await control.createService(spec());
  assert.equal(created.spec?.replicated?.replicas, "3");
  assert.equal(created.spec?.task?.container?.args, ["60"]);
  assert.is(control.getService(created.id).id, created.id);
  assert.is(control.getService("web").id, created.id);
  assert.is(control.getService(created.id.slice(0, 5)).id, created.id);
  assert.equal(
    control.listServices().map((s) => s.spec?.annotations?.name),
    ["web"],
  );
});

const invalid: [string, ServiceSpec__Output, string][] = [
  ["an empty program", spec({}, { Image: "" }), "ContainerSpec: image reference must be provided"],
  ["negative replicas", spec({ Mode: { Replicated: { Replicas: -1 } } }), "Number of replicas must be non-negative"],
  ["a name that is not a DNS label", spec({ Name: "web server" }), "name must be valid as a DNS name component"],
  ["a name over 63 characters", spec({ Name: "a".repeat(64) }), "name must be 63 characters or fewer"],
  ["no name", spec({ Name: "" }), "meta: name must be provided"],
  [
    "a negative restart delay",
    spec({ TaskTemplate: { ContainerSpec: { Image: "sleep" }, RestartPolicy: { Delay: -1 } } }),
    "TaskSpec: restart-delay cannot be negative",
  ],
  [
    "a memory limit under 4 MiB",
    spec({ TaskTemplate: { ContainerSpec: { Image: "sleep" }, Resources: { Limits: { MemoryBytes: 1024 } } } }),
    "invalid memory value 1024: Must be at least 4MiB",
  ],
  [
    "a constraint without an operator",
    spec({ TaskTemplate: { ContainerSpec: { Image: "sleep" }, Placement: { Constraints: ["node.role=manager"] } } }),
    "constraint expected one operator from ==, !=",
  ],
];

for (const [what, bad, message] of invalid) {
  test(`${what} is refused with SwarmKit's InvalidArgument and nothing is stored`, async () => {
    const { store, control } = setup();
    const e = await rpcRejection(() => control.createService(bad));
    assert.is(codeName(e.code), "InvalidArgument");
    assert.is(e.message, message);
    assert.equal(
      store.view((tx) => tx.services()),
      [],
    );
  });
}

test("a second service of the same name is AlreadyExists in SwarmKit's words", async () => {
  const { store, control } = setup();
  await control.createService(spec());
  const e = await rpcRejection(() => control.createService(spec({ Name: "WEB" })));
  assert.is(codeName(e.code), "AlreadyExists");
  assert.is(e.message, "name conflicts with an existing object: service WEB already exists");
  assert.is(store.view((tx) => tx.services()).length, 1);
});

test("an update replaces the spec at the version it was read, keeps the previous one, and refuses stale writes", async () => {
  const { control } = setup();
  const created = await control.createService(spec());
  const version = created.meta?.version?.index ?? "";
  const updated = await control.updateService({
    serviceId: created.id,
    version,
    spec: spec({ Mode: { Replicated: { Replicas: 6 } } }),
  });
  assert.is(updated.spec?.replicated?.replicas, "6");
  assert.is(updated.previous_spec?.replicated?.replicas, "3");
  assert.is(updated.spec_version?.index, version);
  const stale = await rpcRejection(() => control.updateService({ serviceId: created.id, version, spec: spec() }));
  assert.is(stale.message, "update out of sequence");
  const v2 = updated.meta?.version?.index ?? "";
  const rename = await rpcRejection(() =>
    control.updateService({ serviceId: created.id, version: v2, spec: spec({ Name: "api" }) }),
  );
  assert.is(codeName(rename.code), "Unimplemented");
  assert.is(rename.message, "renaming services is not supported");
  const mode = await rpcRejection(() =>
    control.updateService({ serviceId: created.id, version: v2, spec: spec({ Mode: { Global: {} } }) }),
  );
  assert.is(mode.message, "service mode change is not allowed");
});

test("removing a service deletes it; removing or finding an unknown one is NotFound", async () => {
  const { control } = setup();
  const created = await control.createService(spec());
  await control.removeService(created.id);
  assert.equal(control.listServices(), []);
  const gone = await rpcRejection(() => control.removeService(created.id));
  assert.is(codeName(gone.code), "NotFound");
  assert.is(gone.message, `service ${created.id} not found`);
  const unknown = await rpcRejection(() => control.getService("nope"));
  assert.is(unknown.message, "service nope not found");
});

test.run();
