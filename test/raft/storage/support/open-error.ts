import * as assert from "uvu/assert";
import { RaftStorage, RaftStorageError, type RaftStorageOptions } from "../../../../src/raft/storage/index.ts";
import { rejection } from "../../../support/caught.ts";

/** What opening the Raft data under `dir` is refused with; fails the test if it opens. */
export async function openError(dir: string, opts: RaftStorageOptions = {}): Promise<RaftStorageError> {
  const e = await rejection(async () => {
    const { storage } = await RaftStorage.open(dir, opts);
    await storage.close();
  }, "open succeeded");
  assert.instance(e, RaftStorageError);
  return e as RaftStorageError;
}
