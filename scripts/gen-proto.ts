// Regenerates src/gen/ from proto/ with the loader options the runtime uses.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loaderOptions, protoFiles } from "../src/rpc/loader-options.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "src", "gen");
rmSync(out, { recursive: true, force: true });

const flags = [
  ...(loaderOptions.keepCase ? ["--keepCase"] : []),
  "--longs=String",
  "--enums=String",
  ...(loaderOptions.defaults ? ["--defaults"] : []),
  ...(loaderOptions.oneofs ? ["--oneofs"] : []),
  "--grpcLib=@grpc/grpc-js",
  "-I",
  join(root, "proto"),
  "-O",
  out,
];
execFileSync(join(root, "node_modules", ".bin", "proto-loader-gen-types"), [...flags, ...protoFiles], {
  cwd: join(root, "proto"),
  stdio: "inherit",
});
// The generator writes absolute paths into comments; keep the committed files machine-independent.
for (const file of walk(out)) {
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replaceAll(`${join(root, "proto")}/`, "proto/"));
}
console.log(`generated ${out}`);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}
