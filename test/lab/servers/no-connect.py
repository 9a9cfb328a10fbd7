#!/usr/bin/env python3
# Runs a command in a Landlock sandbox that forbids every TCP connect(), for the network lab's permission-denied
# scenario. Landlock's network rules (Linux 6.7 and later, ABI 4) make the kernel answer connect() with EACCES
# before any packet is built, the way SELinux answers a confined daemon. UDP (DNS) is not touched.
#
#   python3 no-connect.py --check          exit 0 when this kernel can do it, 3 when it cannot (reason on stderr)
#   python3 no-connect.py <command> [args]  run the command in the sandbox (the sandbox holds for its children too)
import ctypes
import os
import struct
import sys

# The Landlock system calls have the same numbers on every architecture (they came after the tables were unified).
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1 << 0
LANDLOCK_ACCESS_NET_CONNECT_TCP = 1 << 1
PR_SET_NO_NEW_PRIVS = 38


def abi(libc):
    return libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, 0, LANDLOCK_CREATE_RULESET_VERSION)


def main():
    if len(sys.argv) < 2:
        return 0  # started without a command (a test runner looking for tests): nothing to do
    libc = ctypes.CDLL(None, use_errno=True)
    version = abi(libc)
    if version < 4:
        why = os.strerror(ctypes.get_errno()) if version < 0 else f'Landlock ABI {version}'
        sys.stderr.write(f'no Landlock network rules here ({why}; they need ABI 4, Linux 6.7)\n')
        return 3
    if sys.argv[1] == '--check':
        return 0
    # handled_access_fs = 0, handled_access_net = CONNECT_TCP, and no rule that allows any port: every connect is denied.
    attr = struct.pack('QQ', 0, LANDLOCK_ACCESS_NET_CONNECT_TCP)
    buf = ctypes.create_string_buffer(attr, len(attr))
    fd = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, buf, len(attr), 0)
    if fd < 0:
        sys.stderr.write(f'landlock_create_ruleset: {os.strerror(ctypes.get_errno())}\n')
        return 3
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        sys.stderr.write(f'prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}\n')
        return 3
    if libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, fd, 0) != 0:
        sys.stderr.write(f'landlock_restrict_self: {os.strerror(ctypes.get_errno())}\n')
        return 3
    os.close(fd)
    os.execvp(sys.argv[1], sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())
