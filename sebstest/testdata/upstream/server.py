"""Upstream-shaped wrapper server for the stand-in image: single-threaded, times only the import."""
import datetime
import json
import sys
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.append("/function")
sys.path.append("/function/.python_packages/lib/site-packages")


def stamp(t):
    return t.strftime("%s.%f")


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/alive":
            self.reply(200, b"result:ok", "text/html; charset=UTF-8")
        else:
            self.reply(404, b"not found", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        event = json.loads(self.rfile.read(length) or b"null")
        begin = datetime.datetime.now()
        from function import function

        end = datetime.datetime.now()
        output = function.handler(event)
        body = {
            "begin": stamp(begin),
            "end": stamp(end),
            "request_id": str(uuid.uuid4()),
            "is_cold": False,
            "result": {"output": output},
        }
        self.reply(200, json.dumps(body).encode(), "application/json")

    def log_message(self, *args):
        pass


HTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
