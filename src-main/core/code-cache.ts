/**
 * Loads a CommonJS bundle through V8's code cache (Node 20 has no module compile cache of its own): the first run
 * stores the bytecode of what it ran in `code-cache/` next to the bundle, later runs skip parsing and compiling
 * it. V8 rejects a cache from another version, other flags or another source, and the bundle is then simply
 * compiled again (and the cache rewritten). Node builtins only: the CLI's launcher and the PDF worker's boot use it.
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

export type CachedBundle = {
  exports: unknown;
  /** Whether the bundle was compiled without a usable cache (so `saveCache` is worth calling). */
  cacheMissed: boolean;
  /** Writes the bytecode of every function compiled so far (temp file and rename; failures are ignored). */
  saveCache(): void;
};

export function codeCacheFile(file: string): string {
  return path.join(path.dirname(file), 'code-cache', `${path.basename(file, '.cjs')}-${process.version}-${process.arch}.bin`);
}

export function loadWithCodeCache(file: string): CachedBundle {
  const source = fs.readFileSync(file, 'utf8');
  const cacheFile = codeCacheFile(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dirname: string,
  ) => void;
  const mod = { exports: {} as unknown };
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  return {
    exports: mod.exports,
    cacheMissed: !cachedData || script.cachedDataRejected === true,
    saveCache() {
      try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A read-only installation: every run compiles, as plain require would.
      }
    },
  };
}
