import type { MethodName, MethodOutput, ParsedInput } from '../api/contract';
import type { CoreContext } from '../core/context';

export type HandlerContext = {
  core: CoreContext;
  /** Reports progress of a long operation; a no-op when the caller did not ask for it. */
  progress(stage: string, fraction?: number, values?: Record<string, string | number>): void;
  signal: AbortSignal;
};

export type Handler<M extends MethodName> = (input: ParsedInput<M>, ctx: HandlerContext) => Promise<MethodOutput<M>> | MethodOutput<M>;

export type HandlersFor<K extends MethodName> = { [M in K]: Handler<M> };
export type HandlerTable = HandlersFor<MethodName>;
