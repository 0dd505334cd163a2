// A child for net-hosts.test.ts: starts hosts, prints their prefix and dir, and waits to be signalled.
import { NetHosts } from "./index.ts";

const hosts = await NetHosts.start({ count: Number(process.argv[2] ?? 2) });
process.stdout.write(`ready ${hosts.net.prefix} ${hosts.dir}\n`);
setInterval(() => {}, 60_000);
