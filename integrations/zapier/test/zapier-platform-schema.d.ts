// zapier-platform-schema ships no types; the one function the tests call.
declare module 'zapier-platform-schema' {
  const schema: {
    validateAppDefinition(definition: object): {
      errors: { stack: string; property: string; message: string }[];
    };
  };
  export default schema;
}
