/**
 * The shipped `casilla` entry (dist/node/cli.cjs): reads the command word and loads only that command's bundle
 * (`cli-<name>.cjs`, or `cli-main.cjs` for --version, --help and unknown words). Bundles are compiled through
 * V8's code cache (Node 20 has no module compile cache of its own): the first run stores the bytecode of what
 * it ran next to the bundle, later runs skip parsing and compiling it. V8 rejects a cache from another
 * version or another source, and then the bundle is simply compiled again.
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { commandWord } from './argv';

type Bundle = { run(argv: string[]): Promise<number> };

function bundleFor(argv: readonly string[]): string {
  const word = commandWord(argv);
  if (word && /^[a-z][a-z0-9-]*$/.test(word)) {
    const file = path.join(__dirname, `cli-${word}.cjs`);
    if (fs.existsSync(file)) return file;
  }
  return path.join(__dirname, 'cli-main.cjs');
}

function cacheFileFor(file: string): string {
  return path.join(path.dirname(file), 'code-cache', `${path.basename(file, '.cjs')}-${process.version}-${process.arch}.bin`);
}

function loadWithCodeCache(file: string): Bundle {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = cacheFileFor(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const mod = { exports: {} as unknown };
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  if (!cachedData || script.cachedDataRejected) {
    // At exit the cache holds the bytecode of every function this run compiled, not only the top level.
    process.once('exit', () => {
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A read-only installation: every run compiles, as plain require would.
      }
    });
  }
  return mod.exports as Bundle;
}

const argv = process.argv.slice(2);
loadWithCodeCache(bundleFor(argv))
  .run(argv)
  .then((code) => {
    process.exitCode = code;
  });
