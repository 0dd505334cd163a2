import { createServer, type Server } from "node:http";
import { type WebSocket, WebSocketServer } from "ws";
import { rpcError } from "../../rpc/status.ts";
import { isFinal, RelayedEvent, ReplayState } from "./replay.ts";
import { viewerPage } from "./viewer-page.ts";

/** Not @statelyai/inspect's own 8080: that is the dashboard's default, and both run under `swarmbus up --inspect`. */
export const DEFAULT_RELAY_PORT = 8090;
/** How many ports after the default are tried when it is taken. */
const PORT_ATTEMPTS = 20;
const MAX_MESSAGE_BYTES = 1 << 20;
/** Daemons connect here; any other client that sends is taken for a source too (a bare relay URL). */
const SOURCE_PATH = "/source";

export interface RelayOptions {
  /** A fixed port (0: any free one); without it, DEFAULT_RELAY_PORT or the next free one. */
  port?: number;
  /** Loopback by default: the events carry the actors' contexts. */
  host?: string;
  /** The inspector UI the viewer page embeds; Stately's by default. */
  inspectorUrl?: string;
}

export interface InspectorRelay {
  readonly port: number;
  /** What daemons send to: `swarmbus daemon --inspect <url>` (its /source path marks them as sources). */
  readonly url: string;
  /** Where a viewer (the viewer page, a test) listens. */
  readonly viewerSocketUrl: string;
  /** What a person opens: Stately's inspector fed by this relay. */
  readonly viewerUrl: string;
  /** Live actors the relay would replay to a new viewer. */
  readonly actorCount: number;
  stop(): Promise<void>;
}

/**
 * A WebSocket relay in the manner of @statelyai/inspect's createInspectorServer:
 * daemons send Stately inspection events (createWebSocketInspector), every
 * other client (a viewer) receives them, and GET / serves the viewer page.
 * Unlike that server it listens on loopback only, reports a taken port instead
 * of crashing, keeps daemons from receiving each other's events, replays every
 * live actor (not the last 200 messages) to a viewer that connects late, and
 * shows a daemon's actors stopped when the daemon goes.
 */
export async function startInspectorRelay(opts: RelayOptions = {}): Promise<InspectorRelay> {
  const host = opts.host ?? "127.0.0.1";
  const candidates =
    opts.port !== undefined ? [opts.port] : Array.from({ length: PORT_ATTEMPTS }, (_, i) => DEFAULT_RELAY_PORT + i);
  const page = viewerPage(opts.inspectorUrl);
  const http = createServer((req, res) => {
    if (req.method === "GET" && (req.url === "/" || req.url?.startsWith("/?"))) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(page);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  });
  const port = await listenOnFirstFree(http, host, candidates);
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_MESSAGE_BYTES });
  const replay = new ReplayState();
  // A client that sends is a source (a daemon): it gets nothing back, and its actors end when it goes.
  const sources = new Map<WebSocket, Set<string>>();
  const toViewers = (raw: string) => {
    for (const client of wss.clients) {
      if (!sources.has(client) && client.readyState === client.OPEN) client.send(raw);
    }
  };
  wss.on("connection", (ws, req) => {
    ws.on("error", () => ws.terminate());
    if (req.url === SOURCE_PATH) sources.set(ws, new Set());
    else for (const msg of replay.messages()) ws.send(msg);
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const sessions = sources.get(ws) ?? new Set<string>();
      sources.set(ws, sessions);
      const raw = data.toString();
      const parsed = parse(raw);
      if (!parsed) return;
      if (parsed.type === "@xstate.actor") sessions.add(parsed.sessionId);
      else if (isFinal(parsed)) sessions.delete(parsed.sessionId);
      replay.record(parsed, raw);
      toViewers(raw);
    });
    ws.on("close", () => {
      const sessions = sources.get(ws);
      sources.delete(ws);
      if (sessions) for (const msg of replay.stopAll(sessions)) toViewers(msg);
    });
  });
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return {
    port,
    url: `ws://${shown}:${port}${SOURCE_PATH}`,
    viewerSocketUrl: `ws://${shown}:${port}/`,
    viewerUrl: `http://${shown}:${port}/`,
    get actorCount() {
      return replay.size;
    },
    stop: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function parse(raw: string): RelayedEvent | null {
  try {
    const r = RelayedEvent.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

async function listenOnFirstFree(server: Server, host: string, ports: number[]): Promise<number> {
  let last: unknown;
  for (const port of ports) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const addr = server.address();
      return typeof addr === "object" && addr ? addr.port : port;
    } catch (e) {
      last = e;
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") break;
    }
  }
  const range = ports.length === 1 ? `port ${ports[0]}` : `ports ${ports[0]}-${ports.at(-1)}`;
  throw rpcError("Unavailable", `cannot start the inspector relay on ${host} ${range}: ${(last as Error).message}`);
}
