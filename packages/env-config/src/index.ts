export type { Env, Field, ValuesOf } from './field.ts';
export { FieldError, field, readFields } from './field.ts';
export {
  boolean,
  booleanField,
  checkedField,
  choiceField,
  duration,
  durationField,
  integer,
  integerField,
  optionalString,
  optionalTextField,
  requiredWhen,
  textField,
  url,
  urlField,
} from './parsers.ts';
