import { test } from "uvu";
import * as assert from "uvu/assert";
import { formatServiceLs } from "../../src/cli/format/service-ls.ts";
import { service } from "./service-fixtures.ts";

const web = service({
  name: "web",
  replicas: 3,
  ServiceStatus: { RunningTasks: 2, DesiredTasks: 3, CompletedTasks: 0 },
});
const db = service({
  name: "db10",
  replicas: 2,
  ServiceStatus: { RunningTasks: 2, DesiredTasks: 2, CompletedTasks: 0 },
});
db.Spec.TaskTemplate.Placement = { MaxReplicas: 1 };
const agent = service({
  name: "db2",
  global: true,
  ServiceStatus: { RunningTasks: 4, DesiredTasks: 5, CompletedTasks: 0 },
});
agent.Spec.TaskTemplate.ContainerSpec.Image = "nginx:1.27@sha256:0123abcd";

test("service ls: docker's columns, sorted by name naturally, IDs cut to 12, replicas running/desired", () => {
  assert.is(
    formatServiceLs([web, db, agent]),
    [
      "ID             NAME      MODE         REPLICAS               IMAGE        PORTS",
      "db2id0123456   db2       global       4/5                    nginx:1.27",
      "db10id012345   db10      replicated   2/2 (max 1 per node)   sleep",
      "webid0123456   web       replicated   2/3                    sleep",
    ].join("\n"),
  );
});

test("service ls -q: the IDs, as docker's {{.ID}} cuts them", () => {
  assert.is(formatServiceLs([web, db]), formatServiceLs([db, web]));
  assert.is(formatServiceLs([web, db], true), "db10id012345\nwebid0123456");
});

test("service ls with no service: the header alone", () => {
  assert.is(formatServiceLs([]), "ID        NAME      MODE      REPLICAS   IMAGE     PORTS");
});

test.run();
