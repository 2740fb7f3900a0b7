"""Long library calls made interruptible by Ctrl-C.

Python runs its SIGINT handler only between bytecodes of the main thread, never inside a C
call, so a run called directly could not be stopped. The call is made in a worker thread
instead (ctypes releases the GIL); the main thread waits, and when Ctrl-C raises
KeyboardInterrupt there it asks the library to stop (fa_request_stop: the run finishes its
current step, writes the state reached as its last record and returns FA_EINTERRUPT), then
waits for the worker to return. The library's error message is per thread, so the worker
collects it.
"""
import signal
import threading

from ._lib import last_error, lib


class Outcome:
    """What a call returned, and the library's error of the calling thread."""
    __slots__ = ("rc", "code", "message", "location", "exception", "interrupted")

    def __init__(self):
        self.rc, self.code, self.message, self.location = 0, 0, "", ""
        self.exception, self.interrupted = None, False


def call(fn, *args):
    """fn(*args) (a ctypes function returning a status code), stoppable with Ctrl-C.
    Returns an Outcome; `interrupted` is set if Ctrl-C was pressed during the call."""
    out = Outcome()
    done = threading.Event()

    def work():
        try:
            out.rc = fn(*args)
            if out.rc:
                out.code, out.message, out.location = last_error()
        except BaseException as e:  # handed to the caller's thread
            out.exception = e
        finally:
            done.set()

    if threading.current_thread() is not threading.main_thread():
        work()  # no KeyboardInterrupt is delivered here anyway
    else:
        t = threading.Thread(target=work, name="fracagg", daemon=True)
        t.start()
        # wait on an Event, not on join(): a join interrupted by KeyboardInterrupt can report
        # a thread that is still running as finished, and the call's arguments must outlive it
        while not done.is_set():
            try:
                done.wait()
            except KeyboardInterrupt:
                out.interrupted = True
                lib.fa_request_stop(int(signal.SIGINT))
        t.join()
    if out.interrupted or out.rc == -9:
        lib.fa_clear_stop()  # the next run in this session starts afresh
    if out.exception is not None:
        raise out.exception
    return out
