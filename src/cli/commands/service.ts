import { Command } from "@commander-js/extra-typings";
import { isRpcError } from "../../rpc/status.ts";
import { globals, withDaemon } from "../context.ts";
import { StatusError } from "../errors/status-error.ts";
import { flagValue, flagValues } from "../flag-values.ts";
import { serviceSpecFromFlags } from "../service-spec.ts";
import { withCreateFlags, withServiceFlags } from "./service-create.ts";
import { daemonText } from "./service-errors.ts";
import { runServiceInspect } from "./service-inspect.ts";
import { runServiceLogs } from "./service-logs.ts";
import { parseFilter, runServiceLs, runServicePs } from "./service-list.ts";
import { runServiceScale } from "./service-scale.ts";
import { runServiceUpdate, withUpdateFlags } from "./service-update.ts";
import { waitOnService } from "./service-wait.ts";

export function serviceCommand() {
  // Positional options: `service create IMAGE ARG…` hands every word after IMAGE to the command, as docker's
  // SetInterspersed(false) does.
  const service = new Command("service").description("Manage Swarm services").enablePositionalOptions();

  withCreateFlags(
    withServiceFlags(
      service
        .command("create")
        .description("Create a new service")
        .argument("<image>", "the program to run (an image reference in docker)")
        .argument("[command...]", "the command and its arguments")
        .passThroughOptions(),
      "swarmbus service create",
    ),
    "swarmbus service create",
  ).action(async (image, args, opts, cmd) => {
    const spec = serviceSpecFromFlags({
      image,
      args,
      name: opts.name,
      mode: opts.mode,
      replicas: opts.replicas,
      maxReplicas: opts.replicasMaxPerNode,
      constraint: opts.constraint,
      placementPref: opts.placementPref,
      env: opts.env,
      workdir: opts.workdir,
      user: opts.user,
      hostname: opts.hostname,
      label: opts.label,
      containerLabel: opts.containerLabel,
      limitCpu: opts.limitCpu,
      limitMemory: opts.limitMemory,
      reserveCpu: opts.reserveCpu,
      reserveMemory: opts.reserveMemory,
      restartCondition: opts.restartCondition,
      restartDelay: opts.restartDelay,
      restartMaxAttempts: opts.restartMaxAttempts,
      restartWindow: opts.restartWindow,
      stopSignal: opts.stopSignal,
      stopGracePeriod: opts.stopGracePeriod,
      entrypoint: opts.entrypoint,
      updateMonitor: opts.updateMonitor,
    });
    await withDaemon(globals(cmd), async (call) => {
      const { id } = await call("service.create", { spec });
      process.stdout.write(`${id}\n`);
      if (!opts.detach) await waitOnService(call, id, { quiet: opts.quiet ?? false });
    });
  });

  service
    .command("ls")
    .alias("list")
    .description("List services")
    .option("-q, --quiet", "Only display IDs")
    .option("--format <string>", "Format output using a custom template")
    .action(async (opts, cmd) => {
      await runServiceLs(globals(cmd), opts);
    });

  service
    .command("ps")
    .description("List the tasks of one or more services")
    .argument("<service...>")
    .option("-q, --quiet", "Only display task IDs")
    .option("--no-trunc", "Do not truncate output")
    .option("--no-resolve", "Do not map IDs to Names")
    .option(
      "-f, --filter <filter>",
      "Filter output based on conditions provided",
      flagValues("-f, --filter", "swarmbus service ps", parseFilter),
      [] as string[],
    )
    .action(async (refs, opts, cmd) => {
      await runServicePs(globals(cmd), refs, {
        quiet: opts.quiet,
        noTrunc: opts.trunc === false,
        noResolve: opts.resolve === false,
        filter: opts.filter,
      });
    });

  service
    .command("inspect")
    .description("Display detailed information on one or more services")
    .argument("<service...>")
    .option("-f, --format <string>", "Format output using a custom template")
    .option("--pretty", "Print the information in a human friendly format")
    .action(async (refs, opts, cmd) => {
      await runServiceInspect(globals(cmd), refs, opts);
    });

  service
    .command("scale")
    .description("Scale one or multiple replicated services")
    .argument("<service=replicas...>")
    .option("-d, --detach", "Exit immediately instead of waiting for the service to converge")
    .action(async (args, opts, cmd) => {
      await runServiceScale(globals(cmd), args, opts.detach ?? false);
    });

  service
    .command("rm")
    .alias("remove")
    .description("Remove one or more services")
    .argument("<service...>")
    .action(async (refs, _opts, cmd) => {
      // docker: every service is tried; each removed one is echoed as typed, the errors reported together.
      const errors = await withDaemon(globals(cmd), async (call) => {
        const errs: string[] = [];
        for (const ref of refs) {
          try {
            await call("service.rm", { ref });
            process.stdout.write(`${ref}\n`);
          } catch (e) {
            if (!isRpcError(e) && !(e instanceof StatusError)) throw e;
            errs.push(daemonText(e));
          }
        }
        return errs;
      });
      if (errors.length > 0) throw new StatusError(errors.join("\n"));
    });

  service
    .command("logs")
    .description("Fetch the logs of a service or task")
    .argument("<service|task>")
    .option("-f, --follow", "Follow log output")
    .option(
      "-n, --tail <string>",
      'Number of lines to show from the end of the logs (default "all")',
      flagValue("-n, --tail", "swarmbus service logs", (v: string) => {
        if (v === "all") return -1;
        if (!/^[0-9]+$/.test(v)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
        return Number(v);
      }),
    )
    .option("--no-trunc", "Do not truncate output")
    .option("--no-task-ids", "Do not include task IDs in output")
    .option("--raw", "Do not neatly format logs")
    .action(async (ref, opts, cmd) => {
      await runServiceLogs(globals(cmd), ref, {
        follow: opts.follow ?? false,
        ...(opts.tail !== undefined && opts.tail >= 0 ? { tail: opts.tail } : {}),
        noTrunc: opts.trunc === false,
        noTaskIds: opts.taskIds === false,
        raw: opts.raw ?? false,
      });
    });

  withUpdateFlags(
    service
      .command("update")
      .description("Update a service")
      .argument("<service>")
      .option("--image <string>", "Service image tag")
      .option("--force", "Force update even if no changes require it"),
    "swarmbus service update",
  ).action(async (ref, opts, cmd) => {
    await runServiceUpdate(globals(cmd), ref, opts);
  });

  return service;
}
