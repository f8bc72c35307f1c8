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
// incremental (false only). Everything is checked at load time: an unknown key, class,
// level, formatter, filter or handler reference is an error naming its place
// ("config: handlers.rot.maxBytes: want an integer, got \"10MB\""), never a surprise at log
// time. This is stricter than CPython, which ignores unknown formatter keys.
//
// Formatters: format, datefmt, style ('%'; '$'; '{' with {name}, {name:<N} and {name:>N}),
// validate, and class (or "()"): logging.Formatter (slogx.Pattern), slogx.JSON, slogx.Text.
// A handler without a formatter writes "%(message)s", as Python's default Formatter does.
// %(name)s is the logger name; %(attrs)s (slogx) adds the slog attributes.
//
// Filters: name, as logging.Filter(name): the records of that logger and its descendants.
// Custom filter factories are not supported.
//
// Loggers and root: level, handlers, propagate, filters, with Python's semantics: dotted
// names form a hierarchy; the effective level is the nearest configured ancestor's (root
// starts at WARNING); a record goes to the handlers of its logger and of its ancestors up
// to the first with propagate false, each handler applying its own level and filters; a
// logger's own filters apply to the records it makes; with no handler at all on the chain,
// WARNING and above go to standard error (Python's lastResort).
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
//	slogx.rotate.Size     RotatingFileHandler's keys + lock compress
//	slogx.rotate.Timed    TimedRotatingFileHandler's keys + lock compress
//	slogx.netsink.Syslog  network(udp|tcp|tcp+tls|unix|unixgram) address("host:port" or path) facility
//	                      format(rfc5424|rfc3164|python) framing(octet-counting|lf) appName hostname ident
//	slogx.netsink.Forward address("host:port" or "unix:///path") tag sharedKey hostname compress
//	slogx.netsink.OTLP    url (empty: OTel's environment) scope json compress; headers and the
//	                      resource from OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES
//	slogx.queue.Queue     handlers capacity overflow(block|drop-newest|drop-oldest)
//
// # Factories
//
// A handlers entry whose "class" or "()" is not a built-in class names a Factory registered
// with Register (or Registry.Register): Python's user-defined factories, as Go functions.
//
// # Environment variables
//
// ${VAR}, ${VAR:-default} and $$ (a literal $) are substituted in the string values of the
// handlers, loggers and root sections — file names, hosts, URLs, levels — where a Python
// user would reach for ext:// or substitute the document himself. Formatters are left
// alone: their formats are templates, and style '$' uses ${name} itself. A variable that is
// not set and has no default is a load-time error.
package config
