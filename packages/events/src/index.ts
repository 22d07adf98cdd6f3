export * from './types.ts';
export * from './errors.ts';
export * from './secrets.ts';
export * from './signing.ts';
export * from './verification.ts';
export * from './catalogue.ts';
export * from './samples.ts';
