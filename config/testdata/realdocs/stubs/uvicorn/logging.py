# Stand-in for uvicorn.logging (uvicorn 0.30), for config's differential test: uvicorn is
# not installed. The formatters are uvicorn's, colors off (no terminal).
import http
import logging
import sys
from copy import copy


class ColourizedFormatter(logging.Formatter):
    def __init__(self, fmt=None, datefmt=None, style="%", use_colors=None):
        if use_colors in (True, False):
            self.use_colors = use_colors
        else:
            self.use_colors = sys.stdout.isatty()
        super().__init__(fmt=fmt, datefmt=datefmt, style=style)

    def formatMessage(self, record):
        recordcopy = copy(record)
        levelname = recordcopy.levelname
        seperator = " " * (8 - len(recordcopy.levelname))
        recordcopy.__dict__["levelprefix"] = levelname + ":" + seperator
        return super().formatMessage(recordcopy)


class DefaultFormatter(ColourizedFormatter):
    pass


class AccessFormatter(ColourizedFormatter):
    def formatMessage(self, record):
        recordcopy = copy(record)
        (client_addr, method, full_path, http_version, status_code) = recordcopy.args
        status_code = "%d %s" % (status_code, http.HTTPStatus(status_code).phrase)
        request_line = "%s %s HTTP/%s" % (method, full_path, http_version)
        recordcopy.__dict__.update({"client_addr": client_addr, "request_line": request_line,
                                    "status_code": status_code})
        return super().formatMessage(recordcopy)
