# The Python side of a python-mcp kernel: runs cells in one persistent namespace for the Node server.
# Protocol: one JSON request per line on fd 3, one JSON reply per line on fd 4; user output goes to fd 1/2.
#
# Requests:  {"id": n, "op": "exec", "code": str, "marker": str}  |  {"id": n, "op": "status"}
# Replies:   {"id": n, "status": "ok" | "error" | "interrupted", "result": str | null, "error": str | null}
#            {"id": n, "status": "ok", "python_version": str, "pid": int, "cwd": str, "names": [...]}
# After an exec, `marker` is written to fd 1 and fd 2 so the server knows it has all of that cell's output.

import ast
import asyncio
import builtins
import inspect
import json
import linecache
import os
import platform
import signal
import sys
import threading
import time
import traceback

REQUEST_FD = 3
REPLY_FD = 4
RESULT_CAP = 50_000
NAMES_CAP = 500


def make_undumpable():
    # Kernels of other MCP sessions run as the same user: without this, their code could read this kernel's
    # memory and environment through /proc/<pid>/mem and /proc/<pid>/environ, or attach a debugger to it.
    try:
        import ctypes

        PR_SET_DUMPABLE = 4
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except Exception:
        pass


make_undumpable()

# Keep the protocol pipes out of subprocesses the user starts (os.system, subprocess with close_fds=False).
os.set_inheritable(REQUEST_FD, False)
os.set_inheritable(REPLY_FD, False)
requests = os.fdopen(REQUEST_FD, "rb")
replies = os.fdopen(REPLY_FD, "wb", buffering=0)

namespace = {"__name__": "__main__", "__builtins__": builtins}
executing = False
cell_count = 0


def refuse_input(prompt=""):
    raise EOFError(
        "input() is not available: this kernel has no interactive stdin. "
        "Put the data in the code (or read it from a file) instead."
    )


builtins.input = refuse_input
sys.stdin = open(os.devnull)


def on_sigint(signum, frame):
    # Only user code is interruptible; a late SIGINT while idle or replying is ignored.
    if executing:
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, on_sigint)


def watch_parent():
    # If the server dies without cleaning up, take this kernel's whole process group down with it.
    parent = os.getppid()
    while True:
        time.sleep(1)
        if os.getppid() != parent:
            os.killpg(0, signal.SIGKILL)


threading.Thread(target=watch_parent, daemon=True).start()


def capped(text):
    if len(text) <= RESULT_CAP:
        return text
    half = RESULT_CAP // 2
    return f"{text[:half]}\n... [{len(text) - RESULT_CAP} characters omitted] ...\n{text[-half:]}"


def user_traceback(exc):
    # Only the cell's own frames: the model should not see (or reason about) the driver.
    tb = exc.__traceback__
    while tb is not None and not tb.tb_frame.f_code.co_filename.startswith("<cell-"):
        tb = tb.tb_next
    summary = traceback.TracebackException(type(exc), exc, tb)
    summary.stack = traceback.StackSummary.from_list(
        [frame for frame in summary.stack if frame.filename != __file__]
    )
    return capped("".join(summary.format()))


def run_cell(code):
    """Runs one cell; returns the repr of a trailing expression's value, or None."""
    global cell_count
    cell_count += 1
    filename = f"<cell-{cell_count}>"
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    body = eval(compile(tree, filename, "exec", flags=flags), namespace)
    if inspect.iscoroutine(body):
        asyncio.run(body)
    if last is None:
        return None
    value = eval(compile(last, filename, "eval", flags=flags), namespace)
    if inspect.iscoroutine(value):
        value = asyncio.run(value)
    if value is None:
        return None
    namespace["_"] = value
    return capped(repr(value))


def handle_exec(request):
    global executing
    try:
        executing = True
        try:
            result = run_cell(request["code"])
            reply = {"status": "ok", "result": result, "error": None}
        finally:
            executing = False
    except KeyboardInterrupt as exc:
        reply = {"status": "interrupted", "result": None, "error": user_traceback(exc)}
    except SystemExit as exc:
        reply = {
            "status": "error",
            "result": None,
            "error": f"SystemExit({exc.code!r}): exit() does not stop this kernel; its state is kept.",
        }
    except BaseException as exc:
        reply = {"status": "error", "result": None, "error": user_traceback(exc)}
    end_output(request["marker"])
    return reply


def end_output(marker):
    data = marker.encode("utf-8")
    for stream, fd in ((sys.stdout, 1), (sys.stderr, 2)):
        try:
            stream.flush()
        except Exception:
            pass
        try:
            os.write(fd, data)
        except OSError:
            pass  # the user closed it; the server stops waiting for the marker after a short bound


def status():
    names = []
    for name, value in list(namespace.items()):
        if name.startswith("_"):
            continue
        names.append({"name": name, "type": type(value).__name__})
        if len(names) >= NAMES_CAP:
            break
    return {
        "status": "ok",
        "python_version": platform.python_version(),
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        "names": names,
    }


def main():
    for line in requests:
        request = None
        try:
            request = json.loads(line)
            op = request.get("op")
            if op == "exec":
                reply = handle_exec(request)
            elif op == "status":
                reply = status()
            else:
                reply = {"status": "error", "result": None, "error": f"unknown op {op!r}"}
        except Exception as exc:  # a malformed request must not kill the kernel
            reply = {"status": "error", "result": None, "error": f"bad request: {exc}"}
        reply["id"] = request.get("id") if isinstance(request, dict) else None
        replies.write((json.dumps(reply) + "\n").encode("utf-8"))
    # The server closed the request pipe: it is gone or shutting us down.
    os._exit(0)


main()
