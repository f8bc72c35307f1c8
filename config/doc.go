// Package config builds slog loggers and slogx handlers from a Python
// logging.config.dictConfig document — schema version 1, as CPython 3.11 reads it — in JSON
// or YAML, so that a logging setup moves from a Python service to a Go one unchanged: the
// same files, the same lines, the same rotation (a differential test runs CPython on the
// same document and compares the files byte for byte).
//
//	l, err := config.Load("logging.yaml")
//	if err != nil {
//		return err
//	}
//	defer l.Close()
//	log := l.Logger("app.db") // *slog.Logger
//	log.Info("connected", "host", host)
//
// # The document
//
// version (1, required), formatters, filters, handlers, loggers, root,
// disable_existing_loggers (accepted; there are no loggers before Load to disable) and
// incremental (see Logging.Apply). Everything is checked at load time: an unknown class,
// level, formatter, filter or handler reference, a wrong type, a number no handler can
// honour (a capacity over 2^20 records, a backupCount over 100,000, an interval over a
// century, a timeout over a year) is an error naming its place ("config:
// handlers.rot.maxBytes: want an integer, got \"10MB\""), never a surprise at log time. A
// document over MaxDocumentSize (16 MiB) is refused before it is read.
//
// Keys CPython ignores are ignored, each with a warning (Options.OnWarning, standard error
// by default, and Logging.Warnings): a logger's or root's keys other than level, handlers,
// propagate, filters (gunicorn's qualname); a formatter's keys other than format, datefmt,
// style, validate and class when it has no "()"; a filter's keys other than name when it
// has no "()"; a top-level section that no cfg:// reference reads. Options.Strict makes
// each an error. Keys CPython passes to a constructor that does not take them (a handler's
// or a "()" entry's), and a handler key that is not a Python identifier, are errors, as in
// CPython.
//
// Values are converted as BaseConfigurator converts them: "cfg://settings.files[app]"
// is the value at that place of the document (dots and [key] or [index] steps, with
// cfg_convert's errors: "ValueError: Unable to convert ...", KeyError, IndexError,
// TypeError), in the sections dictConfig reads; ext://sys.stdout and ext://sys.stderr
// (stream), ext://queue.Queue, ext://socket.SOCK_STREAM and SOCK_DGRAM,
// ext://logging.handlers.SysLogHandler.LOG_*, and anywhere ext://logging.DEBUG (and the
// other level constants) and ext://os.devnull. Other ext:// names are not importable in
// Go: where a class takes one, it is an error.
//
// YAML is read as PyYAML's yaml.safe_load reads it (YAML 1.1): yes/no/on/off/true/false in
// lower, Title and UPPER case are booleans (y and n are strings), 010 is 8, 1_000 is 1000,
// 1:30 is 90, 1e3 is a string, ~ is null, merge keys (<<) and aliases work, a repeated key
// keeps its last value. A test decodes every form with PyYAML itself.
//
// Levels are Python's names in any case (debug, Debug; CPython 3.11 wants upper case) or
// Python's numbers, as numbers or strings of digits, so that level: "${LOG_LEVEL:-INFO}"
// works with LOG_LEVEL=debug.
//
// Formatters: format, datefmt, style ('%'; '$'; '{' with {name}, {name:<N} and {name:>N}),
// validate, and class: logging.Formatter (slogx.Pattern), slogx.JSON, slogx.Text,
// slogx.Console (timeFormat, color: auto, always or never; auto colors a StreamHandler's
// terminal), or a registered FormatterFactory, which gets fmt, datefmt, style and validate.
// With "()": logging.Formatter (fmt, datefmt, style, validate, an empty defaults), the slogx
// classes or a FormatterFactory, with every other key as a keyword argument ("format"
// becomes "fmt", as CPython retries a factory with it) and "." as properties. A handler
// without a formatter writes "%(message)s", as Python's default Formatter does. %(name)s is
// the logger name; %(attrs)s (slogx) adds the slog attributes. Fields beyond the
// LogRecord's (uvicorn's %(levelprefix)s, %(client_addr)s from record.args or extra=) are
// not Pattern's: a format naming one is an error, and a FormatterFactory supplies them.
//
// Filters: name, as logging.Filter(name): the records of that logger and its descendants,
// decided once per logger. With "()": logging.Filter, or a registered FilterFactory with
// its keyword arguments, whose Filter is called per record (Django's RequireDebugFalse).
//
// Loggers and root: level, handlers, propagate, filters, with Python's semantics: dotted
// names form a hierarchy; the effective level is the nearest configured ancestor's (root
// starts at WARNING); a record goes to the handlers of its logger and of its ancestors up
// to the first with propagate false, each handler applying its own level and filters; a
// logger's own filters apply to the records it makes; with no handler at all on the chain,
// WARNING and above go to standard error (Python's lastResort). slogx adds context: the
// name (or a list of names) of context functions registered with RegisterContext, whose
// attributes the records of the logger and of its descendants get (slogx.ContextAttrs);
// the built-in name "slogx.ContextWith" (ContextWith) adds those stored with
// slogx.ContextWith, with no registration.
//
// # Levels at run time
//
// Logging.SetLevel changes a logger's level (and its descendants' effective level) while
// the program runs, Logging.Levels lists them, Logging.LevelHandler serves both over HTTP
// (Python's logging.config.listen), and Logging.Apply applies an incremental document
// (incremental: true): handler and logger levels only, as CPython does.
//
// # Handler classes
//
// Python's names, with Python's keyword arguments:
//
//	logging.StreamHandler                      stream (ext://sys.stderr, ext://sys.stdout)  sinks.NewStream
//	logging.FileHandler                        filename mode(a|w) encoding(utf-8) delay     sinks.NewFile
//	logging.NullHandler                                                                     sinks.Null
//	logging.handlers.WatchedFileHandler        as FileHandler                               sinks.NewWatchedFile
//	logging.handlers.RotatingFileHandler       filename mode maxBytes backupCount encoding delay   rotate.NewSizeHandler
//	logging.handlers.TimedRotatingFileHandler  filename when interval backupCount utc atTime("HH:MM[:SS]") encoding delay   rotate.NewTimedHandler
//	logging.handlers.SocketHandler             host port                                    netsink.NewSocket
//	logging.handlers.DatagramHandler           host port                                    netsink.NewDatagram
//	logging.handlers.SysLogHandler             address([host, port] or path) facility socktype   syslog.New (syslog.Python)
//	logging.handlers.SMTPHandler               mailhost fromaddr toaddrs subject credentials secure timeout   smtp.New
//	logging.handlers.HTTPHandler               host url method(GET|POST) secure credentials httpsink.New (FormatPython)
//	logging.handlers.MemoryHandler             capacity flushLevel target flushOnClose      slogx.Memory
//	logging.handlers.QueueHandler              handlers (3.12), queue, listener             queue.New over slogx.Fanout
//	logging.handlers.NTEventLogHandler         appname dllname logtype(Application)         sinks.NewEventLog (Windows)
//
// Every entry also takes level, formatter and filters. Differences that matter:
//
//   - SocketHandler and DatagramHandler speak slogx's msgpack wire protocol to a
//     netsink.Server (the socket with acknowledgements and replay), not Python's pickles:
//     point them at a netsink.Server (examples/collector), not at a Python receiver.
//   - SysLogHandler sends CPython's bytes ("<PRI>message\x00"); use slogx.netsink.Syslog for
//     RFC 5424. On TCP, messages are octet-counted rather than NUL-delimited only.
//   - Credentials are refused over clear text (SMTP without secure, HTTP without secure:
//     true), where CPython would send them.
//   - RotatingFileHandler and TimedRotatingFileHandler accept delay but open the file at load
//     time; RotatingFileHandler refuses mode 'w' without maxBytes. encoding must be UTF-8.
//   - QueueHandler's queue holds queue.DefaultCapacity records and blocks when full
//     (CPython's queue.Queue is unbounded) and always respects handler levels; HTTPHandler's
//     form sends "root" as name (the logger name travels as the "logger" attribute).
//   - MemoryHandler accepts level names for flushLevel (CPython 3.11 needs a number there).
//
// slogx's own classes take slogx-only options under names of their own:
//
//	slogx.rotate.Size     RotatingFileHandler's keys + lock compress maxAge (seconds)
//	slogx.rotate.Timed    TimedRotatingFileHandler's keys + lock compress maxAge (seconds)
//	slogx.netsink.Syslog  network(udp|tcp|tcp+tls|unix|unixgram) address("host:port" or path) facility
//	                      format(rfc5424|rfc3164|python) framing(octet-counting|lf) appName hostname ident
//	slogx.netsink.Forward address("host:port" or "unix:///path") tag sharedKey hostname compress
//	slogx.netsink.OTLP    url (empty: OTel's environment) scope json compress; headers and the
//	                      resource from OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES
//	slogx.queue.Queue     handlers capacity overflow(block|drop-newest|drop-oldest)
//	slogx.Sample          target (a handler name) tick (seconds) first thereafter: zap's sampler
//
// "level" of a handler is a *slog.LevelVar, so Logging.Apply changes it while it runs.
//
// # Factories
//
// A handlers entry whose "class" or "()" is not a built-in class names a Factory registered
// with Register (or Registry.Register): Python's user-defined factories, as Go functions,
// with the entry's other keys as keyword arguments and "." as properties (Args.Properties;
// the built-in classes take the terminator property). Formatters and filters name
// factories registered with RegisterFormatter and RegisterFilter. An unregistered name is
// an error naming the key and the Register call to make. The classes of Python's standard
// library that map are built in: logging.Formatter and logging.Filter as "()" too.
//
// # Environment variables
//
// ${VAR}, ${VAR:-default} and $$ (a literal $) are substituted in the string values of the
// handlers, loggers and root sections — file names, hosts, URLs, levels — where a Python
// user would reach for ext:// or substitute the document himself. Formatters are left
// alone: their formats are templates, and style '$' uses ${name} itself. A variable that is
// not set and has no default is a load-time error. cfg:// references are resolved first.
//
// # Differences from CPython that remain
//
// TestRealDocuments runs Django's DEFAULT_LOGGING, gunicorn's CONFIG_DEFAULTS, uvicorn's
// LOGGING_CONFIG, a cookbook document using cfg:// and a YAML document using yes/no under
// CPython and under LoadWith and compares standard output, standard error and files byte
// for byte; only the wall-clock times and process ids are masked. What differs elsewhere:
//
//   - Django's and uvicorn's classes are not shipped: a program registers its Go
//     counterparts (the test's pythonProjects shows them: Django's filters, ServerFormatter
//     and AdminEmailHandler; uvicorn's DefaultFormatter and AccessFormatter, whose fields
//     come from the record's attributes instead of record.args).
//   - Level names are accepted in any case, and numbers as strings; CPython refuses both.
//   - cfg:// sees the document as written: CPython removes a handler's class, level,
//     formatter and filters from its entry while configuring it, so a later
//     cfg://handlers.x.level fails there and works here.
//   - Logging.Apply refuses to change propagate (CPython changes it) and checks the whole
//     document before changing anything (CPython stops half way).
//   - Records carry the logger name as the slogx.LoggerKey attribute: JSON, Text, Console
//     and %(attrs)s show it as logger=....
//   - YAML timestamps (2024-01-01) are refused rather than read as dates; quote them.
package config
