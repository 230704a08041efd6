/** The last part of a path the core returned (Windows or POSIX separators); the renderer has no `node:path`. */
export function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}
