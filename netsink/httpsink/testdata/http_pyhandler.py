# Sends one record through CPython's logging.handlers.HTTPHandler, for the differential test.
# usage: http_pyhandler.py HOST:PORT PATH METHOD
import logging
import logging.handlers
import sys

host, path, method = sys.argv[1], sys.argv[2], sys.argv[3]
h = logging.handlers.HTTPHandler(host, path, method=method)
log = logging.getLogger("py")
log.propagate = False
log.addHandler(h)
log.warning("hello %s", "world", extra={"user": "ann", "n": 3})
h.close()
