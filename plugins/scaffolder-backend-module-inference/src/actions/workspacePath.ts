import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import fs from 'node:fs/promises';

const shown = (value: string) =>
  value.length > 100 ? `${value.slice(0, 100)}…` : value;

/**
 * A path of a template input inside the workspace. Inputs are user text: a NUL byte, a name too long or a path out of
 * the workspace is refused as an InputError naming the input, instead of a TypeError or ENAMETOOLONG from node:fs.
 */
export function workspaceChild(
  workspacePath: string,
  relative: string,
  input: string,
): string {
  if (relative.includes('\u0000')) {
    throw new InputError(`${input} must not contain the NUL character`);
  }
  try {
    return resolveSafeChildPath(workspacePath, relative);
  } catch (error) {
    throw new InputError(
      `${input} '${shown(relative)}' is not a path inside the workspace: ${
        (error as Error).message
      }`,
    );
  }
}

/** A folder of the workspace named by a template input; an InputError when it is missing or a file. */
export async function workspaceFolder(
  workspacePath: string,
  relative: string,
  input: string,
): Promise<string> {
  const folder = workspaceChild(workspacePath, relative, input);
  const stat = await fs.stat(folder).catch(() => undefined);
  if (!stat?.isDirectory()) {
    throw new InputError(
      `${input} '${shown(relative)}' is not a folder of the workspace`,
    );
  }
  return folder;
}
