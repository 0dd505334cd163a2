import { rpcError } from "../rpc/status.ts";

/**
 * The NATS subject scheme, in one place. Every subject starts with a prefix
 * (default `swarmbus`, or `SWARMBUS_PREFIX`) so several clusters can share one
 * nats-server:
 *
 *   <p>.daemon.<name>.<verb>                    CLI → one daemon (request/reply; a verb may be dotted: node.ls)
 *   <p>.events.<node>.<actor>                   every transition of one actor (publish)
 *   <p>.actor.<node>.<actor>                    an event sent to one actor (request/reply)
 *   <p>.cluster.<clusterId>.control.<method>.<caller>[.<leaderRaftId>]
 *                                               the control API (request/reply, managers' queue group; the
 *                                               caller's node ID, a forward also the leader's Raft ID)
 *   <p>.cluster.<clusterId>.raft.<to>.<from>    Raft messages to member <to> (its Raft ID) from the node
 *                                               <from> (the sender's node ID, the identity its NATS credential
 *                                               names); a member subscribes to raft.<own Raft ID>.* (publish)
 *   <p>.daemons.discover                        every daemon answers with its name (request, many replies)
 */
export const DEFAULT_PREFIX = "swarmbus";

const BAD_TOKEN = /[.*>\s]/;

/** Whether `s` can stand as one subject token: non-empty, no `.`, `*`, `>` or whitespace. */
export function isToken(s: string): boolean {
  return s.length > 0 && !BAD_TOKEN.test(s);
}

/** Throws InvalidArgument unless `value` is a valid subject token; `what` names it in the message. */
export function assertToken(value: string, what: string): string {
  if (typeof value !== "string" || !isToken(value)) {
    throw rpcError(
      "InvalidArgument",
      `invalid ${what} ${JSON.stringify(value)}: must be non-empty and contain no ".", "*", ">" or whitespace`,
    );
  }
  return value;
}

/** A dotted name (a prefix, a verb such as `node.ls`): one or more valid tokens joined by dots. */
export function assertDotted(value: string, what: string): string {
  if (typeof value !== "string" || value.length === 0 || !value.split(".").every(isToken)) {
    throw rpcError(
      "InvalidArgument",
      `invalid ${what} ${JSON.stringify(value)}: must be dot-separated non-empty tokens without "*", ">" or whitespace`,
    );
  }
  return value;
}

/** The prefix in effect now: `SWARMBUS_PREFIX` or `swarmbus`. */
export function busPrefix(): string {
  const p = process.env.SWARMBUS_PREFIX;
  return p === undefined || p === "" ? DEFAULT_PREFIX : assertDotted(p, "SWARMBUS_PREFIX");
}

export interface EventFilter {
  node?: string;
  actor?: string;
}

/** The subject scheme under one prefix. */
export function subjectsFor(prefix: string) {
  assertDotted(prefix, "subject prefix");
  return {
    prefix,
    /** `<p>.daemon.<name>.<verb>` — the verb may be dotted (`node.ls`). */
    daemon: (name: string, verb: string) =>
      `${prefix}.daemon.${assertToken(name, "daemon name")}.${assertDotted(verb, "daemon command")}`,
    /** `<p>.daemon.<name>.>` — every verb of one daemon. */
    daemonAll: (name: string) => `${prefix}.daemon.${assertToken(name, "daemon name")}.>`,
    /** The verb of a subject under `daemonAll(name)`, or undefined if it is not one. */
    daemonVerb: (name: string, subject: string): string | undefined => {
      const head = `${prefix}.daemon.${name}.`;
      return subject.startsWith(head) && subject.length > head.length ? subject.slice(head.length) : undefined;
    },
    /** `<p>.daemons.discover` — every daemon replies `{ name }`: how a watcher finds the daemons. */
    daemonsDiscover: () => `${prefix}.daemons.discover`,
    /** `<p>.events.<node>.<actor>` */
    events: (node: string, actor: string) =>
      `${prefix}.events.${assertToken(node, "node name")}.${assertToken(actor, "actor name")}`,
    /** `<p>.events.<node|*>.<actor|*>` — all actors, one node's, or one actor on every node. */
    eventsWildcard: (filter: EventFilter = {}) =>
      `${prefix}.events.${filter.node === undefined ? "*" : assertToken(filter.node, "node name")}.${
        filter.actor === undefined ? "*" : assertToken(filter.actor, "actor name")
      }`,
    /** `<p>.actor.<node>.<actor>` */
    actor: (node: string, actor: string) =>
      `${prefix}.actor.${assertToken(node, "node name")}.${assertToken(actor, "actor name")}`,
    /** `<p>.cluster.<clusterId>.control.<method>`, the head of a call's subject (the caller follows: control-bus/subjects.ts). */
    control: (clusterId: string, method: string) =>
      `${prefix}.cluster.${assertToken(clusterId, "cluster ID")}.control.${assertToken(method, "control method")}`,
    /** `<p>.cluster.<clusterId>.control.*` — every control method's head. */
    controlAll: (clusterId: string) => `${prefix}.cluster.${assertToken(clusterId, "cluster ID")}.control.*`,
    /**
     * `<p>.cluster.<clusterId>.raft.<toRaftId>.<fromNodeId>`: the sender names itself by node ID, so a
     * NATS permission (publish `raft.*.<own node ID>`) can hold it to that name.
     */
    raft: (clusterId: string, toRaftId: string | number | bigint, fromNodeId: string) =>
      `${prefix}.cluster.${assertToken(clusterId, "cluster ID")}.raft.${assertToken(String(toRaftId), "raft ID")}.${assertToken(fromNodeId, "node ID")}`,
    /** `<p>.cluster.<clusterId>.raft.<raftId>.*` — every message to one member, from any sender. */
    raftInbox: (clusterId: string, raftId: string | number | bigint) =>
      `${prefix}.cluster.${assertToken(clusterId, "cluster ID")}.raft.${assertToken(String(raftId), "raft ID")}.*`,
  };
}

export type Subjects = ReturnType<typeof subjectsFor>;

/** The scheme under the prefix in effect now (`SWARMBUS_PREFIX` is read on every call). */
export const subjects = (): Subjects => subjectsFor(busPrefix());

export const daemon = (name: string, verb: string) => subjects().daemon(name, verb);
export const daemonAll = (name: string) => subjects().daemonAll(name);
export const events = (node: string, actor: string) => subjects().events(node, actor);
export const eventsWildcard = (filter: EventFilter = {}) => subjects().eventsWildcard(filter);
export const actor = (node: string, actorName: string) => subjects().actor(node, actorName);
export const control = (clusterId: string, method: string) => subjects().control(clusterId, method);
export const controlAll = (clusterId: string) => subjects().controlAll(clusterId);
export const raft = (clusterId: string, toRaftId: string | number | bigint, fromNodeId: string) =>
  subjects().raft(clusterId, toRaftId, fromNodeId);
