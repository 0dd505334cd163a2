import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { describeIssues } from "../../bus/envelope.ts";
import { isToken } from "../../bus/subjects.ts";
import { type CodeName, codeName, isRpcError, rpcError } from "../../rpc/status.ts";
import type { MachineLayout } from "./layout.ts";
import { type DashboardModel, TIMELINE_LIMIT } from "./model.ts";

/**
 * The dashboard over HTTP (node:http, loopback by default):
 *
 *   GET /                 the page
 *   GET /assets/<file>    its scripts and style, served from ./public (nothing from a CDN)
 *   GET /api/machines     every machine with its statechart layout
 *   GET /api/snapshot     daemons, nodes, latest transition of every actor, timeline, Raft term and leader
 *                         (?node=NAME one node's part, ?timeline=N the last N transitions)
 *   GET /api/events       Server-Sent Events: `snapshot` first, then `transition`, `nodes`, `daemons`
 *
 * Bad query → 400, unknown path → 404, any method but GET → 405; errors are
 * JSON `{ error: { code, message } }` with the gRPC code name.
 */
export interface DashboardServerOptions {
  host: string;
  port: number;
  model: DashboardModel;
  layouts: readonly MachineLayout[];
}

export interface DashboardServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};
/** Between two SSE comments, so idle proxies and browsers keep the stream open. */
const KEEPALIVE_MS = 15_000;

const HTTP_STATUS: Partial<Record<CodeName, number>> = {
  InvalidArgument: 400,
  NotFound: 404,
  Unimplemented: 405,
};

const NoQuery = z.strictObject({});
const SnapshotQuery = z.strictObject({
  node: z.string().refine(isToken, "must be a node name (no '.', '*', '>' or whitespace)").optional(),
  timeline: z
    .string()
    .regex(/^\d{1,6}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().max(TIMELINE_LIMIT))
    .optional(),
});

/** The query string as an object; a name given twice is an error rather than a silent pick. */
function queryOf(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (Object.hasOwn(out, k)) throw rpcError("InvalidArgument", `query parameter "${k}" is given more than once`);
    out[k] = v;
  }
  return out;
}

function parseQuery<S extends z.ZodType>(schema: S, url: URL): z.infer<S> {
  const parsed = schema.safeParse(queryOf(url));
  if (!parsed.success) throw rpcError("InvalidArgument", `invalid query: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** The page's files, read once: only these names are ever served. */
function loadAssets(): Map<string, { type: string; body: Buffer }> {
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(PUBLIC_DIR)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type) assets.set(name, { type, body: readFileSync(`${PUBLIC_DIR}${name}`) });
  }
  return assets;
}

export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const assets = loadAssets();
  const machinesJson = JSON.stringify({ machines: opts.layouts });
  const streams = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-cache", "x-content-type-options": "nosniff" });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, value: unknown) => send(res, 200, "application/json", JSON.stringify(value));

  const stream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-content-type-options": "nosniff",
    });
    const event = (name: string, data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write("retry: 1000\n\n");
    // Snapshot and subscription in one turn: no update falls between them.
    event("snapshot", opts.model.snapshot());
    const unsubscribe = opts.model.onUpdate((u) => event(u.type, u));
    const keepalive = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
    streams.add(res);
    const done = () => {
      clearInterval(keepalive);
      unsubscribe();
      streams.delete(res);
    };
    req.once("close", done);
    res.once("close", done);
  };

  /** What to send for one request, or an RpcError. */
  const route = (req: IncomingMessage, res: ServerResponse): (() => void) => {
    const url = new URL(req.url ?? "/", "http://dashboard.invalid");
    if (req.method !== "GET") {
      res.setHeader("allow", "GET");
      throw rpcError("Unimplemented", `method ${req.method} is not allowed on ${url.pathname}`);
    }
    const path = url.pathname;
    if (path === "/" || path === "/index.html") {
      parseQuery(NoQuery, url);
      const page = assets.get("index.html");
      if (!page) throw rpcError("NotFound", "the page is missing from this install");
      return () => send(res, 200, page.type, page.body);
    }
    if (path.startsWith("/assets/")) {
      const asset = assets.get(path.slice("/assets/".length));
      if (!asset) throw rpcError("NotFound", `no asset ${path}`);
      return () => send(res, 200, asset.type, asset.body);
    }
    switch (path) {
      case "/api/machines":
        parseQuery(NoQuery, url);
        return () => send(res, 200, "application/json", machinesJson);
      case "/api/snapshot": {
        const q = parseQuery(SnapshotQuery, url);
        const snapshot = opts.model.snapshot({
          ...(q.node !== undefined ? { node: q.node } : {}),
          ...(q.timeline !== undefined ? { timeline: q.timeline } : {}),
        });
        return () => sendJson(res, snapshot);
      }
      case "/api/events":
        parseQuery(NoQuery, url);
        return () => stream(req, res);
      default:
        throw rpcError("NotFound", `no such path ${path}`);
    }
  };

  const server = createServer((req, res) => {
    let respond: () => void;
    try {
      respond = route(req, res);
    } catch (e) {
      const err = isRpcError(e) ? e : rpcError("Internal", e instanceof Error ? e.message : String(e));
      const status = HTTP_STATUS[codeName(err.code)] ?? 500;
      send(
        res,
        status,
        "application/json",
        JSON.stringify({ error: { code: codeName(err.code), message: err.message } }),
      );
      return;
    }
    respond();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;

  return {
    url: `http://${host}:${port}/`,
    port,
    async close() {
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
