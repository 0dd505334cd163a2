import { connect, createServer, type Server, type Socket } from "node:net";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startTcpProxy, type TcpProxy } from "../../src/scenario/tcp-proxy.ts";
import { waitFor } from "../support/wait-for.ts";

/** The proxy carries bytes both ways; a cut ends live connections and refuses new ones; a heal accepts again. */
let echo: Server;
let proxy: TcpProxy;
const clients: Socket[] = [];

test.before(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  const addr = echo.address();
  proxy = await startTcpProxy({ host: "127.0.0.1", port: typeof addr === "object" && addr ? addr.port : 0 });
});
test.after(async () => {
  for (const c of clients) c.destroy();
  await proxy.close();
  await new Promise<void>((r) => echo.close(() => r()));
});

interface Client {
  socket: Socket;
  received: () => string;
  closed: () => boolean;
}

function client(): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.port, "127.0.0.1");
    clients.push(socket);
    let data = "";
    let closed = false;
    socket.on("data", (d) => {
      data += d;
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      closed = true;
    });
    socket.once("connect", () => resolve({ socket, received: () => data, closed: () => closed }));
    socket.once("error", reject);
  });
}

const opts = (what: string) => ({ timeoutMs: 3000, what });

test("bytes go through to the target and back", async () => {
  const c = await client();
  c.socket.write("ping");
  await waitFor(() => c.received() === "ping", opts("the echo"));
});

test("cut closes the live connection and refuses a new one; heal lets a new one through", async () => {
  const live = await client();
  live.socket.write("a");
  await waitFor(() => live.received() === "a", opts("the echo before the cut"));

  proxy.cut();
  assert.ok(proxy.isCut);
  await waitFor(() => live.closed(), opts("the live connection to close"));
  const refused = await client();
  refused.socket.write("lost");
  await waitFor(() => refused.closed(), opts("a connection made during the cut to be closed"));
  assert.is(refused.received(), "");

  proxy.heal();
  const again = await client();
  again.socket.write("back");
  await waitFor(() => again.received() === "back", opts("the echo after the heal"));
  assert.not.ok(again.closed());
});

test.run();
