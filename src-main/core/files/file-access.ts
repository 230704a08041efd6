/**
 * File access for calls from the renderer (the Electron window or the browser mode): a renderer may name only
 * files the user picked (granted by the shell when the user dropped or chose them), files inside the data
 * folder (browser uploads land there) and the app's own public resources; it may write only inside the data
 * folder or to a path the user chose in a save dialog (a write grant). The CLI runs as the user and keeps
 * plain paths: it never goes through this module.
 *
 * Every path is resolved with realpath (for a file still to be written: its nearest existing folder) before
 * containment is checked, so a symlink inside an allowed folder cannot lead out of it; the handler then gets
 * the resolved path, not the one the caller sent.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { MethodName } from '../../api/contract';
import { AppError } from '../../api/result';

export const FileAccessErrorCodes = { notAllowed: 'FILE_NOT_ALLOWED' } as const;

/** Paths the user picked in this process (read) or chose in a save dialog (write), by their real path. */
export class FileGrants {
  private readonly reads = new Set<string>();
  private readonly writes = new Set<string>();

  /** Records a file the user picked; returns its real path (the one calls must then name). */
  grantRead(file: string): string {
    const real = realPathOf(file);
    this.reads.add(real);
    return real;
  }
  /** Records a file the user chose to write (save dialog). */
  grantWrite(file: string): string {
    const real = realPathOf(file);
    this.writes.add(real);
    return real;
  }
  canRead(real: string): boolean {
    return this.reads.has(real);
  }
  canWrite(real: string): boolean {
    return this.writes.has(real);
  }
}

export type FileAccessPolicy = {
  /** The data folder: readable and writable. */
  home: string;
  /** Folders readable as a whole (the app's public resources: demo certificate, trust anchors). */
  readableRoots: string[];
  grants: FileGrants;
};

/**
 * The real path of `p`, also for a file that does not exist yet: the real path of its nearest existing ancestor
 * with the rest appended (after `path.resolve`, the rest holds no `..`).
 */
export function realPathOf(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      const real = fs.realpathSync.native(cur);
      return rest.length ? path.join(real, ...rest.reverse()) : real;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

function inside(root: string, real: string): boolean {
  const r = realPathOf(root);
  return real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
}

function refuse(kind: 'read' | 'write', p: string): never {
  throw new AppError(
    FileAccessErrorCodes.notAllowed,
    kind === 'read'
      ? 'Ese archivo no fue elegido en esta sesión: arrástrelo o elíjalo de nuevo.'
      : 'Solo se puede guardar en la carpeta de datos o en la ruta elegida al guardar.',
    { path: p, access: kind },
  );
}

/** The real path of a file the renderer may read, or FILE_NOT_ALLOWED. */
export function allowRead(policy: FileAccessPolicy, p: string): string {
  const real = realPathOf(p);
  if (inside(policy.home, real) || policy.readableRoots.some((r) => inside(r, real)) || policy.grants.canRead(real)) return real;
  return refuse('read', p);
}

/** The real path of a file or folder the renderer may write, or FILE_NOT_ALLOWED. */
export function allowWrite(policy: FileAccessPolicy, p: string): string {
  const real = realPathOf(p);
  if (inside(policy.home, real) || policy.grants.canWrite(real)) return real;
  return refuse('write', p);
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v && typeof v === 'object' ? (v as Rec) : {});

/**
 * Rewrites a parsed renderer call so that every path it names is allowed and real. Methods without paths come
 * back unchanged. Signed outputs of files outside the data folder go to `<data>/firmados/` unless the call
 * names an allowed output.
 */
export function confineCall(policy: FileAccessPolicy, method: MethodName, input: unknown): unknown {
  const r = (p: string) => allowRead(policy, p);
  const w = (p: string) => allowWrite(policy, p);
  const i = { ...rec(input) };
  switch (method) {
    case 'compose.importCsv':
    case 'compose.checkAttachment':
    case 'sign.inspectPdf':
    case 'sign.profiles.import':
    case 'sign.stampImage.check':
      i.path = r(i.path as string);
      return i;
    case 'sign.profiles.save': {
      const profile = { ...rec(i.profile) };
      if (typeof profile.imagePath === 'string') profile.imagePath = r(profile.imagePath);
      i.profile = profile;
      return i;
    }
    case 'compose.queue':
      i.groups = (i.groups as Rec[]).map((g) => ({
        ...g,
        attachments: (g.attachments as Rec[]).map((a) => ({ ...a, path: r(a.path as string) })),
      }));
      return i;
    case 'sign.inspectCertificate':
    case 'sign.certificates.add':
      i.p12Path = r(i.p12Path as string);
      return i;
    case 'sign.start': {
      i.files = (i.files as string[]).map(r);
      const cert = { ...rec(i.certificate) };
      if (typeof cert.p12Path === 'string') cert.p12Path = r(cert.p12Path);
      i.certificate = cert;
      const options = { ...rec(i.options) };
      const stamp = { ...rec(options.stamp) };
      if (typeof stamp.imagePath === 'string') stamp.imagePath = r(stamp.imagePath);
      options.stamp = stamp;
      i.options = options;
      if (typeof i.output === 'string') i.output = w(i.output);
      else if (typeof i.outDir === 'string') i.outDir = w(i.outDir);
      else if ((i.files as string[]).some((f) => !inside(policy.home, f))) i.outDir = w(path.join(policy.home, 'firmados'));
      return i;
    }
    case 'verify.files':
      i.files = (i.files as string[]).map(r);
      i.trust = ((i.trust as string[] | undefined) ?? []).map(r);
      return i;
    case 'verify.reportPdf':
      i.files = (i.files as string[]).map(r);
      i.trust = ((i.trust as string[] | undefined) ?? []).map(r);
      if (typeof i.output === 'string') i.output = w(i.output);
      return i;
    case 'verify.revisionData':
      i.file = r(i.file as string);
      return i;
    case 'verify.reportSettings.update':
      if (typeof i.logoPath === 'string') i.logoPath = r(i.logoPath);
      return i;
    case 'verify.extractRevision':
      i.file = r(i.file as string);
      i.output = w(i.output as string);
      return i;
    default:
      return input;
  }
}

const policies = new WeakMap<object, FileAccessPolicy>();

/** The one policy of a core (its data folder, the app's resources, the grants made in this process). */
export function fileAccessFor(core: { home: string }, readableRoots: () => string[]): FileAccessPolicy {
  let p = policies.get(core);
  if (!p) {
    p = { home: core.home, readableRoots: readableRoots(), grants: new FileGrants() };
    policies.set(core, p);
  }
  return p;
}
