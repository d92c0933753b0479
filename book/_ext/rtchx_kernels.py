"""Kernels that start with the heavy modules already imported: forked from one warm process.

Every chapter imports pandas, SciPy, matplotlib, seaborn and lifelines: about 1.5 s of a fresh
kernel's start, paid once per notebook. The build (book/_ext/rtchx_book.py) instead starts one
*warm process* that imports them once, and each notebook's kernel is a fork of it. A fork shares
the imported modules (copy-on-write), so a kernel is ready in a fraction of the time.

What stays as with a fresh kernel:
- each notebook has its own kernel process, its own namespace and its own working folder
  (nothing of one notebook is seen by another: the warm process never runs a notebook's code);
- the kernel is ipykernel, started from the same command line (``python -m ipykernel_launcher
  -f <connection file>``) and the environment the kernel manager gives it;
- the warm process imports third-party modules only, never ``rtchx``, whose code the build is
  checking; it lives for one build, so a changed package installation is seen by the next build.

How the pieces talk. The kernel manager (``WarmKernelManager``) launches a small *relay* in place
of the kernel: ``python rtchx_kernels.py relay <socket> python -m ipykernel_launcher -f ...``. The
relay sends the command, working folder and environment to the warm process over a Unix socket,
which forks; the fork becomes the kernel. The relay stays as the process the kernel manager sees:
it passes on interrupts, and ends with the kernel's exit status. When the relay is killed (the
kernel manager stops a kernel by killing its process), the warm process kills that kernel. When the
warm process stops, at the end of the build or when it fails, its kernels see their parent go and
exit within a second (ipykernel's own watch on its parent). If the warm process cannot be reached,
the relay starts an ordinary kernel instead.

Forking is safe here because the warm process is single-threaded when it forks: it imports with
one BLAS/OpenMP thread (the build sets the thread counts before starting it), creates no ZeroMQ
context, and matplotlib picks its backend (the kernel's inline one) only when a figure is drawn.
"""

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

#: What a chapter's kernel imports before its first line of its own: the warm process imports these.
PRELOADED = ("ipykernel.kernelapp", "numpy", "pandas", "scipy.stats", "matplotlib.pyplot", "seaborn",
             "lifelines", "IPython.display")

#: The matplotlib backend ipykernel chooses for a kernel; matplotlib reads it when imported.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def available() -> bool:
    """Whether kernels can be forked here: on Linux. (macOS forbids forking a process that may have
    loaded its system frameworks, and Windows has no fork; there the build starts fresh kernels.)"""
    return sys.platform == "linux"


class WarmProcess:
    """The warm process of one build: started with `start`, stopped with `stop`.

    Parameters
    ----------
    folder
        Where its Unix socket goes (a short path: Unix sockets allow about 100 characters). None: a
        temporary folder of its own, removed by `stop`.

    Example
    -------
    >>> warm = WarmProcess()                                    # doctest: +SKIP
    >>> warm.start()                                            # doctest: +SKIP
    >>> NotebookClient(nb, kernel_manager_class=warm.kernel_manager_class()).execute()  # doctest: +SKIP
    >>> warm.stop()                                             # doctest: +SKIP
    """

    def __init__(self, folder: Path | None = None):
        self.own_folder = None if folder is not None else Path(tempfile.mkdtemp(prefix="rtchx-kernels-"))
        self.socket_path = str((folder or self.own_folder) / "warm-kernels.sock")
        self.process = None

    def start(self) -> None:
        """Bind the socket here, so that a relay can connect at once, and hand it to the warm process,
        which answers once its imports are done."""
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.socket_path)
        listener.listen(64)
        env = dict(os.environ, MPLBACKEND=INLINE_BACKEND)
        self.process = subprocess.Popen([sys.executable, __file__, "serve", str(listener.fileno())],
                                        pass_fds=[listener.fileno()], env=env, stdin=subprocess.DEVNULL)
        listener.close()

    def stop(self) -> None:
        """Stop the warm process and any kernel still running from it."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        Path(self.socket_path).unlink(missing_ok=True)
        if self.own_folder is not None:
            shutil.rmtree(self.own_folder, ignore_errors=True)

    def kernel_manager_class(self):
        """A kernel manager class, for nbclient's ``kernel_manager_class``, whose kernels are forks of this
        warm process. Any kernel other than ipykernel is started as usual."""
        from jupyter_client.manager import AsyncKernelManager  # the warm process and the relay go without
        through_relay = [sys.executable, "-I", "-S", __file__, "relay", self.socket_path]

        class WarmKernelManager(AsyncKernelManager):
            def format_kernel_cmd(self, extra_arguments=None):
                command = super().format_kernel_cmd(extra_arguments)
                return [*through_relay, *command] if command[1:3] == ["-m", "ipykernel_launcher"] else command

        return WarmKernelManager


# --- the warm process ------------------------------------------------------------------------------

def serve(listener_fd: int) -> None:
    """Import `PRELOADED`, then fork one kernel per request until stopped."""
    import importlib  # the warm process's own imports, after the socket is already listening
    for module in PRELOADED:
        importlib.import_module(module)
    listener = socket.socket(fileno=listener_fd)
    parent = os.getppid()
    kernels = {}   # relay connection -> kernel pid
    while True:
        ready, _, _ = select.select([listener, *kernels], [], [], 0.5)
        for connection in ready:
            if connection is listener:
                relay, _ = listener.accept()
                request = json.loads(_read_line(relay))
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    for other in kernels:
                        other.close()
                    _become_kernel(relay, request)
                relay.sendall(json.dumps({"pid": pid}).encode() + b"\n")
                kernels[relay] = pid
            elif not connection.recv(1024):   # the relay is gone: stop its kernel
                _kill(kernels[connection])
                _forget(kernels, connection)
        _reap(kernels)
        if os.getppid() != parent:   # the build is gone; the kernels see this process go (below)
            os._exit(0)


def _become_kernel(relay: socket.socket, request: dict) -> None:
    """In the fork: run ipykernel as the command line asks, in the requested folder and environment."""
    import runpy  # only a fork that becomes a kernel needs it
    relay.close()
    code = 1
    try:
        os.chdir(request["cwd"])
        sys.path[0] = request["cwd"]   # as `python -m` puts it, in place of this file's folder
        os.environ.clear()
        os.environ.update(request["env"], JPY_PARENT_PID=str(os.getppid()))
        # The kernel watches its parent, this warm process, and exits when it goes: so stopping the warm
        # process stops every kernel still running. ipykernel read JPY_PARENT_PID when the warm process
        # imported it, so the parent is named on the command line.
        sys.argv = [request["argv"][2], *request["argv"][3:], f"--IPKernelApp.parent_handle={os.getppid()}"]
        runpy.run_module(request["argv"][2], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _reap(kernels: dict) -> None:
    """Collect kernels that have exited and tell their relays how."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        for relay, kernel in list(kernels.items()):
            if kernel == pid:
                with contextlib.suppress(OSError):
                    relay.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
                _forget(kernels, relay)


def _forget(kernels: dict, relay: socket.socket) -> None:
    relay.close()
    del kernels[relay]


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _read_line(connection: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


# --- the relay ---------------------------------------------------------------------------------------

def relay(socket_path: str, command: list[str]) -> None:
    """Ask the warm process for a kernel running ``command``; stay until it ends, passing on signals."""
    try:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.connect(socket_path)
    except OSError:
        print("warm kernels: the warm process is not there; starting an ordinary kernel", file=sys.stderr)
        os.execv(command[0], command)
    request = {"argv": command, "cwd": os.getcwd(), "env": dict(os.environ)}
    connection.sendall(json.dumps(request).encode() + b"\n")
    stream = connection.makefile("rb")
    pid = json.loads(stream.readline())["pid"]
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(number, lambda received, _frame: _pass_on(pid, received))
    answer = stream.readline()
    sys.exit(json.loads(answer)["exit"] if answer else 1)


def _pass_on(pid: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, number)
    if number != signal.SIGINT:   # anything but an interrupt ends the relay too
        os._exit(128 + number)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif sys.argv[1] == "relay":
        relay(sys.argv[2], sys.argv[3:])
