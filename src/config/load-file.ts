/**
 * Find and read the config file with cosmiconfig, then check it against the
 * schema. Files found by searching are data only (JSON/YAML/package.json):
 * a JS or TS config file is code, and runs only when named with --config.
 * A found file that is not the user's own may not set a steering key
 * (steering-keys.ts); the search never walks up outside the home folder.
 */
import os from 'node:os';
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { ConfigError } from '../errors.js';
import { fileConfigSchema, type FileConfig } from './schema.js';
import { describeIssues } from './issues.js';
import { keyLines } from './key-lines.js';
import YAML from 'yaml';
import { readFoundFile } from './file-trust.js';
import { steeringKeysIn } from './steering-keys.js';

export interface LoadedFile {
  file: string;
  config: FileConfig;
}

const CODE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'];
const DATA_PLACES = ['package.json', '.pvlookrc', '.pvlookrc.json', '.pvlookrc.yaml', '.pvlookrc.yml', '.config/pvlookrc', '.config/pvlookrc.json', '.config/pvlookrc.yaml', '.config/pvlookrc.yml'];
// Code files are searched for too, only so that finding one explains why it is not used.
const CODE_PLACES = ['.pvlookrc', '.config/pvlookrc', 'pvlook.config'].flatMap((base) => CODE_EXTENSIONS.map((ext) => base + ext));
const SEARCH_PLACES = [...DATA_PLACES, ...CODE_PLACES];

const refuseCode: Loader = (filepath) => {
  throw new ConfigError(filepath, ['a JavaScript/TypeScript config file runs code, so pvlook loads one only when you name it with --config']);
};

/**
 * @param explicit a path given with --config (or PVLOOK_CONFIG), or null to search
 * @param cwd where the search starts; it walks up to `home` (outside home it looks in `cwd` alone), then ~/.config/pvlook/
 */
export async function loadConfigFile(explicit: string | null, cwd: string, home = os.homedir()): Promise<LoadedFile | null> {
  let result;
  try {
    if (explicit !== null) {
      result = await cosmiconfig('pvlook').load(path.resolve(cwd, explicit));
    } else {
      const searchLoaders = Object.fromEntries(CODE_EXTENSIONS.map((ext) => [ext, refuseCode]));
      result = await cosmiconfig('pvlook', { searchPlaces: SEARCH_PLACES, searchStrategy: 'global', stopDir: isWithin(cwd, home) ? home : cwd, loaders: searchLoaders }).search(cwd);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw readFailure(explicit === null ? null : path.resolve(cwd, explicit), error);
  }
  if (!result) return null;
  if (explicit !== null) return result.isEmpty ? { file: result.filepath, config: {} } : { file: result.filepath, config: await checkFileConfig(result.filepath, result.config) };
  return loadFound(result.filepath, home);
}

/**
 * A file found by searching, read again by pvlook itself (search only says
 * where it is), so that the bytes judged are the bytes used: it says what to
 * watch; it steers pvlook only if it is the user's own, and names an ssh
 * config (whose Match exec runs commands) only from the user's own places.
 */
async function loadFound(file: string, home: string): Promise<LoadedFile> {
  let found;
  try {
    found = await readFoundFile(file);
  } catch (error) {
    throw readFailure(file, error);
  }
  const config = await checkFileConfig(file, parseFound(file, found.text));
  const steering = steeringKeysIn(config);
  const refused = steering.flatMap(({ key, why }) => {
    if (found.untrusted !== null) return [`key "${key}" ${why}, and this file was found by searching but ${found.untrusted}: make it yours and writable only by you (chmod go-w), or name it with --config`];
    if (key === 'sshConfig' && !inUsersOwnPlace(file, home)) return [`key "${key}" ${why}, and this file was found by searching in ${path.dirname(file)}, not in your home folder or ~/.config: a folder you downloaded or cloned could have put it there; name the file with --config to use it`];
    return [];
  });
  if (refused.length > 0) throw new ConfigError(file, refused);
  return { file, config };
}

/** What a found file holds: YAML or JSON (JSON is YAML), or a package.json's "pvlook" key. */
function parseFound(file: string, text: string): unknown {
  try {
    if (path.basename(file) === 'package.json') return (JSON.parse(text) as { pvlook?: unknown }).pvlook ?? {};
    return YAML.parse(text) ?? {};
  } catch (error) {
    throw new ConfigError(file, [`cannot parse: ${String((error as Error).message).split('\n')[0]}`], { cause: error });
  }
}

/** The home folder itself, or under ~/.config: where only the user puts config files. */
function inUsersOwnPlace(file: string, home: string): boolean {
  const folder = path.dirname(file);
  return folder === home || isWithin(folder, path.join(home, '.config'));
}

function isWithin(dir: string, home: string): boolean {
  // HOME=/ (a container's) would make everywhere "home": then nothing is.
  if (path.resolve(home) === path.parse(home).root) return false;
  const relative = path.relative(home, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

export async function checkFileConfig(file: string, raw: unknown): Promise<FileConfig> {
  const parsed = fileConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, describeIssues(parsed.error, raw, { lineOf: await keyLines(file) }));
  return parsed.data;
}

function readFailure(file: string | null, error: unknown): ConfigError {
  const err = error as NodeJS.ErrnoException & { filepath?: string; mark?: { line: number; column: number } };
  const where = err.filepath ?? file ?? 'config file';
  if (err.code === 'ENOENT') return new ConfigError(where, ['file not found'], { cause: error });
  if (err.code === 'EACCES') return new ConfigError(where, ['permission denied'], { cause: error });
  if (err.code === 'EISDIR') return new ConfigError(where, ['is a folder, not a file'], { cause: error });
  // YAML and JSON parse errors: their message starts with "<kind> Error in <file>:", then says what and where.
  const lines = String(err.message ?? error).split('\n').map((line) => line.trim());
  const detail = lines.find((line, index) => line !== '' && !(index === 0 && /Error in /.test(line))) ?? 'unreadable';
  return new ConfigError(where, [`cannot parse: ${detail}`], { cause: error });
}
