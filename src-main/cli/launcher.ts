/**
 * The shipped `casilla` entry (dist/node/cli.cjs): reads the command word and loads only that command's bundle
 * (`cli-<name>.cjs`, or `cli-main.cjs` for --version, --help and unknown words). Bundles are compiled through
 * V8's code cache (Node 20 has no module compile cache of its own): the first run stores the bytecode of what
 * it ran next to the bundle, later runs skip parsing and compiling it. V8 rejects a cache from another
 * version or another source, and then the bundle is simply compiled again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadWithCodeCache } from '../core/code-cache';
import { traceMark } from '../core/trace';
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

traceMark('node started, launcher run');
const argv = process.argv.slice(2);
const loaded = loadWithCodeCache(bundleFor(argv));
// At exit the cache holds the bytecode of every function this run compiled, not only the top level.
if (loaded.cacheMissed) process.once('exit', () => loaded.saveCache());
traceMark('command bundle loaded');
(loaded.exports as Bundle).run(argv).then((code) => {
  process.exitCode = code;
});
