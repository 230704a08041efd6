/**
 * The command word of a command line, read before anything is loaded: `casilla [--home d] [--json] sign …` →
 * `sign`, `casilla help sign` → `sign`; undefined for `--version`, `--help` alone or no word. No imports, so
 * the launcher stays small.
 */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--home') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    if (a === 'help') return commandWord(argv.slice(i + 1));
    return a;
  }
  return undefined;
}

/** `--home DIR` or `--home=DIR`. */
export function homeArgument(argv: readonly string[]): string | undefined {
  const i = argv.indexOf('--home');
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith('--home='))?.slice('--home='.length);
}
