"""Reference runs of CPython's rotating handlers for the rotate package's differential tests.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"mode": "rollover", "cases": [{"tz", "when", "interval", "utc", "at", "t"}]}
      -> {"version": [...], "results": [computeRollover(t), ...]}
  {"mode": "size", "scenarios": [{"path", "maxBytes", "backupCount", "records": [str]}]}
      -> {"version": [...]} after writing the files.
"""
import datetime
import json
import logging
import logging.handlers
import os
import sys
import tempfile
import time


def rollover(cases):
    out = []
    cur_tz = None
    handlers = {}
    dummy = os.path.join(tempfile.mkdtemp(), "never-created.log")
    for c in cases:
        if c["tz"] != cur_tz:
            os.environ["TZ"] = c["tz"]
            time.tzset()
            cur_tz = c["tz"]
        key = (c["when"], c["interval"], c["utc"], c.get("at"))
        h = handlers.get(key)
        if h is None:
            at = c.get("at")
            if at is not None:
                at = datetime.time(at // 3600, at // 60 % 60, at % 60)
            h = logging.handlers.TimedRotatingFileHandler(
                dummy, when=c["when"], interval=c["interval"], backupCount=0,
                delay=True, utc=c["utc"], atTime=at)
            handlers[key] = h
        out.append(h.computeRollover(c["t"]))
    for h in handlers.values():
        h.close()
    return out


def size(scenarios):
    for s in scenarios:
        h = logging.handlers.RotatingFileHandler(
            s["path"], maxBytes=s["maxBytes"], backupCount=s["backupCount"],
            encoding="utf-8")
        h.setFormatter(logging.Formatter("%(message)s"))
        for msg in s["records"]:
            h.emit(logging.makeLogRecord({"msg": msg}))
        h.close()


def main():
    req = json.load(sys.stdin)
    ans = {"version": list(sys.version_info[:3])}
    if req["mode"] == "rollover":
        ans["results"] = rollover(req["cases"])
    elif req["mode"] == "size":
        size(req["scenarios"])
    else:
        raise SystemExit("unknown mode %r" % req["mode"])
    json.dump(ans, sys.stdout)


main()
