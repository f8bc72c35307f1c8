# Stand-ins for django.utils.log (Django 4.2), for config's differential test: Django is
# not installed. Filters and the formatter behave as Django's with settings.DEBUG False
# and no terminal; AdminEmailHandler writes what it would mail to mail.log.
import logging

DEBUG = False


class RequireDebugFalse(logging.Filter):
    def filter(self, record):
        return not DEBUG


class RequireDebugTrue(logging.Filter):
    def filter(self, record):
        return DEBUG


class ServerFormatter(logging.Formatter):
    default_time_format = "%d/%b/%Y %H:%M:%S"

    def uses_server_time(self):
        return self._fmt.find("{server_time}") >= 0

    def format(self, record):
        if self.uses_server_time() and not hasattr(record, "server_time"):
            record.server_time = self.formatTime(record, self.datefmt)
        return super().format(record)


class AdminEmailHandler(logging.Handler):
    def __init__(self, include_html=False, email_backend=None, reporter_class=None):
        super().__init__()
        self.setFormatter(logging.Formatter("Subject: %(levelname)s: %(message)s"))

    def emit(self, record):
        with open("mail.log", "a") as f:
            f.write(self.format(record) + "\n")
