/**
 * The one contract between the UI and the core. Every shell (Electron IPC, local web host, CLI) dispatches
 * through it; the renderer imports types and names from `api/` and nothing else in src-main.
 *
 * To add a domain: write `api/<domain>.ts` exporting `<domain>Methods` and `<Domain>Outputs`, then add one
 * line to each of the two lists below.
 */
import type { z } from 'zod';
import { appMethods, type AppOutputs } from './app';
import { auditMethods, type AuditOutputs } from './audit';
import { settingsMethods, type SettingsOutputs } from './settings';
import { signMethods, type SignOutputs } from './sign';
import { signProfileMethods, type SignProfileOutputs } from './sign-profiles';
import { composeMethods, type ComposeOutputs } from './compose';
import { outboxMethods, type OutboxOutputs } from './outbox';
import { verifyMethods, type VerifyOutputs } from './verify';
import { trustMethods, type TrustOutputs } from './trust';
import { keysMethods, type KeysOutputs } from './keys';
import { lockMethods, type LockOutputs } from './lock';
import { tsaMethods, type TsaOutputs } from './tsa';

export const methods = {
  ...appMethods,
  ...settingsMethods,
  ...auditMethods,
  ...signMethods,
  ...signProfileMethods,
  ...composeMethods,
  ...outboxMethods,
  ...verifyMethods,
  ...trustMethods,
  ...keysMethods,
  ...lockMethods,
  ...tsaMethods,
} as const;

export interface Outputs
  extends
    AppOutputs,
    SettingsOutputs,
    AuditOutputs,
    SignOutputs,
    SignProfileOutputs,
    ComposeOutputs,
    OutboxOutputs,
    VerifyOutputs,
    LockOutputs,
    TrustOutputs,
    KeysOutputs,
    TsaOutputs {}

export type MethodName = keyof typeof methods & keyof Outputs;
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;
export type MethodOutput<M extends MethodName> = Outputs[M];

export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** A progress event of a long operation; `opId` is chosen by the caller. */
export type ProgressEvent = {
  opId: string;
  method: MethodName;
  /** 0..1 when known. */
  fraction?: number;
  /** A stable key the UI translates (`progress.<stage>`), plus values. */
  stage: string;
  values?: Record<string, string | number>;
};

/** Events pushed from the core to the UI without a call (outbox changes, lock settings...). */
export type AppEvent = { type: 'progress'; progress: ProgressEvent } | { type: 'changed'; topic: string };
