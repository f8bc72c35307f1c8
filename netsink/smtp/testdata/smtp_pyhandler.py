# Sends one record through CPython's logging.handlers.SMTPHandler, for the differential test.
# usage: smtp_pyhandler.py HOST PORT
import logging
import logging.handlers
import sys

h = logging.handlers.SMTPHandler((sys.argv[1], int(sys.argv[2])), "app@example.com",
                                 ["ops@example.com"], "py subject", timeout=10)
log = logging.getLogger("py")
log.propagate = False
log.addHandler(h)
log.error("hello from python")
h.close()
