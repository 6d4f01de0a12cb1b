// wasm-opt -Oz for many modules in one process: `node wasm-opt-many.mjs IN OUT [IN OUT]...`.
//
// `cargo xtask ui` runs this on the lazily loaded modules of the split UI (a hundred or so, most of them
// small). npm's binaryen is binaryen compiled to wasm: each `wasm-opt` run spends about a second starting
// before it reads its input, so one process for all of them takes ~16 s where one process each took ~110 s.
// Same binaryen (132), same levels as `-Oz` (optimize 2, shrink 2), the features the CLI enables by default;
// every module written is validated first.
import binaryen from "binaryen";
import { readFileSync, writeFileSync } from "node:fs";

const paths = process.argv.slice(2);
if (paths.length % 2 !== 0) {
  throw new Error("pairs of paths expected: IN OUT [IN OUT]...");
}
const F = binaryen.Features;
const features =
  F.MVP | F.MutableGlobals | F.SignExt | F.BulkMemory | F.BulkMemoryOpt | F.NontrappingFPToInt |
  F.ReferenceTypes | F.Multivalue | F.CallIndirectOverlong;
binaryen.setOptimizeLevel(2);
binaryen.setShrinkLevel(2);
for (let i = 0; i < paths.length; i += 2) {
  const module = binaryen.readBinary(readFileSync(paths[i]));
  module.setFeatures(features);
  module.optimize();
  const out = module.emitBinary();
  module.dispose();
  if (!WebAssembly.validate(out)) {
    throw new Error(`wasm-opt made an invalid module of ${paths[i]}`);
  }
  writeFileSync(paths[i + 1], out);
}
