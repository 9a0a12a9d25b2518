import { findExecutable } from '../util/which.js';

/** Words that come before the command they run. */
const PREFIX_WORDS = new Set(['!', '{', '(', 'if', 'then', 'else', 'elif', 'do', 'while', 'until', 'time', 'exec', 'command', 'nohup', 'env']);

/** Commands the shell runs itself: their absence from PATH says nothing. */
const BUILTINS = new Set([
  '.', ':', '[', 'alias', 'break', 'case', 'cd', 'continue', 'done', 'echo', 'esac', 'eval', 'exit', 'export', 'false',
  'fi', 'for', 'function', 'local', 'printf', 'pwd', 'read', 'return', 'set', 'shift', 'source', 'test', 'trap', 'true',
  'type', 'ulimit', 'umask', 'unset', 'wait', '}', ')',
]);

/**
 * The programs a verification command line starts: the first word of each simple command (after
 * `VAR=value` assignments, opening parentheses and shell keywords), in order. A cheap reading of
 * the line, not a shell parser: a word it cannot read (quoted, `$VAR`, `$(…)`) is left out.
 */
export function programsOf(command: string): string[] {
  const programs: string[] = [];
  const withoutRedirections = command.replace(/\d*[<>]&\d+|\d*(>>?|<)\s*[^\s;&|]+/g, ' ');
  for (const segment of withoutRedirections.split(/&&|\|\||[;|&\n]/)) {
    const words = segment.trim().split(/\s+/).filter(Boolean);
    let i = 0;
    while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!) || PREFIX_WORDS.has(words[i]!) || /^([({!]+|-.*)$/.test(words[i]!))) i++;
    const word = words[i]?.replace(/^[({]+/, '');
    if (!word || /["'`$\\*?]/.test(word) || BUILTINS.has(word) || programs.includes(word)) continue;
    programs.push(word);
  }
  return programs;
}

/** The programs of `command` that are not found (on PATH, or as a path relative to `cwd`). */
export function missingPrograms(command: string, env: Record<string, string | undefined>, cwd: string): string[] {
  return programsOf(command).filter((p) => findExecutable(p, env, cwd) === null);
}

/**
 * The program whose absence made `command` fail, or null when it failed for another reason. Only
 * the shell's own "not found" (exit 127) counts, and only for a program that really is missing: a
 * script that exits 127 by itself, or prints "not found" about something else, is an ordinary failure.
 */
export function missingProgramOf(
  command: string, exitCode: number | null, output: string, env: Record<string, string | undefined>, cwd: string,
): string | null {
  if (exitCode !== 127) return null;
  const missing = missingPrograms(command, env, cwd);
  const named = missing.find((p) => new RegExp(`(^|[\\s:])${escape(p)}: (command )?not found`, 'm').test(output));
  if (named) return named;
  // The shell's wording varies; the first program of the line, when missing, is unambiguous.
  const first = programsOf(command)[0];
  return first !== undefined && missing.includes(first) ? first : null;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
