export * from './result';
export * from './contract';
export * from './app';
export * from './settings';
export * from './audit';
export * from './bridge';
export * from './compose';
export * from './outbox';
