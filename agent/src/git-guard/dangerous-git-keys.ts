// The git configuration keys whose values git runs as programs (or that pull in more configuration): a
// sandbox that sets one in the workspace's .git/config runs code on the host at the user's next `git status`.

/** Patterns over lower-cased `section[.subsection].key` names; subsections may hold dots. */
const RUNS_PROGRAMS: readonly RegExp[] = [
  /^core\.(fsmonitor|hookspath|sshcommand|pager|editor|askpass|gitproxy)$/,
  /^credential\.(.+\.)?helper$/,
  /^filter\..+\.(clean|smudge|process)$/,
  /^diff\.(.+\.)?(textconv|command)$|^diff\.external$/,
  /^merge\..+\.driver$/,
  /^(difftool|mergetool)\..+\.(cmd|path)$/,
  /^gpg\.(.+\.)?program$/,
  /^sequence\.editor$/,
  /^pager\..+$/,
  /^interactive\.difffilter$/,
  /^(include|includeif\..+)\.path$/,
  /^remote\..+\.(uploadpack|receivepack)$/,
  /^(web\.browser|browser\..+\.(cmd|path))$/,
  /^ssh\.variant$/,
];

/** Keys that are dangerous only with some values: an alias or a submodule update starting with `!` runs a shell. */
const SHELL_VALUE: readonly RegExp[] = [/^alias\..+$/, /^submodule\..+\.update$/];

/** Whether git would run `value` of `key` as a program (or read more configuration through it). */
export function runsProgram(key: string, value: string): boolean {
  const name = key.toLowerCase();
  if (RUNS_PROGRAMS.some((pattern) => pattern.test(name))) return true;
  return SHELL_VALUE.some((pattern) => pattern.test(name)) && value.trimStart().startsWith("!");
}
