// The argv of install_dependency in its networked install container: only the image's own installers run, and
// nothing the model can write (the workspace's .venv/bin/pip, .pth files, pip.conf, .npmrc's git) executes.
import type { InstallRequest } from "@ts-coding-agent/toolhost";
import { SANDBOX_WORKSPACE } from "./docker-container-spec.js";

/** The image's interpreter and installers, by absolute path (PATH is ours too, but this says it). */
const PYTHON = "/usr/bin/python3";
const NPM = "/usr/local/bin/npm";
const GIT = "/usr/bin/git";
/** Wheels of pip itself that Debian ships; seeds a venv this command creates. */
const SEED_WHEELS = "/usr/share/python-wheels";

/**
 * Runs the image's pip (from /usr/lib, with -I: no cwd, no PYTHON* variables, no user site) as if it were the
 * venv's: the venv install scheme and shebangs, and the venv's installed packages visible to the resolver as
 * metadata only (a `None` importer cache entry keeps Python from importing anything from there, so a planted
 * `keyring` or `.pth` never runs). Its own venv's pip.conf is not read: pip does not think it runs in one.
 * argv: venv, then pip install's arguments.
 */
const PIP_AS_VENV = `
import runpy, sys, sysconfig
venv = sys.argv[1]
preferred = sysconfig.get_preferred_scheme
sysconfig.get_preferred_scheme = lambda key: "venv" if key == "prefix" else preferred(key)
site = sysconfig.get_path("purelib", "venv", {"base": venv, "platbase": venv})
sys.path.append(site)
sys.path_importer_cache[site] = None
from pip._vendor.distlib.scripts import ScriptMaker
ScriptMaker.executable = venv + "/bin/python"
sys.argv = ["pip", "install", "--prefix", venv, *sys.argv[2:]]
runpy.run_module("pip", run_name="__main__", alter_sys=True)
`;

/**
 * pip: creates `.venv` with the image's python when it has no pyvenv.cfg (seeded with the image's pip wheel,
 * so the model can still run `.venv/bin/pip` offline), then installs with PIP_AS_VENV from /tmp. npm: the
 * image's npm with install scripts off (the workspace's package.json, `file:` dependencies and packages'
 * scripts are the model's code) and git pinned over any `git=` in the workspace's .npmrc. Specs travel as
 * "$@", never inside the script text.
 */
export function imageInstallCommand(request: InstallRequest): string[] {
  switch (request.manager) {
    case "pip": {
      const venv = `${SANDBOX_WORKSPACE}/.venv`;
      const script = [
        "cd /tmp || exit $?",
        `if [ ! -f ${venv}/pyvenv.cfg ]; then`,
        `  ${PYTHON} -I -m venv --without-pip ${venv} || exit $?`,
        `  ${PYTHON} -I -c "$0" ${venv} --disable-pip-version-check --no-input --ignore-installed --no-index --find-links ${SEED_WHEELS} pip >/dev/null 2>&1`,
        "fi",
        `exec ${PYTHON} -I -c "$0" ${venv} --disable-pip-version-check --no-input "$@"`,
      ].join("\n");
      return ["/bin/sh", "-c", script, PIP_AS_VENV, ...request.packages];
    }
    case "npm":
      return [
        NPM,
        "install",
        "--no-audit",
        "--no-fund",
        "--no-update-notifier",
        "--ignore-scripts",
        `--git=${GIT}`,
        ...request.packages,
      ];
  }
}
