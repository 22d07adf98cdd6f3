/**
 * Drivers are optional peer dependencies: an application installs only the one its store uses, and
 * it is loaded when a connection is first opened. A missing one is named, with the command to add it.
 */
export class MissingDriverError extends Error {
  override readonly name = 'MissingDriverError';
  constructor(
    readonly packageName: string,
    purpose: string,
    options?: ErrorOptions,
  ) {
    super(
      `${purpose} needs the "${packageName}" package, which is not installed: npm install ${packageName}`,
      options,
    );
  }
}

/**
 * `load` is a literal `import('name')` in the caller, so bundlers see the specifier and keep it
 * external; `purpose` says what needed it ("The Redis store").
 */
export async function loadDriver<M>(
  packageName: string,
  purpose: string,
  load: () => Promise<M>,
): Promise<M> {
  try {
    return await load();
  } catch (error) {
    if (!isModuleNotFound(error, packageName)) throw error;
    throw new MissingDriverError(packageName, purpose, { cause: error });
  }
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  if (
    !(error instanceof Error) ||
    (!error.message.includes(`'${packageName}'`) && !error.message.includes(`"${packageName}"`))
  )
    return false;
  const code = (error as { code?: unknown }).code;
  // Node says ERR_MODULE_NOT_FOUND; bundlers and test runners that resolve imports word it their own way.
  return (
    code === 'ERR_MODULE_NOT_FOUND' ||
    code === 'MODULE_NOT_FOUND' ||
    /cannot find|failed to (load|resolve)/i.test(error.message)
  );
}
