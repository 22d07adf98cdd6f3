/**
 * Loads a database driver when a connection is first opened, so a package that uses only one
 * engine (or only `fromPgPool` with its own pool) never needs the other installed. The drivers
 * are optional peer dependencies; a missing one gets an error that says what to install.
 */
export async function loadDriver<M>(packageName: string, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (error) {
    if (!isModuleNotFound(error, packageName)) throw error;
    throw new Error(
      `@bookflow/pg: this needs the "${packageName}" package, which is not installed. ` +
        `Install it beside your application: npm install ${packageName}`,
      { cause: error },
    );
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
