import WebSocket from "ws";
import { waitFor } from "./wait-for.ts";

/** A Stately inspection event as a viewer receives it from the relay. */
export interface Seen {
  type: string;
  sessionId: string;
  name?: string;
  parentId?: string;
  snapshot?: { status?: string; value?: unknown; context?: Record<string, unknown> };
  event?: { type: string };
}

/** A plain WebSocket client on the relay, as the viewer page is: collects what it is sent. */
export async function viewer(url: string) {
  const ws = new WebSocket(url);
  const seen: Seen[] = [];
  ws.on("message", (data) => seen.push(JSON.parse(data.toString()) as Seen));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    seen,
    /** The first event (already seen or still to come) that matches. */
    waitFor: (pred: (e: Seen) => boolean, what: string, timeoutMs = 20_000) =>
      waitFor(() => seen.find(pred), { timeoutMs, what }),
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.close();
      }),
  };
}
