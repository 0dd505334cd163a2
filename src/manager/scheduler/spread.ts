import type { Node__Output } from "../../gen/docker/swarmkit/v1/Node.ts";
import type { NodeInfo } from "./node-info.ts";

/**
 * Spread placement preferences (SK scheduler/nodeset.go tree,
 * decision_tree.go): the nodes form a tree on the values of each descriptor
 * (`node.labels.<k>` or `engine.labels.<k>`; a node without the label has the
 * empty value), every level counting the service's active tasks below it;
 * the leaves hold the nodes that pass the filters, best first.
 */
export interface DecisionTree {
  tasks: number;
  readonly next: Map<string, DecisionTree> | undefined;
  readonly nodes: NodeInfo[];
}

const NODE_LABELS = "node.labels.";
const ENGINE_LABELS = "engine.labels.";

const hasPrefix = (d: string, prefix: string) => d.length > prefix.length && d.toLowerCase().startsWith(prefix);

/** A descriptor SwarmKit spreads over; any other is skipped. */
export const isSpreadDescriptor = (d: string): boolean => hasPrefix(d, NODE_LABELS) || hasPrefix(d, ENGINE_LABELS);

/** The node's value for a descriptor; undefined for a descriptor of no known kind (SwarmKit skips it). */
export function spreadValue(descriptor: string, n: Node__Output): string | undefined {
  if (hasPrefix(descriptor, NODE_LABELS)) {
    return n.spec?.annotations?.labels?.[descriptor.slice(NODE_LABELS.length)] ?? "";
  }
  if (hasPrefix(descriptor, ENGINE_LABELS)) {
    return n.description?.engine?.labels?.[descriptor.slice(ENGINE_LABELS.length)] ?? "";
  }
  return undefined;
}

const branch = (): DecisionTree => ({ tasks: 0, next: new Map(), nodes: [] });
const leaf = (): DecisionTree => ({ tasks: 0, next: undefined, nodes: [] });

export function buildTree(
  infos: readonly NodeInfo[],
  serviceId: string,
  descriptors: readonly string[],
  passes: (n: NodeInfo) => boolean,
  less: (a: NodeInfo, b: NodeInfo) => number,
): DecisionTree {
  const known = descriptors.filter(isSpreadDescriptor);
  const root = known.length > 0 ? branch() : leaf();
  for (const info of infos) {
    const tasks = info.activeByService.get(serviceId) ?? 0;
    let tree = root;
    known.forEach((d, level) => {
      tree.tasks += tasks;
      const value = spreadValue(d, info.node) ?? "";
      const next = tree.next as Map<string, DecisionTree>;
      let child = next.get(value);
      if (!child) {
        child = level === known.length - 1 ? leaf() : branch();
        next.set(value, child);
      }
      tree = child;
    });
    tree.tasks += tasks;
    if (passes(info)) tree.nodes.push(info);
  }
  const sortLeaves = (t: DecisionTree): void => {
    if (t.next) for (const c of t.next.values()) sortLeaves(c);
    else t.nodes.sort(less);
  };
  sortLeaves(root);
  return root;
}

/**
 * SK scheduleNTasksOnSubtree: the branches are filled evenly: each round
 * gives every branch with room what brings it to its share of (tasks already
 * there + tasks to place); a branch that takes fewer than offered has no room
 * and leaves the rest to the others. Branches in the order of their values.
 */
export function placeOnTree(
  n: number,
  tree: DecisionTree,
  placeOnNodes: (n: number, nodes: NodeInfo[]) => number,
): number {
  if (!tree.next) return tree.nodes.length === 0 ? 0 : placeOnNodes(n, tree.nodes);
  const branches = [...tree.next.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
  let placed = 0;
  let usable = tree.tasks;
  const noRoom = new Set<DecisionTree>();
  let converging = true;
  while (placed !== n && noRoom.size !== branches.length && converging) {
    const open = branches.length - noRoom.size;
    const share = Math.floor((usable + n - placed) / open);
    let remainder = (usable + n - placed) % open;
    converging = false;
    for (const sub of branches) {
      if (noRoom.has(sub)) continue;
      const there = sub.tasks;
      if (there < share || (there === share && remainder > 0)) {
        converging = true;
        let give = share - there;
        if (remainder > 0) give++;
        // `there` stays the count the tree was built with, as SwarmKit's: the share is of that plus what remains.
        const got = placeOnTree(give, sub, placeOnNodes);
        if (got < give) {
          noRoom.add(sub);
          usable -= there;
        } else if (remainder > 0) {
          remainder--;
        }
        placed += got;
      }
    }
  }
  return placed;
}
