# A real HTTP server (python3 http.server) that records every request as one JSON line on
# standard output. It listens on 127.0.0.1, port chosen by the kernel, prints "PORT <n>"
# first, and stops when its standard input is closed. Bodies are capped at 1 MiB.
import base64
import http.server
import json
import sys
import threading

MAX_BODY = 1 << 20


class Recorder(http.server.BaseHTTPRequestHandler):
    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            self.send_response(413)
            self.end_headers()
            return
        body = self.rfile.read(n) if n else b""
        rec = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": base64.b64encode(body).decode("ascii"),
        }
        status = 500 if self.path.startswith("/fail") else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()
        sys.stdout.write(json.dumps(rec) + "\n")
        sys.stdout.flush()

    do_GET = do_POST = do_PUT = handle_any

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
sys.stdout.write("PORT %d\n" % server.server_address[1])
sys.stdout.flush()


def stop_on_eof():
    sys.stdin.read()
    server.shutdown()


threading.Thread(target=stop_on_eof, daemon=True).start()
server.serve_forever()
