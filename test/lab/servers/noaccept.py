# A listener with a tiny backlog that never calls accept(). Node cannot do this (libuv accepts at once),
# Python's socket module can. Linux completes handshakes until the accept queue holds backlog + 1
# connections, then drops further SYNs: the first connections open, the later ones time out.
#
#   python3 noaccept.py <address> <port> <backlog> [ttl-seconds]
#
# Prints "READY" once listening; exits by itself after ttl seconds (default 300).
import socket
import sys
import time

address, port, backlog = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ttl = float(sys.argv[4]) if len(sys.argv) > 4 else 300.0
family = socket.AF_INET6 if ":" in address else socket.AF_INET
s = socket.socket(family, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((address, port))
s.listen(backlog)
print("READY", flush=True)
time.sleep(ttl)
