export * from './catalogue.ts';
export * from './errors.ts';
export * from './samples/index.ts';
export * from './secrets.ts';
export * from './signing.ts';
export * from './types.ts';
export * from './verification.ts';
