/**
 * Store drivers are optional peer dependencies: an application installs only the one its store
 * uses, and the kit loads it on first use. A missing driver is named, with the command to add it.
 */
export class MissingDriverError extends Error {
  override readonly name = 'MissingDriverError';
  constructor(
    readonly packageName: string,
    purpose: string,
  ) {
    super(
      `${purpose} needs the "${packageName}" package, which is not installed: npm install ${packageName}`,
    );
  }
}

export async function loadDriver<T>(packageName: string, purpose: string): Promise<T> {
  try {
    return (await import(packageName)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      if (String((error as Error).message).includes(packageName))
        throw new MissingDriverError(packageName, purpose);
    }
    throw error;
  }
}
