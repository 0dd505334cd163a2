import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** What the real openssl says about a node's certificates/ folder, as a user would ask it. */
export interface OpensslReport {
  /** `openssl x509 -in swarm-node.crt -noout -subject -issuer`. */
  readonly subjectIssuer: string;
  /** `openssl verify -CAfile swarm-root-ca.crt swarm-node.crt`. */
  readonly verify: string;
  /** `openssl pkey -in swarm-node.key -noout`: exit code 0 when openssl reads the key. */
  readonly keyReadable: boolean;
}

async function openssl(args: string[], cwd: string): Promise<{ out: string; ok: boolean }> {
  try {
    const { stdout, stderr } = await run("openssl", args, { cwd });
    return { out: `${stdout}${stderr}`.trim(), ok: true };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { out: `${err.stdout ?? ""}${err.stderr ?? ""}`.trim(), ok: false };
  }
}

export async function opensslReport(certDir: string): Promise<OpensslReport> {
  const subjectIssuer = await openssl(["x509", "-in", "swarm-node.crt", "-noout", "-subject", "-issuer"], certDir);
  const verify = await openssl(["verify", "-CAfile", "swarm-root-ca.crt", "swarm-node.crt"], certDir);
  const key = await openssl(["pkey", "-in", "swarm-node.key", "-noout"], certDir);
  return { subjectIssuer: subjectIssuer.out, verify: verify.out, keyReadable: key.ok };
}

/** openssl's one-line names: "O = cluster, OU = swarm-worker, CN = node". */
export function expectedSubjectIssuer(nodeId: string, role: string, clusterId: string): string {
  return `subject=O = ${clusterId}, OU = ${role}, CN = ${nodeId}\nissuer=CN = swarm-ca`;
}

export const certificatesDir = (swarmDir: string) => join(swarmDir, "certificates");
