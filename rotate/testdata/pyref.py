"""Reference runs of CPython's rotating handlers for the rotate package's differential tests.

Reads one JSON request on stdin, writes one JSON answer on stdout:
  {"mode": "rollover", "cases": [{"tz", "when", "interval", "utc", "at", "t"}]}
      -> {"version": [...], "results": [computeRollover(t), ...]}
  {"mode": "size", "scenarios": [{"path", "maxBytes", "backupCount", "records": [str]}]}
      -> {"version": [...]} after writing the files.
  {"mode": "timed", "scenarios": [{"path", "tz", "when", "interval", "utc", "at",
                                    "backupCount", "events": [[t, msg]]}]}
      -> {"version": [...]} after writing the files, with time.time() returning each t.
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


def timed(scenarios):
    real_time = time.time
    now = [0]
    time.time = lambda: now[0]
    try:
        for s in scenarios:
            os.environ["TZ"] = s["tz"]
            time.tzset()
            now[0] = s["events"][0][0]
            at = s.get("at")
            if at is not None:
                at = datetime.time(at // 3600, at // 60 % 60, at % 60)
            # delay=True: the file does not exist yet, so the first rollover counts from the
            # patched time.time(), not from the mtime of a file created at the real time.
            h = logging.handlers.TimedRotatingFileHandler(
                s["path"], when=s["when"], interval=s["interval"],
                backupCount=s["backupCount"], encoding="utf-8", utc=s["utc"], delay=True,
                atTime=at)
            h.setFormatter(logging.Formatter("%(message)s"))
            for t, msg in s["events"]:
                now[0] = t
                h.emit(logging.makeLogRecord({"msg": msg}))
            h.close()
    finally:
        time.time = real_time


def main():
    req = json.load(sys.stdin)
    ans = {"version": list(sys.version_info[:3])}
    if req["mode"] == "rollover":
        ans["results"] = rollover(req["cases"])
    elif req["mode"] == "timed":
        timed(req["scenarios"])
    elif req["mode"] == "size":
        size(req["scenarios"])
    else:
        raise SystemExit("unknown mode %r" % req["mode"])
    json.dump(ans, sys.stdout)


main()
