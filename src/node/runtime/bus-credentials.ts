import { decode } from "@nats-io/jwt";
import { createNodeNkey, formatCreds, type NodeNkey, nkeyOfCreds } from "../../bus/auth/node-nkey.ts";
import type { NodeIdentity } from "../../ca/credentials.ts";
import { nodeCredsPath, readNodeCreds, removeNodeCreds, writeNodeCreds } from "../state-dir.ts";

/**
 * The node's own bus credentials (issue 11): an nkey it makes and keeps, whose
 * public half goes with every CSR; a manager's certificate comes back with a
 * user JWT for it, kept with the seed in certificates/swarm-node.creds (0600).
 * The key stays the same across renewals while the file exists; a worker holds
 * no manager credentials, so its certificate removes the file.
 */
export class BusCredentials {
  /** The key of this swarm membership's requests, once read or made. */
  private nkey: NodeNkey | null = null;

  constructor(private readonly swarmDir: string) {}

  get path(): string {
    return nodeCredsPath(this.swarmDir);
  }

  /** The key to send with a CSR: the one in swarm-node.creds, else the one made for an earlier request, else a new one. */
  async key(): Promise<NodeNkey> {
    if (this.nkey) return this.nkey;
    const text = await readNodeCreds(this.swarmDir);
    const kept = text === null ? null : await nkeyOfCreds(text);
    this.nkey ??= kept ?? createNodeNkey();
    return this.nkey;
  }

  /**
   * After a certificate is saved: a manager's JWT for this node's key is kept
   * with the seed; any other outcome (a worker, no JWT, a JWT for another key)
   * leaves the node without manager credentials. Returns whether it holds them.
   */
  async save(identity: NodeIdentity, jwt: string | undefined): Promise<boolean> {
    const nkey = this.nkey;
    if (identity.role === "swarm-manager" && jwt && nkey && subjectOf(jwt) === nkey.publicKey) {
      await writeNodeCreds(this.swarmDir, formatCreds(jwt, nkey.seed));
      return true;
    }
    await removeNodeCreds(this.swarmDir);
    return false;
  }

  /** Whether swarm-node.creds is there (a manager's connection uses it). */
  async held(): Promise<boolean> {
    return (await readNodeCreds(this.swarmDir)) !== null;
  }

  /** The swarm dir was cleared (a leave, a failed first start): the next swarm gets a new key. */
  forget(): void {
    this.nkey = null;
  }
}

function subjectOf(jwt: string): string | undefined {
  try {
    return decode(jwt).sub;
  } catch {
    return undefined;
  }
}
